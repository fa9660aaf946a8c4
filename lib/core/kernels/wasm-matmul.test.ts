import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { installFastWasmTransposedMatMul, uninstallFastWasmTransposedMatMul } from './wasm-matmul';

function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1),
    shape,
  );
}

describe('WASM matMul with transposed operands', () => {
  let initial = '';
  const cases: { name: string; run: () => tf.Tensor }[] = [];
  const expected = new Map<string, Float32Array>();

  beforeAll(async () => {
    initial = tf.getBackend();
    await tf.setBackend('wasm');
    const a = random([6, 11], 1);
    const aT = random([11, 6], 2);
    const b = random([11, 7], 3);
    const bT = random([7, 11], 4);
    const batchAT = random([3, 11, 6], 5);
    const batchBT = random([3, 7, 11], 6);
    cases.push(
      { name: 'transposeA', run: () => tf.matMul(aT, b, true, false) },
      { name: 'transposeB', run: () => tf.matMul(a, bT, false, true) },
      { name: 'both', run: () => tf.matMul(aT, bT, true, true) },
      { name: 'batched', run: () => tf.matMul(batchAT, batchBT, true, true) },
      { name: 'plain', run: () => tf.matMul(a, b) },
      {
        name: 'gradients',
        run: () =>
          tf.grad((x: tf.Tensor) =>
            tf
              .matMul(x as tf.Tensor2D, b as tf.Tensor2D)
              .square()
              .sum(),
          )(a),
      },
    );
    uninstallFastWasmTransposedMatMul(); // the test setup installed it: expectations come from TF.js's own kernel
    for (const c of cases) {
      const t = c.run();
      expected.set(c.name, (await t.data()) as Float32Array);
      t.dispose();
    }
    installFastWasmTransposedMatMul();
  });

  afterAll(async () => {
    await tf.setBackend(initial);
  });

  it("gives the same products as TF.js's own kernel, and leaks nothing", async () => {
    const before = tf.memory().numTensors;
    for (const c of cases) {
      const t = c.run();
      const got = await t.data();
      const want = expected.get(c.name) ?? new Float32Array();
      expect(got.length, c.name).toBe(want.length);
      got.forEach((x, i) => expect(Math.abs(x - (want[i] ?? NaN)), c.name).toBeLessThan(1e-5));
      t.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

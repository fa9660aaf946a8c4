import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { installFastCpuMatMul, matMulRowMajor, uninstallFastCpuMatMul } from './cpu-matmul';

/** Plain float64 triple loop: the reference. */
function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[i * k + p] ?? 0) * (b[p * n + j] ?? 0);
      out[i * n + j] = s;
    }
  return out;
}

function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.next() * 2 - 1),
    shape,
  );
}

async function maxDiff(x: tf.Tensor, y: tf.Tensor): Promise<number> {
  expect(x.shape).toEqual(y.shape);
  const [a, b] = [await x.data(), await y.data()];
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}

describe('matMulRowMajor', () => {
  it('matches a plain triple loop for odd sizes (K not a multiple of 4, single rows and columns)', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [3, 7, 5],
      [16, 90, 256],
      [2, 603, 9],
      [5, 4, 1],
    ] as const) {
      const a = (random([m, k], m + k).dataSync() as Float32Array).slice();
      const b = (random([k, n], k + n).dataSync() as Float32Array).slice();
      const out = new Float32Array(m * n);
      matMulRowMajor(a, b, m, k, n, out);
      const want = naive(a, b, m, k, n);
      out.forEach((x, i) => expect(Math.abs(x - (want[i] ?? NaN))).toBeLessThan(1e-5));
    }
  });
});

describe('fast CPU matMul kernels', () => {
  let initial = '';
  let original: ReturnType<typeof tf.getKernel> | undefined;
  // Results of TF.js's original CPU kernels, computed before installing ours.
  const cases: { name: string; run: () => tf.Tensor }[] = [];
  const expected = new Map<string, tf.Tensor>();

  beforeAll(async () => {
    initial = tf.getBackend();
    await tf.setBackend('cpu');
    const a = random([6, 11], 1);
    const b = random([11, 7], 2);
    const aT = random([11, 6], 3);
    const bT = random([7, 11], 4);
    const batchA = random([3, 6, 11], 5);
    const batchB = random([3, 11, 7], 6);
    const bias = random([7], 7);
    cases.push(
      { name: 'plain', run: () => tf.matMul(a, b) },
      { name: 'transposeA', run: () => tf.matMul(aT, b, true, false) },
      { name: 'transposeB', run: () => tf.matMul(a, bT, false, true) },
      { name: 'both transposed', run: () => tf.matMul(aT, bT, true, true) },
      { name: 'batched', run: () => tf.matMul(batchA, batchB) },
      { name: 'broadcast batch', run: () => tf.matMul(batchA, b) },
      { name: 'fused bias+relu', run: () => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'relu' }) },
      { name: 'fused sigmoid', run: () => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'sigmoid' }) },
      { name: 'fused leakyrelu', run: () => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'leakyrelu', leakyreluAlpha: 0.1 }) },
      {
        name: 'fused prelu (falls back)',
        run: () => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, activation: 'prelu', preluActivationWeights: tf.fill([7], 0.3) }),
      },
      {
        name: 'int32 (falls back)',
        run: () =>
          tf.matMul(
            tf.tensor2d(
              [
                [1, 2],
                [3, 4],
              ],
              [2, 2],
              'int32',
            ),
            tf.tensor2d(
              [
                [5, 6],
                [7, 8],
              ],
              [2, 2],
              'int32',
            ),
          ),
      },
      {
        name: 'gradient through matMul',
        run: () =>
          tf.grad((x: tf.Tensor) =>
            tf
              .matMul(x as tf.Tensor2D, b as tf.Tensor2D)
              .square()
              .sum(),
          )(a),
      },
    );
    uninstallFastCpuMatMul(); // the test setup installed it: compute the expectations with TF.js's own kernels
    for (const c of cases) expected.set(c.name, c.run());
    original = tf.getKernel('BatchMatMul', 'cpu');
    installFastCpuMatMul();
    installFastCpuMatMul(); // idempotent
  });

  afterAll(async () => {
    await tf.setBackend(initial);
  });

  it('is installed in place of the original kernels', () => {
    expect(original).toBeDefined();
    expect(tf.getKernel('BatchMatMul', 'cpu')).not.toBe(original);
  });

  it("gives the original kernels' results for every case", async () => {
    for (const c of cases) {
      const got = c.run();
      const want = expected.get(c.name) as tf.Tensor;
      expect(await maxDiff(got, want), c.name).toBeLessThan(1e-5);
      got.dispose();
    }
  });

  it('still reports shape errors and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      for (let i = 0; i < 20; i++) tf.matMul(random([4, 8], i), random([8, 3], i + 1));
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 5]))).toThrow(/inner shapes/);
  });
});

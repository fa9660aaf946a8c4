import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { preferFusedLstm } from '../core/kernels/lstm-sequence';
import { createRng } from '../core/random';
import { fixedMatMul, lstmSequence, lstmSequenceOps } from './lstm-train';

function rand(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() * 2 - 1) * scale),
    shape,
  );
}

/** The textbook step-by-step LSTM, differentiated by TF.js's own tape: the reference. */
function reference(xw: tf.Tensor3D, wh: tf.Tensor2D, c0: tf.Tensor2D, h0: tf.Tensor2D): tf.Tensor3D {
  let c = c0;
  let h = h0;
  const hs: tf.Tensor2D[] = [];
  for (const x of tf.unstack(xw) as tf.Tensor2D[]) {
    const [i, j, f, o] = tf.split(tf.add(x, tf.matMul(h, wh)), 4, 1);
    c = tf.add(tf.mul(c, tf.sigmoid(f as tf.Tensor)), tf.mul(tf.sigmoid(i as tf.Tensor), tf.tanh(j as tf.Tensor)));
    h = tf.mul(tf.tanh(c), tf.sigmoid(o as tf.Tensor));
    hs.push(h);
  }
  return tf.stack(hs) as tf.Tensor3D;
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs((x[i] ?? NaN) - (y[i] ?? NaN)));
  return m;
}

const IMPLEMENTATIONS = { 'fused kernels': lstmSequence, 'op by op': lstmSequenceOps } as const;

describe('lstmSequence (hand-written BPTT)', () => {
  for (const [impl, lstm] of Object.entries(IMPLEMENTATIONS))
    for (const backend of ['cpu', 'wasm']) {
      it(`${impl}: matches TF.js autodiff of a step-by-step LSTM, values and all four gradients (${backend})`, async () => {
        const initial = tf.getBackend();
        await tf.setBackend(backend);
        const [T, B, H] = [7, 3, 5];
        const xw = rand([T, B, 4 * H], 1) as tf.Tensor3D;
        const wh = rand([H, 4 * H], 2, 0.5) as tf.Tensor2D;
        const c0 = rand([B, H], 3) as tf.Tensor2D;
        const h0 = rand([B, H], 4) as tf.Tensor2D;
        const weights = rand([T, B, H], 5); // a loss that weighs every step's h differently
        if (impl === 'fused kernels') expect(preferFusedLstm(B, H)).toBe(true);
        const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D), weights));
        expect(await maxAbsDiff(lstm(xw, wh, c0, h0), reference(xw, wh, c0, h0))).toBeLessThan(1e-5);
        const ours = tf.grads(loss(lstm))([xw, wh, c0, h0]);
        const want = tf.grads(loss(reference))([xw, wh, c0, h0]);
        for (let k = 0; k < 4; k++) expect(await maxAbsDiff(ours[k] as tf.Tensor, want[k] as tf.Tensor)).toBeLessThan(1e-4);
        tf.dispose([xw, wh, c0, h0, weights, ...ours, ...want]);
        await tf.setBackend(initial);
      });
    }

  it('with a fixed kernel gives the same gradients for the inputs and states, and none for the kernel', async () => {
    const [T, B, H] = [5, 2, 4];
    const [xw, wh, c0, h0] = [
      rand([T, B, 4 * H], 11) as tf.Tensor3D,
      rand([H, 4 * H], 12, 0.5) as tf.Tensor2D,
      rand([B, H], 13) as tf.Tensor2D,
      rand([B, H], 14) as tf.Tensor2D,
    ];
    const whT = tf.transpose(wh) as tf.Tensor2D;
    const f = (fixed: boolean) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.square(lstmSequence(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D, fixed ? { fixedKernel: { whT } } : {})));
    const full = tf.grads(f(false))([xw, wh, c0, h0]);
    const fixed = tf.grads(f(true))([xw, wh, c0, h0]);
    for (const k of [0, 2, 3]) expect(await maxAbsDiff(full[k] as tf.Tensor, fixed[k] as tf.Tensor)).toBeLessThan(1e-6);
    expect(await maxAbsDiff(fixed[1] as tf.Tensor, tf.zerosLike(wh))).toBe(0);
    expect(await maxAbsDiff(full[1] as tf.Tensor, tf.zerosLike(wh))).toBeGreaterThan(1e-3);
    tf.dispose([xw, wh, whT, c0, h0, ...full, ...fixed]);
  });

  it('fixedMatMul: x·w with the gradient dy·wT for x', async () => {
    const x = rand([3, 4], 21) as tf.Tensor2D;
    const w = rand([4, 5], 22) as tf.Tensor2D;
    const wT = tf.transpose(w) as tf.Tensor2D;
    expect(await maxAbsDiff(fixedMatMul(x, w, wT), tf.matMul(x, w))).toBeLessThan(1e-6);
    const g1 = tf.grad((a: tf.Tensor) => tf.sum(tf.square(fixedMatMul(a as tf.Tensor2D, w, wT))))(x);
    const g2 = tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.matMul(a as tf.Tensor2D, w))))(x);
    expect(await maxAbsDiff(g1, g2)).toBeLessThan(1e-5);
    tf.dispose([x, w, wT, g1, g2]);
  });

  it('leaves no tensors behind after a gradient computation', () => {
    const [T, B, H] = [4, 2, 3];
    const xw = rand([T, B, 4 * H], 6) as tf.Tensor3D;
    const wh = rand([H, 4 * H], 7) as tf.Tensor2D;
    const s = rand([B, H], 8) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    tf.dispose(tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(lstmSequence(a as tf.Tensor3D, b as tf.Tensor2D, s, s)))([xw, wh])));
    tf.dispose(tf.tidy(() => lstmSequence(xw, wh, s, s)));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xw, wh, s]);
  });
});

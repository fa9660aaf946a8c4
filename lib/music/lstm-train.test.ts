import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/random';
import { lstmSequence } from './lstm-train';

function rand(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() * 2 - 1) * scale), shape);
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

describe('lstmSequence (hand-written BPTT)', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`matches TF.js autodiff of a step-by-step LSTM, values and all four gradients (${backend})`, async () => {
      const initial = tf.getBackend();
      await tf.setBackend(backend);
      const [T, B, H] = [7, 3, 5];
      const xw = rand([T, B, 4 * H], 1) as tf.Tensor3D;
      const wh = rand([H, 4 * H], 2, 0.5) as tf.Tensor2D;
      const c0 = rand([B, H], 3) as tf.Tensor2D;
      const h0 = rand([B, H], 4) as tf.Tensor2D;
      const weights = rand([T, B, H], 5); // a loss that weighs every step's h differently
      const loss = (f: typeof reference) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D), weights));
      expect(await maxAbsDiff(lstmSequence(xw, wh, c0, h0), reference(xw, wh, c0, h0))).toBeLessThan(1e-5);
      const ours = tf.grads(loss(lstmSequence))([xw, wh, c0, h0]);
      const want = tf.grads(loss(reference))([xw, wh, c0, h0]);
      for (let k = 0; k < 4; k++) expect(await maxAbsDiff(ours[k] as tf.Tensor, want[k] as tf.Tensor)).toBeLessThan(1e-4);
      tf.dispose([xw, wh, c0, h0, weights, ...ours, ...want]);
      await tf.setBackend(initial);
    });
  }

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

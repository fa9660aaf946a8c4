import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdjustableAdam } from './optimizers';

/** Adam by hand (Kingma & Ba, with TF.js's bias correction and ε outside the square root). */
function adamByHand(w0: number[], grads: number[][], rates: number[], beta1: number, beta2: number, eps: number): number[] {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  grads.forEach((g, step) => {
    const t = step + 1;
    const rate = rates[step] ?? NaN;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] ?? NaN;
      m[i] = beta1 * (m[i] ?? 0) + (1 - beta1) * gi;
      v[i] = beta2 * (v[i] ?? 0) + (1 - beta2) * gi * gi;
      const mHat = (m[i] ?? 0) / (1 - beta1 ** t);
      const vHat = (v[i] ?? 0) / (1 - beta2 ** t);
      w[i] = (w[i] ?? 0) - (rate * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return w;
}

describe('AdjustableAdam', () => {
  it('takes Adam steps at the rate set before each step, keeping its moments (the music trainer’s ε = 1e-8)', async () => {
    const w0 = [0.5, -1, 2];
    const grads = [
      [0.1, -0.3, 2],
      [0.2, 0.05, -1],
      [-0.4, 0.3, 0.5],
    ];
    const rates = [1e-3, 5e-4, 2e-2];
    const w = tf.variable(tf.tensor1d(w0), true, 'adjustable-adam-test/w');
    const opt = new AdjustableAdam(rates[0] ?? 0, 0.9, 0.999, 1e-8);
    grads.forEach((g, step) => {
      opt.setLearningRate(rates[step] ?? 0);
      const t = tf.tensor1d(g);
      opt.applyGradients([{ name: w.name, tensor: t }]);
      t.dispose();
    });
    const got = Array.from(await w.data());
    const want = adamByHand(w0, grads, rates, 0.9, 0.999, 1e-8);
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i] ?? NaN, 5));
    // A constant rate would have landed elsewhere: the change between steps is applied.
    const constant = adamByHand(w0, grads, [1e-3, 1e-3, 1e-3], 0.9, 0.999, 1e-8);
    expect(Math.abs((got[2] ?? 0) - (constant[2] ?? 0))).toBeGreaterThan(1e-3);
    // Saved state for exact resumption: the iteration count, then each variable's two moments.
    const weights = await opt.getWeights();
    expect(weights).toHaveLength(3);
    expect(Array.from(await (weights[0]?.tensor as tf.Tensor).data())).toEqual([3]);
    opt.dispose();
    w.dispose();
  });
});

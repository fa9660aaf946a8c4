import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CancelledError, InvalidInputError } from '../core/errors';
import { refineCodesTensor, type RefinementProblem } from './refine';

/** A problem whose best code is known: loss(z) = Σ (z − target)² per item, from μ. */
function quadratic(mu: number[][], target: number[][], sigma?: number[][]): RefinementProblem {
  const m = tf.tensor2d(mu);
  const s = sigma ? tf.tensor2d(sigma) : tf.onesLike(m);
  const t = tf.tensor2d(target);
  return {
    mu: m as tf.Tensor2D,
    sigma: s as tf.Tensor2D,
    loss: (z) => tf.sum(tf.square(tf.sub(z, t)), 1) as tf.Tensor1D,
    dispose: () => tf.dispose([m, s, t]),
  };
}

async function rows(t: tf.Tensor): Promise<number[][]> {
  return (await t.array()) as number[][];
}

describe('refineCodesTensor', () => {
  it('moves each code from μ to the loss minimum, reports the losses and the distance in σ', async () => {
    const p = quadratic(
      [
        [0, 0],
        [1, 1],
      ],
      [
        [2, -1],
        [1, 1],
      ],
      [
        [0.5, 0.5],
        [1, 1],
      ],
    );
    const { z, reports } = await refineCodesTensor(p, { steps: 300, learningRate: 0.05 });
    const [a, b] = (await rows(z)) as [number[], number[]];
    expect(a[0]).toBeCloseTo(2, 1);
    expect(a[1]).toBeCloseTo(-1, 1);
    expect(b).toEqual([1, 1]); // already at its minimum: μ is kept (the best code seen)
    expect(reports[0]?.lossBefore).toBeCloseTo(5, 5);
    expect(reports[0]?.lossAfter).toBeLessThan(0.01);
    expect(reports[0]?.distanceSigma).toBeCloseTo(Math.hypot(2 / 0.5, 1 / 0.5), 0);
    expect(reports[1]).toMatchObject({ lossBefore: 0, lossAfter: 0, distanceSigma: 0 });
    z.dispose();
    p.dispose();
  });

  it('with a score, keeps the best-scoring candidate (μ, every few steps, the last), ties to the lower loss', async () => {
    // The score prefers codes near 1 while the loss pulls toward 3: the kept code is near 1, not 3.
    const p = { ...quadratic([[0]], [[3]]), score: async (z: tf.Tensor2D) => Array.from(await z.data()).map((v) => -Math.abs(v - 1)) };
    const { z, reports } = await refineCodesTensor(p, { steps: 40, learningRate: 0.1 });
    const kept = (await rows(z))[0]?.[0] ?? NaN;
    expect(Math.abs(kept - 1)).toBeLessThan(0.6);
    expect(reports[0]?.lossAfter).toBeGreaterThan(0.5); // not the loss minimum
    z.dispose();
    p.dispose();
    // A constant score: ties everywhere, so the lowest loss among the candidates wins.
    const flat = { ...quadratic([[0]], [[3]]), score: () => Promise.resolve([0]) };
    const r = await refineCodesTensor(flat, { steps: 200, learningRate: 0.1 });
    expect((await rows(r.z))[0]?.[0]).toBeCloseTo(3, 0);
    r.z.dispose();
    flat.dispose();
  });

  it('refines each item as if alone: a batch gives the same codes as one item at a time', async () => {
    const both = quadratic(
      [
        [0, 0],
        [3, -2],
      ],
      [
        [2, -1],
        [-1, 0.5],
      ],
    );
    const first = quadratic([[0, 0]], [[2, -1]]);
    const second = quadratic([[3, -2]], [[-1, 0.5]]);
    const options = { steps: 25, learningRate: 0.3 };
    const [rb, r1, r2] = [await refineCodesTensor(both, options), await refineCodesTensor(first, options), await refineCodesTensor(second, options)];
    const [b, one, two] = [await rows(rb.z), await rows(r1.z), await rows(r2.z)];
    expect(b[0]?.[0]).toBeCloseTo(one[0]?.[0] ?? NaN, 5);
    expect(b[1]?.[1]).toBeCloseTo(two[0]?.[1] ?? NaN, 5);
    tf.dispose([rb.z, r1.z, r2.z]);
    [both, first, second].forEach((p) => p.dispose());
  });

  it('priorWeight pulls the code toward μ (in units of σ)', async () => {
    const free = quadratic([[0]], [[4]]);
    const pulled = quadratic([[0]], [[4]]);
    const a = await refineCodesTensor(free, { steps: 400, learningRate: 0.1 });
    const b = await refineCodesTensor(pulled, { steps: 400, learningRate: 0.1, priorWeight: 2 });
    // (z − 4)² + ½·2·z² is lowest where 2(z − 4) + 2z = 0: z = 2.
    expect((await rows(a.z))[0]?.[0]).toBeCloseTo(4, 1);
    expect((await rows(b.z))[0]?.[0]).toBeCloseTo(2, 1);
    tf.dispose([a.z, b.z]);
    free.dispose();
    pulled.dispose();
  });

  it('reports progress every step, stops with CancelledError on abort, and leaves no tensors behind', async () => {
    const p = quadratic([[0, 0]], [[1, 1]]);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const result = await refineCodesTensor(p, { steps: 5, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    result.z.dispose();
    const controller = new AbortController();
    await expect(refineCodesTensor(p, { steps: 50, signal: controller.signal, onProgress: (done) => done === 3 && controller.abort() })).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  it('refuses bad options with a named error', async () => {
    const p = quadratic([[0]], [[1]]);
    for (const bad of [
      { steps: 0 },
      { steps: -3 },
      { steps: 2.5 },
      { steps: 5000 },
      { steps: 5, learningRate: NaN },
      { steps: 5, learningRate: 0 },
      { steps: 5, priorWeight: -1 },
    ]) {
      await expect(refineCodesTensor(p, bad)).rejects.toBeInstanceOf(InvalidInputError);
    }
    p.dispose();
  });

  it('stops each item as soon as its forward pass says it is rebuilt exactly, and reports the steps it used', async () => {
    // Item 0 counts as "exact" once its code passes 1 (half way to the loss minimum at 2); item 1 never does.
    const base = quadratic([[0], [0]], [[2], [-2]]);
    const p: RefinementProblem = {
      ...base,
      lossDetail: (z) => ({ loss: base.loss(z), correct: tf.tidy(() => tf.mul(tf.cast(tf.greater(tf.squeeze(z, [1]), 1), 'float32'), 32)) as tf.Tensor1D }),
      perfectScore: [32, 32],
    };
    const seen: number[] = [];
    const { z, reports } = await refineCodesTensor(p, { steps: 200, learningRate: 0.05, onProgress: (k) => seen.push(k) });
    const [a, b] = (await rows(z)) as [number[], number[]];
    expect(reports[0]?.stopped).toBe('exact');
    expect(reports[0]?.steps).toBeLessThan(60);
    expect(a[0]).toBeGreaterThan(1);
    expect(a[0]).toBeLessThan(1.2); // frozen where it became exact, not carried on to 2
    expect(reports[1]?.stopped).not.toBe('exact');
    expect(b[0]).toBeLessThan(-1.9);
    // Without early stopping every item runs every step.
    const all = await refineCodesTensor(p, { steps: 200, learningRate: 0.05, earlyStop: false });
    expect(all.reports.map((r) => [r.steps, r.stopped])).toEqual([
      [200, 'steps'],
      [200, 'steps'],
    ]);
    tf.dispose([z, all.z]);
    p.dispose();
  });

  it('stops an item whose loss stopped improving, and ends the loop when every item has stopped', async () => {
    // A loss that cannot go below 1: once there, the item plateaus.
    const m = tf.tensor2d([[3]]);
    const p: RefinementProblem = {
      mu: m as tf.Tensor2D,
      sigma: tf.onesLike(m) as tf.Tensor2D,
      loss: (z) => tf.add(1, tf.sum(tf.square(tf.relu(tf.sub(z, 1))), 1)) as tf.Tensor1D,
      dispose: () => m.dispose(),
    };
    let calls = 0;
    const { z, reports } = await refineCodesTensor(p, { steps: 500, learningRate: 0.3, onProgress: () => calls++ });
    expect(reports[0]?.stopped).toBe('plateau');
    expect(reports[0]?.steps).toBeLessThan(120);
    expect(calls).toBe(reports[0]?.steps);
    expect(reports[0]?.lossAfter).toBeCloseTo(1, 2);
    z.dispose();
    tf.dispose(p.sigma);
    p.dispose();
  });

  it('scaleBySigma: each number steps in proportion to its σ (relative to the item mean); the model may make it the default', async () => {
    // One Adam step moves every number by the learning rate (|m̂/√v̂| = 1 at step 1), times σ/mean σ when scaled.
    const p = quadratic([[0, 0]], [[5, 5]], [[1.5, 0.5]]);
    const plain = await refineCodesTensor(p, { steps: 1, learningRate: 0.2, earlyStop: false });
    const scaled = await refineCodesTensor(p, { steps: 1, learningRate: 0.2, earlyStop: false, scaleBySigma: true });
    const [[a0, a1]] = (await rows(plain.z)) as [[number, number]];
    const [[b0, b1]] = (await rows(scaled.z)) as [[number, number]];
    expect(a0).toBeCloseTo(0.2, 4);
    expect(a1).toBeCloseTo(0.2, 4);
    expect(b0).toBeCloseTo(0.2 * 1.5, 4);
    expect(b1).toBeCloseTo(0.2 * 0.5, 4);
    // The problem's defaults apply when the caller says nothing, and the caller's options win.
    const withDefaults: RefinementProblem = { ...p, defaults: { learningRate: 0.4, scaleBySigma: true } };
    const byDefault = await refineCodesTensor(withDefaults, { steps: 1, earlyStop: false });
    const [[c0, c1]] = (await rows(byDefault.z)) as [[number, number]];
    expect([c0, c1].map((v) => Number(v.toFixed(4)))).toEqual([0.6, 0.2]);
    const overridden = await refineCodesTensor(withDefaults, { steps: 1, earlyStop: false, learningRate: 0.2, scaleBySigma: false });
    expect(((await rows(overridden.z))[0] ?? []).map((v) => Number(v.toFixed(4)))).toEqual([0.2, 0.2]);
    tf.dispose([plain.z, scaled.z, byDefault.z, overridden.z]);
    p.dispose();
  });

  it('with lossDetail and a score: scores only the most-counted-right step, the last and μ, in one call at the end', async () => {
    // Counted right: 32 − |z − 1|·10 (best near 1); the loss pulls toward 3; the score prefers codes near 1.2.
    const base = quadratic([[0]], [[3]]);
    const calls: number[] = [];
    const p: RefinementProblem = {
      ...base,
      lossDetail: (z) => ({
        loss: base.loss(z),
        correct: tf.tidy(() => tf.floor(tf.sub(32, tf.mul(tf.abs(tf.sub(tf.squeeze(z, [1]), 1)), 10)))) as tf.Tensor1D,
      }),
      score: async (z) => {
        calls.push(z.shape[0]);
        return Array.from(await z.data()).map((v) => -Math.abs(v - 1.2));
      },
      perfectScore: [1e9],
    };
    const { z, reports } = await refineCodesTensor(p, { steps: 80, learningRate: 0.05, earlyStop: false });
    const [[kept]] = (await rows(z)) as [[number]];
    // [most counted right, last, μ] stacked: one call in all, not one per few steps.
    expect(calls).toEqual([3]);
    expect(kept).toBeGreaterThan(0.85);
    expect(kept).toBeLessThan(1.15); // the step nearest 1, not the last (near 3) nor μ (0)
    expect(reports[0]?.steps).toBe(80);
    z.dispose();
    p.dispose();
  });
});

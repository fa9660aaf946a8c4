/**
 * MusicVAE's refinement problem (test-time inference of the code): μ, σ and the teacher-forced
 * cross-entropy of the input's own classes as a function of z. The decoder runs as in training (all
 * steps' inputs known), through the hand-written back-propagation of lstm-train.ts, with everything
 * that does not depend on z (the previous-step one-hots times their kernel rows) computed once.
 */
import * as tf from '@tensorflow/tfjs';
import type { RefinementProblem } from '../latent/refine';
import type { MusicConverter } from './converters/types';
import { compareLabels } from './fidelity';
import type { LstmGates } from './lstm';
import { fixedMatMul, lstmSequence } from './lstm-train';
import type { MusicVaeSizes } from './music-vae-config';
import { encoderStates, meanFromStates, type InferenceWeights } from './music-vae-weights';

/**
 * Adam at 0.5 with steps scaled by σ: on mel_2bar's 40 bench inputs (8 built-in melodies, 32 POP909
 * validation windows) it rebuilds as many steps after 25 as plain Adam at 0.3 did after 50 (see
 * docs/music-labs.md, "Refined codes").
 */
export const MUSIC_VAE_REFINE_DEFAULTS = { learningRate: 0.5, scaleBySigma: true } as const;

/** The decoder's weights as the refinement's products use them (transposes made once per model). */
export interface RefineWeights {
  bias0: tf.Tensor1D;
  classRows0: tf.Tensor2D;
  wz0: tf.Tensor2D;
  wz0T: tf.Tensor2D;
  wh0: tf.Tensor2D;
  wh0T: tf.Tensor2D;
  zInitT: tf.Tensor2D;
  outT: tf.Tensor2D;
  upper: { wx: tf.Tensor2D; wxT: tf.Tensor2D; wh: tf.Tensor2D; whT: tf.Tensor2D; bias: tf.Tensor1D }[];
  dispose(): void;
}

/** Prepares {@link RefineWeights} from a model's inference weights; the model keeps and disposes them. */
export function prepareRefineWeights(w: InferenceWeights, sizes: MusicVaeSizes): RefineWeights {
  const units = sizes.decoderUnits;
  const t = tf.tidy(() => {
    const g0 = w.dec[0] as LstmGates;
    const cat = (parts: tf.Tensor2D[]): tf.Tensor2D => tf.concat(parts, 1) as tf.Tensor2D;
    const upper = w.dec.slice(1).map((g, i) => {
      const kernel = cat([g.wi, g.wj, g.wf, g.wo]);
      const input = units[i] ?? 0;
      const wx = tf.slice(kernel, [0, 0], [input, 4 * g.hidden]) as tf.Tensor2D;
      const wh = tf.slice(kernel, [input, 0], [g.hidden, 4 * g.hidden]) as tf.Tensor2D;
      return { wx, wxT: tf.transpose(wx) as tf.Tensor2D, wh, whT: tf.transpose(wh) as tf.Tensor2D, bias: tf.concat([g.bi, g.bj, g.bf, g.bo]) as tf.Tensor1D };
    });
    const wz0 = cat(w.dec0.zRows);
    const wh0 = cat(w.dec0.hRows);
    return {
      bias0: tf.concat([g0.bi, g0.bj, g0.bf, g0.bo]) as tf.Tensor1D,
      classRows0: cat(w.dec0.classRows),
      wz0,
      wz0T: tf.transpose(wz0) as tf.Tensor2D,
      wh0,
      wh0T: tf.transpose(wh0) as tf.Tensor2D,
      zInitT: tf.transpose(w.zInitKernel) as tf.Tensor2D,
      outT: tf.transpose(w.outKernel) as tf.Tensor2D,
      upper,
    };
  });
  return {
    ...t,
    dispose: () =>
      tf.dispose([t.bias0, t.classRows0, t.wz0, t.wz0T, t.wh0, t.wh0T, t.zInitT, t.outT, ...t.upper.flatMap((u) => [u.wx, u.wxT, u.wh, u.whT, u.bias])]),
  };
}

/**
 * The problem for inputs `x` `[batch, numSteps, inputDepth]` (checked by the caller), with `rw` from
 * {@link prepareRefineWeights} (owned by the model). `decodeLabels`
 * gives greedy decodes of candidate codes: the code kept is the one whose decode rebuilds the most
 * steps (what the user hears). The caller disposes the problem.
 */
export async function musicVaeRefinementProblem(
  w: InferenceWeights,
  rw: RefineWeights,
  sizes: MusicVaeSizes,
  converter: MusicConverter,
  x: tf.Tensor3D,
  decodeLabels: (z: tf.Tensor2D) => Promise<Int32Array[]>,
): Promise<RefinementProblem> {
  const { numSteps: T, inputDepth: D, outputDepth: C } = converter;
  const B = x.shape[0];
  const flat = await x.data();
  const labels = Array.from({ length: B }, (_, b) => converter.inputToLabels(flat.subarray(b * T * D, (b + 1) * T * D)));
  const units = sizes.decoderUnits;
  const keep = tf.tidy(() => {
    const both = encoderStates(w, x);
    const mu = meanFromStates(w, both);
    const sigma = (w.sigma ? tf.softplus(tf.add(tf.matMul(both, w.sigma.kernel), w.sigma.bias)) : tf.onesLike(mu)) as tf.Tensor2D;
    // Time-major one-hots of the targets and of each step's previous class (zeros at step 0).
    const targets = new Float32Array(T * B * C);
    const previous = new Float32Array(T * B * C);
    labels.forEach((l, b) => {
      for (let t = 0; t < T; t++) {
        const c = l[t] ?? 0;
        targets[(t * B + b) * C + c] = 1;
        if (t + 1 < T) previous[((t + 1) * B + b) * C + c] = 1;
      }
    });
    const base0 = tf.add(tf.matMul(tf.tensor2d(previous, [T * B, C]), rw.classRows0), rw.bias0).reshape([T, B, 4 * (units[0] ?? 0)]);
    return { mu, sigma, targets: tf.tensor2d(targets, [T * B, C]), base0 };
  });
  // Every weight is fixed: products with them use precomputed transposes and skip weight gradients.
  const lossDetail = (z: tf.Tensor2D): { loss: tf.Tensor1D; correct: tf.Tensor1D } => {
    const init = tf.split(
      tf.tanh(tf.add(fixedMatMul(z, w.zInitKernel, rw.zInitT), w.zInitBias)),
      units.flatMap((u) => [u, u]),
      1,
    );
    const xw0 = tf.add(keep.base0, fixedMatMul(z, rw.wz0, rw.wz0T).expandDims(0)) as tf.Tensor3D;
    let hs = lstmSequence(xw0, rw.wh0, init[0] as tf.Tensor2D, init[1] as tf.Tensor2D, { fixedKernel: { whT: rw.wh0T } });
    rw.upper.forEach((layer, i) => {
      const [, , H] = hs.shape;
      const xw = tf.add(fixedMatMul(tf.reshape(hs, [T * B, H]) as tf.Tensor2D, layer.wx, layer.wxT), layer.bias).reshape([T, B, -1]) as tf.Tensor3D;
      hs = lstmSequence(xw, layer.wh, init[2 * (i + 1)] as tf.Tensor2D, init[2 * (i + 1) + 1] as tf.Tensor2D, { fixedKernel: { whT: layer.whT } });
    });
    const [, , H] = hs.shape;
    const logits = tf.add(fixedMatMul(tf.reshape(hs, [T * B, H]) as tf.Tensor2D, w.outKernel, rw.outT), w.outBias) as tf.Tensor2D;
    const ce = tf.losses.softmaxCrossEntropy(keep.targets, logits, undefined, undefined, tf.Reduction.NONE);
    // Teacher-forced argmax right at every step ⇔ the greedy decode rebuilds the input exactly (by
    // induction over the steps: each step then sees the true previous class).
    const right = tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(keep.targets, 1)), 'float32');
    return { loss: tf.sum(tf.reshape(ce, [T, B]), 0) as tf.Tensor1D, correct: tf.sum(tf.reshape(right, [T, B]), 0) as tf.Tensor1D };
  };
  const loss = (z: tf.Tensor2D): tf.Tensor1D => lossDetail(z).loss;
  // The code kept is the one whose greedy decode rebuilds the most steps (what the user hears); the
  // candidates arrive stacked (row r is item r mod batch) and are decoded together.
  const score = async (z: tf.Tensor2D): Promise<number[]> =>
    (await decodeLabels(z)).map((decoded, r) => compareLabels(labels[r % labels.length] ?? [], decoded).matchingSteps);
  return {
    mu: keep.mu,
    sigma: keep.sigma,
    loss,
    lossDetail,
    score,
    perfectScore: labels.map((l) => l.length),
    defaults: MUSIC_VAE_REFINE_DEFAULTS,
    dispose: () => tf.dispose([keep.mu, keep.sigma, keep.targets, keep.base0]),
  };
}

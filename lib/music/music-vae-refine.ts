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
 * The problem for inputs `x` `[batch, numSteps, inputDepth]` (checked by the caller). `decodeLabels`
 * gives greedy decodes of candidate codes: the code kept is the one whose decode rebuilds the most
 * steps (what the user hears). The caller disposes the problem.
 */
export async function musicVaeRefinementProblem(
  w: InferenceWeights,
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
    const g0 = w.dec[0] as LstmGates;
    const cat = (parts: tf.Tensor2D[]): tf.Tensor2D => tf.concat(parts, 1) as tf.Tensor2D;
    const bias0 = tf.concat([g0.bi, g0.bj, g0.bf, g0.bo]);
    const base0 = tf.add(tf.matMul(tf.tensor2d(previous, [T * B, C]), cat(w.dec0.classRows)), bias0).reshape([T, B, 4 * (units[0] ?? 0)]);
    const upper = w.dec.slice(1).map((g, i) => {
      const kernel = cat([g.wi, g.wj, g.wf, g.wo]);
      const input = units[i] ?? 0;
      const wx = tf.slice(kernel, [0, 0], [input, 4 * g.hidden]) as tf.Tensor2D;
      return {
        wx,
        wxT: tf.transpose(wx) as tf.Tensor2D,
        wh: tf.slice(kernel, [input, 0], [g.hidden, 4 * g.hidden]) as tf.Tensor2D,
        bias: tf.concat([g.bi, g.bj, g.bf, g.bo]),
      };
    });
    const wz0 = cat(w.dec0.zRows);
    return {
      mu,
      sigma,
      targets: tf.tensor2d(targets, [T * B, C]),
      base0,
      wz0,
      wz0T: tf.transpose(wz0) as tf.Tensor2D,
      wh0: cat(w.dec0.hRows),
      zInitT: tf.transpose(w.zInitKernel) as tf.Tensor2D,
      outT: tf.transpose(w.outKernel) as tf.Tensor2D,
      upper,
    };
  });
  // Every weight is fixed: products with them use precomputed transposes and skip weight gradients.
  const lossDetail = (z: tf.Tensor2D): { loss: tf.Tensor1D; correct: tf.Tensor1D } => {
    const init = tf.split(
      tf.tanh(tf.add(fixedMatMul(z, w.zInitKernel, keep.zInitT), w.zInitBias)),
      units.flatMap((u) => [u, u]),
      1,
    );
    const xw0 = tf.add(keep.base0, fixedMatMul(z, keep.wz0, keep.wz0T).expandDims(0)) as tf.Tensor3D;
    let hs = lstmSequence(xw0, keep.wh0, init[0] as tf.Tensor2D, init[1] as tf.Tensor2D, { fixedKernel: true });
    keep.upper.forEach((layer, i) => {
      const [, , H] = hs.shape;
      const xw = tf.add(fixedMatMul(tf.reshape(hs, [T * B, H]) as tf.Tensor2D, layer.wx, layer.wxT), layer.bias).reshape([T, B, -1]) as tf.Tensor3D;
      hs = lstmSequence(xw, layer.wh, init[2 * (i + 1)] as tf.Tensor2D, init[2 * (i + 1) + 1] as tf.Tensor2D, { fixedKernel: true });
    });
    const [, , H] = hs.shape;
    const logits = tf.add(fixedMatMul(tf.reshape(hs, [T * B, H]) as tf.Tensor2D, w.outKernel, keep.outT), w.outBias) as tf.Tensor2D;
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
    dispose: () =>
      tf.dispose([
        keep.mu,
        keep.sigma,
        keep.targets,
        keep.base0,
        keep.wz0,
        keep.wz0T,
        keep.wh0,
        keep.zInitT,
        keep.outT,
        ...keep.upper.flatMap((u) => [u.wx, u.wxT, u.wh, u.bias]),
      ]),
  };
}

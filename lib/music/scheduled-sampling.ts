/**
 * Scheduled sampling for MusicVAE training (Bengio et al. 2015; Magenta's cat-mel_2bar recipe).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../core/random';
import { lstmStep, prepareLstm, type LstmGates } from './lstm';
import type { Batch, Shard } from './train-batch';
import { decoderLstmPrefix as DEC, MUSIC_VAE_VARS as VARS } from './variable-names';

/**
 * The decoder inputs of a scheduled-sampling step, as time-major one-hots `[T, B, C]` (caller
 * disposes): the decoder runs step by step from `z` (no gradient), and at each step, with
 * probability `p` per item, is fed a class sampled (temperature 1) from its own previous output
 * instead of the true previous class. Teacher forcing on these inputs then reproduces exactly the
 * outputs of that run, so the gradient is Magenta's (none flows through the samples).
 */
export async function sampledPrevious(
  weights: { variable(name: string): tf.Variable; decoderUnits: readonly number[] },
  batch: Batch,
  z: tf.Tensor2D,
  p: number,
  seed: number,
  shard: Shard = { offset: 0, total: batch.x.shape[0] },
): Promise<{ previous: tf.Tensor3D; sampledSteps: number }> {
  const [T, B, C] = batch.targets.shape;
  const truth = (await batch.labels.data()) as Int32Array; // [T, B]
  const rng = createRng(seed);
  // The whole batch's draws, cut to the shard: step-major [T, total]; step 0 has no previous step.
  const all = Float64Array.from({ length: T * shard.total }, () => rng.next());
  const mask = Uint8Array.from({ length: T * B }, (_, i) => (i >= B && (all[Math.floor(i / B) * shard.total + shard.offset + (i % B)] ?? 1) < p ? 1 : 0));
  const sampledSteps = mask.reduce((a, b) => a + b, 0);
  const inputs = new Int32Array(T * B).fill(-1); // −1: zeros (step 0)
  for (let i = B; i < T * B; i++) inputs[i] = truth[i - B] ?? 0;
  if (sampledSteps > 0) {
    const units = weights.decoderUnits;
    const cells = units.map((_, l) => prepareLstm(weights.variable(DEC(l) + 'kernel') as tf.Tensor2D, weights.variable(DEC(l) + 'bias') as tf.Tensor1D));
    let state = tf.tidy(() => {
      const init = tf.split(
        tf.tanh(tf.add(tf.matMul(z, weights.variable(VARS.zInitKernel) as tf.Tensor2D), weights.variable(VARS.zInitBias))),
        units.flatMap((u) => [u, u]),
        1,
      );
      return init as tf.Tensor2D[];
    });
    try {
      for (let t = 0; t + 1 < T; t++) {
        const needed = mask.subarray((t + 1) * B, (t + 2) * B);
        const draws = Float32Array.from({ length: shard.total * C }, () => -Math.log(-Math.log(rng.next() * (1 - 2e-7) + 1e-7)));
        const gumbel = tf.tensor2d(draws.subarray(shard.offset * C, (shard.offset + B) * C), [B, C]);
        const oneHot = new Float32Array(B * C);
        for (let b = 0; b < B; b++) {
          const label = inputs[t * B + b] ?? -1;
          if (label >= 0) oneHot[b * C + label] = 1;
        }
        const prevLabels = tf.tensor2d(oneHot, [B, C]);
        const [next, sampled] = tf.tidy(() => {
          const out: tf.Tensor2D[] = [];
          let below: tf.Tensor2D = tf.concat([prevLabels, z], 1) as tf.Tensor2D;
          cells.forEach((g: LstmGates, l) => {
            const [c, h] = lstmStep(tf.concat([below, state[2 * l + 1] as tf.Tensor2D], 1) as tf.Tensor2D, state[2 * l] as tf.Tensor2D, g);
            out.push(c, h);
            below = h;
          });
          const logits = tf.add(tf.matMul(below, weights.variable(VARS.outKernel) as tf.Tensor2D), weights.variable(VARS.outBias));
          return [out, tf.argMax(tf.add(logits, gumbel), 1)] as [tf.Tensor2D[], tf.Tensor1D];
        });
        tf.dispose([gumbel, prevLabels, ...state]);
        state = next;
        const samples = (await sampled.data()) as Int32Array;
        sampled.dispose();
        for (let b = 0; b < B; b++) if (needed[b]) inputs[(t + 1) * B + b] = samples[b] ?? 0;
      }
    } finally {
      tf.dispose(state);
      cells.forEach((g) => tf.dispose([g.wi, g.wj, g.wf, g.wo, g.bi, g.bj, g.bf, g.bo]));
    }
  }
  const oneHots = new Float32Array(T * B * C);
  inputs.forEach((label, i) => {
    if (label >= 0) oneHots[i * C + label] = 1;
  });
  return { previous: tf.tensor3d(oneHots, [T, B, C]), sampledSteps };
}

/**
 * What a MusicVAE training step eats and reports: a batch of windows as tensors (time-major
 * one-hots), and its statistics — as sums, so the shards of a data-parallel step add up.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import type { MusicConverter } from './converters/types';

export interface StepStats {
  step: number;
  loss: number;
  reconstruction: number;
  kl: number;
  beta: number;
  accuracy: number;
  gradNorm: number;
  learningRate: number;
  /** Scheduled-sampling probability used at this step (0 when off). */
  samplingProbability: number;
}

/** Items `offset` to `offset + n − 1` of a batch of `total` (data-parallel training). */
export interface Shard {
  offset: number;
  total: number;
}

/** A batch's (or shard's) statistics as sums, so shards add up. */
export interface StepSums {
  items: number;
  /** Items × steps. */
  steps: number;
  /** Σ per-item loss (reconstruction + β·max(KL − free bits, 0)). */
  loss: number;
  reconstruction: number;
  kl: number;
  /** Steps whose argmax (teacher-forced) was right. */
  correct: number;
}

/** Adds shards' statistics. */
export function addSums(all: readonly StepSums[]): StepSums {
  return all.reduce(
    (a, b) => ({
      items: a.items + b.items,
      steps: a.steps + b.steps,
      loss: a.loss + b.loss,
      reconstruction: a.reconstruction + b.reconstruction,
      kl: a.kl + b.kl,
      correct: a.correct + b.correct,
    }),
    {
      items: 0,
      steps: 0,
      loss: 0,
      reconstruction: 0,
      kl: 0,
      correct: 0,
    },
  );
}

export interface EvalStats {
  reconstruction: number;
  kl: number;
  /** Teacher-forced accuracy of the decoder from μ, over all steps. */
  accuracy: number;
}

/** A batch of windows as tensors: encoder input, previous-step one-hots and targets (time-major). */
export interface Batch {
  x: tf.Tensor3D;
  previous: tf.Tensor3D;
  targets: tf.Tensor3D;
  labels: tf.Tensor2D;
}

/** Builds a {@link Batch} from label windows (caller disposes the tensors). */
export function batchTensors(converter: MusicConverter, windows: readonly ArrayLike<number>[]): Batch {
  const [B, T, D, C] = [windows.length, converter.numSteps, converter.inputDepth, converter.outputDepth];
  if (B === 0) throw new InvalidInputError('A batch needs at least one window.');
  const x = new Float32Array(B * T * D);
  const previous = new Float32Array(T * B * C);
  const targets = new Float32Array(T * B * C);
  const labels = new Int32Array(T * B);
  windows.forEach((w, b) => {
    x.set(converter.labelsToInput(w), b * T * D);
    for (let t = 0; t < T; t++) {
      const l = w[t] ?? 0;
      if (l < 0 || l >= C) throw new InvalidInputError(`Label ${l} at step ${t} is outside 0–${C - 1}.`);
      targets[(t * B + b) * C + l] = 1;
      labels[t * B + b] = l;
      if (t + 1 < T) previous[((t + 1) * B + b) * C + l] = 1;
    }
  });
  return {
    x: tf.tensor3d(x, [B, T, D]),
    previous: tf.tensor3d(previous, [T, B, C]),
    targets: tf.tensor3d(targets, [T, B, C]),
    labels: tf.tensor2d(labels, [T, B], 'int32'),
  };
}

/**
 * A MusicVAE training run's recipe (Magenta's, DESIGN.md) and its schedules: β's warm-up, the
 * learning rate's decay and scheduled sampling's inverse sigmoid, as pure functions of the step.
 */

export interface TrainHyperparams {
  encoderUnits: number;
  decoderUnits: number[];
  zDims: number;
  /** Final weight of the KL term. */
  maxBeta: number;
  /** β(step) = (1 − betaRate^step)·maxBeta; 0 = no warm-up. */
  betaRate: number;
  /** KL below freeBits·ln 2 nats (per example) costs nothing. */
  freeBits: number;
  learningRate: number;
  /** lr(step) = (learningRate − minLearningRate)·decayRate^(step − decayFrom) + minLearningRate. */
  decayRate: number;
  minLearningRate: number;
  /** The step the decay starts from (default 0; a fine-tuning of a trained model starts it at that model's step). */
  decayFrom?: number;
  /**
   * Linear warm-up over this many steps from `decayFrom` (default none): a fresh Adam's first steps
   * move every weight by the full rate, which throws a trained model off before it learns anything.
   */
  warmupSteps?: number;
  /** Global gradient norm limit. */
  clipNorm: number;
  seed: number;
  /**
   * Scheduled sampling (Bengio et al. 2015, as in Magenta's cat-mel_2bar config): the rate k of the
   * inverse-sigmoid schedule, p(s) = 1 − k/(k + exp(s/k)) with s = step − samplingFrom, the chance
   * that a decoder step is fed its own sample instead of the true previous class. 0 = off.
   */
  samplingRate?: number;
  /** The step at which the schedule's clock starts (for runs continued from a model trained without it). */
  samplingFrom?: number;
  /**
   * Scale of the reparameterisation noise: z = μ + latentNoise·σ·ε (default 1, the VAE's). 0 trains
   * the decoder on μ itself, what greedy reconstruction decodes (fine-tuning).
   */
  latentNoise?: number;
}

/** Magenta's recipe (DESIGN.md), with small sizes that train on 2 cores. */
export const DEFAULT_HPARAMS: Record<'melody' | 'drums', TrainHyperparams> = {
  melody: {
    encoderUnits: 256,
    decoderUnits: [256, 256],
    zDims: 128,
    maxBeta: 0.2,
    betaRate: 0.99999,
    freeBits: 0,
    learningRate: 1e-3,
    decayRate: 0.9999,
    minLearningRate: 1e-5,
    clipNorm: 1,
    seed: 1,
  },
  drums: {
    encoderUnits: 256,
    decoderUnits: [256, 256],
    zDims: 128,
    maxBeta: 0.2,
    betaRate: 0.99999,
    freeBits: 48,
    learningRate: 1e-3,
    decayRate: 0.9999,
    minLearningRate: 1e-5,
    clipNorm: 1,
    seed: 1,
  },
};

/** β at a step: warms up from 0 to maxBeta. */
export function betaAt(h: TrainHyperparams, step: number): number {
  return h.betaRate > 0 ? (1 - h.betaRate ** step) * h.maxBeta : h.maxBeta;
}

/** The scheduled-sampling probability at a step (0 when off). */
export function samplingProbabilityAt(h: TrainHyperparams, step: number): number {
  const k = h.samplingRate ?? 0;
  if (!(k > 0)) return 0;
  const s = Math.max(0, step - (h.samplingFrom ?? 0));
  return 1 - k / (k + Math.exp(s / k));
}

/** The learning rate at a step: decays exponentially to its floor. */
export function learningRateAt(h: TrainHyperparams, step: number): number {
  const s = Math.max(0, step - (h.decayFrom ?? 0));
  const warm = h.warmupSteps && h.warmupSteps > 0 ? Math.min(1, (s + 1) / h.warmupSteps) : 1;
  return ((h.learningRate - h.minLearningRate) * h.decayRate ** s + h.minLearningRate) * warm;
}

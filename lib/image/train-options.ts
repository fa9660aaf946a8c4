/**
 * The settings of an image-model training run, their limits and their checks — plain data with no
 * TF.js, so the browser's training panel, the CLI and the training loop share one definition.
 */
import { InvalidInputError } from '../core/errors';
import { validateSeed } from '../core/random';
import { DOWNSAMPLE_KERNELS, type DownsampleKernel } from './specs';

/**
 * How the learning rate moves over a run, per batch: `constant` (the default) keeps
 * `learningRate`; `cosine` and `exponential` start at `learningRate` on the first batch and reach
 * `finalLearningRate` on the last batch of the run (cosine: half a cosine wave; exponential: a
 * geometric decay). See `schedule.ts`.
 */
export type LearningRateSchedule = { kind: 'constant' } | { kind: 'cosine' | 'exponential'; finalLearningRate: number };

export const LEARNING_RATE_SCHEDULES = ['constant', 'cosine', 'exponential'] as const;
export type LearningRateScheduleKind = (typeof LEARNING_RATE_SCHEDULES)[number];

export interface BatchStats {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  /** Training examples per second so far. */
  examplesPerSecond: number;
  /** 0..1 over the whole run. */
  progress: number;
}

export interface EpochStats {
  epoch: number;
  epochs: number;
  trainLoss: number;
  testLoss: number;
  seconds: number;
  /** The learning rate of the epoch's last batch. */
  learningRate?: number;
}

export interface TrainResult {
  epochs: EpochStats[];
  seconds: number;
  stoppedBy: 'done' | 'cancelled';
}

export interface ImageTrainOptions {
  epochs: number;
  batchSize: number;
  /** Adam's learning rate (the first batch's, with a decaying {@link LearningRateSchedule}). */
  learningRate: number;
  /** Learning-rate decay over the run; without it the rate stays constant. */
  schedule?: LearningRateSchedule;
  /**
   * Decoupled weight decay (AdamW): after every step each weight matrix and convolution kernel
   * (not the biases) is multiplied by `1 − rate · weightDecay`, with `rate` the step's learning
   * rate. 0 or absent: none. The reported losses never include it.
   */
  weightDecay?: number;
  /**
   * KL warm-up for VAEs: the KL term's weight in the training loss rises linearly per batch from
   * 0 to 1 over this many epochs (and stays 1 after). The reported training loss of those epochs
   * uses the weighted KL; test losses never do. 0 or absent: none.
   */
  klWarmupEpochs?: number;
  /**
   * Training-only Gaussian noise of this σ on the encoder's input of the models that see clean
   * digits; the reconstruction target stays clean. It regularises the encoder (amortised-inference
   * regularisation): a VAE's encoder otherwise learns to place its 8,000 training digits and places
   * unseen ones worse. Not clipped: clipping to 0..1 would brighten the background on average, and
   * the encoder, shown only such inputs, would then misplace clean digits. 0 or absent: none.
   * Evaluation never adds it.
   */
  inputNoise?: number;
  /**
   * Super-resolution only: the filters the training digits are shrunk with, one drawn per digit
   * (seeded). Absent: `box` only (each block averaged), which leaves the model lost on small digits
   * made another way.
   */
  downsampleKernels?: readonly DownsampleKernel[];
  /**
   * Which weights change: all (default), or only the encoder's with the decoder frozen — e.g. to
   * fit a trained model's encoder again under {@link inputNoise} without touching its decoder.
   */
  trainOnly?: 'encoder';
  seed: number;
  signal?: AbortSignal;
  /** Awaited between batches: return a promise that resolves when the user resumes. */
  waitWhilePaused?: () => Promise<void>;
  onBatch?: (stats: BatchStats) => void;
  onEpoch?: (stats: EpochStats) => void | Promise<void>;
}

/** What the training loop accepts. */
export const TRAIN_LIMITS = { epochs: [1, 500], batchSize: [1, 1024], learningRate: [1e-6, 1] } as const;

/**
 * What the browser's training panel offers (narrower than {@link TRAIN_LIMITS}: tiny batches and
 * huge rates only make a learner's run slow or diverge).
 */
export const BROWSER_TRAIN_LIMITS = { epochs: [1, 500], batchSize: [8, 1024], learningRate: [1e-6, 0.1], inputNoise: [0, 1] } as const;

/** The fields of the browser's training panel. */
export interface BrowserTrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Only for models that see clean digits; undefined otherwise. */
  inputNoise?: number;
}

/**
 * Checks the training panel's fields one by one: a message per bad field (none when all are fine),
 * so the page can show each next to its field.
 */
export function browserTrainErrors(s: BrowserTrainSettings): Partial<Record<keyof BrowserTrainSettings, string>> {
  const L = BROWSER_TRAIN_LIMITS;
  const errors: Partial<Record<keyof BrowserTrainSettings, string>> = {};
  if (!Number.isInteger(s.epochs) || s.epochs < L.epochs[0] || s.epochs > L.epochs[1])
    errors.epochs = `Epochs must be a whole number from ${L.epochs[0]} to ${L.epochs[1]}.`;
  if (!Number.isInteger(s.batchSize) || s.batchSize < L.batchSize[0] || s.batchSize > L.batchSize[1])
    errors.batchSize = `Batch size must be a whole number from ${L.batchSize[0]} to ${L.batchSize[1]}.`;
  if (!Number.isFinite(s.learningRate) || s.learningRate < L.learningRate[0] || s.learningRate > L.learningRate[1]) {
    errors.learningRate = `Learning rate must be from ${L.learningRate[0]} to ${L.learningRate[1]}.`;
  }
  if (s.inputNoise !== undefined && !(Number.isFinite(s.inputNoise) && s.inputNoise >= L.inputNoise[0] && s.inputNoise <= L.inputNoise[1])) {
    errors.inputNoise = `Encoder input noise σ must be from ${L.inputNoise[0]} to ${L.inputNoise[1]}.`;
  }
  return errors;
}

/**
 * Checks the training settings (and the schedule's final rate, which must lie in the same range as
 * the learning rate and not above it); throws {@link InvalidInputError} naming the bad one.
 */
export function validateTrainOptions(
  o: Pick<
    ImageTrainOptions,
    'epochs' | 'batchSize' | 'learningRate' | 'seed' | 'schedule' | 'weightDecay' | 'klWarmupEpochs' | 'inputNoise' | 'downsampleKernels'
  >,
): void {
  const [e0, e1] = TRAIN_LIMITS.epochs;
  const [b0, b1] = TRAIN_LIMITS.batchSize;
  const [l0, l1] = TRAIN_LIMITS.learningRate;
  if (!Number.isInteger(o.epochs) || o.epochs < e0 || o.epochs > e1)
    throw new InvalidInputError(`Epochs must be a whole number from ${e0} to ${e1}; got ${o.epochs}.`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < b0 || o.batchSize > b1)
    throw new InvalidInputError(`Batch size must be a whole number from ${b0} to ${b1}; got ${o.batchSize}.`);
  if (!Number.isFinite(o.learningRate) || o.learningRate < l0 || o.learningRate > l1) {
    throw new InvalidInputError(`Learning rate must be from ${l0} to ${l1}; got ${o.learningRate}.`);
  }
  validateSeed(o.seed);
  if (o.weightDecay !== undefined && (!Number.isFinite(o.weightDecay) || o.weightDecay < 0 || o.weightDecay > 1)) {
    throw new InvalidInputError(`Weight decay must be from 0 to 1; got ${o.weightDecay}.`);
  }
  if (o.klWarmupEpochs !== undefined && (!Number.isInteger(o.klWarmupEpochs) || o.klWarmupEpochs < 0 || o.klWarmupEpochs > e1)) {
    throw new InvalidInputError(`KL warm-up must be a whole number of epochs from 0 to ${e1}; got ${o.klWarmupEpochs}.`);
  }
  if (o.inputNoise !== undefined && (!Number.isFinite(o.inputNoise) || o.inputNoise < 0 || o.inputNoise > 1)) {
    throw new InvalidInputError(`Input noise σ must be from 0 to 1; got ${o.inputNoise}.`);
  }
  if (o.downsampleKernels !== undefined) {
    const bad = o.downsampleKernels.filter((k) => !(DOWNSAMPLE_KERNELS as readonly string[]).includes(k));
    if (o.downsampleKernels.length === 0 || bad.length > 0 || new Set(o.downsampleKernels).size !== o.downsampleKernels.length) {
      throw new InvalidInputError(
        `Downsampling filters must be distinct names from ${DOWNSAMPLE_KERNELS.join(', ')}; got ${o.downsampleKernels.join(', ') || 'none'}.`,
      );
    }
  }
  const schedule = o.schedule;
  if (schedule && schedule.kind !== 'constant') {
    const final = schedule.finalLearningRate;
    if (!Number.isFinite(final) || final < l0 || final > o.learningRate) {
      throw new InvalidInputError(
        `The final learning rate of a ${schedule.kind} decay must be from ${l0} to the learning rate (${o.learningRate}); got ${final}.`,
      );
    }
  }
}

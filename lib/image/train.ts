/**
 * Training and evaluating the image autoencoders — the same loop in Node (`npm run train:image`)
 * and in the browser's model worker. Adam (with an optional per-batch learning-rate decay and
 * decoupled weight decay; off by default), seeded shuffles and corruption, a loss read back every
 * batch (for the live chart), a test pass every epoch, pause/stop between batches, and a NaN guard
 * that restores the last good weights.
 *
 * Losses (per the lesson): autoencoders — binary cross-entropy per pixel against the clean digit;
 * VAEs — 784·MSE + KL per digit (the Keras notebook's loss), with the reparameterisation trick.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, InvalidInputError, TrainingDivergedError } from '../core/errors';
import { createRng } from '../core/random';
import { corruptImages, type ImageAutoencoder } from './image-model';
import { IMAGE_PIXELS, IMAGE_SIZE, type ImageModelSpec } from './models';

/** Clean 28×28 digits in 0..1, row-major, `count × 784` values. */
export interface ImageData {
  images: Float32Array;
  count: number;
}

/**
 * How the learning rate moves over a run, per batch: `constant` (the default) keeps
 * `learningRate`; `cosine` and `exponential` start at `learningRate` on the first batch and reach
 * `finalLearningRate` on the last batch of the run (cosine: half a cosine wave; exponential: a
 * geometric decay).
 */
export type LearningRateSchedule = { kind: 'constant' } | { kind: 'cosine' | 'exponential'; finalLearningRate: number };

export const LEARNING_RATE_SCHEDULES = ['constant', 'cosine', 'exponential'] as const;
export type LearningRateScheduleKind = (typeof LEARNING_RATE_SCHEDULES)[number];

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

export const TRAIN_LIMITS = { epochs: [1, 500], batchSize: [1, 1024], learningRate: [1e-6, 1] } as const;

/**
 * Checks the training settings (and the schedule's final rate, which must lie in the same range as
 * the learning rate and not above it); throws {@link InvalidInputError} naming the bad one.
 */
export function validateTrainOptions(o: Pick<ImageTrainOptions, 'epochs' | 'batchSize' | 'learningRate' | 'seed' | 'schedule' | 'weightDecay' | 'klWarmupEpochs' | 'inputNoise'>): void {
  const [e0, e1] = TRAIN_LIMITS.epochs;
  const [b0, b1] = TRAIN_LIMITS.batchSize;
  const [l0, l1] = TRAIN_LIMITS.learningRate;
  if (!Number.isInteger(o.epochs) || o.epochs < e0 || o.epochs > e1) throw new InvalidInputError(`Epochs must be a whole number from ${e0} to ${e1}; got ${o.epochs}.`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < b0 || o.batchSize > b1) throw new InvalidInputError(`Batch size must be a whole number from ${b0} to ${b1}; got ${o.batchSize}.`);
  if (!Number.isFinite(o.learningRate) || o.learningRate < l0 || o.learningRate > l1) {
    throw new InvalidInputError(`Learning rate must be from ${l0} to ${l1}; got ${o.learningRate}.`);
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new InvalidInputError(`Seed must be a whole number from 0 to 4294967295; got ${o.seed}.`);
  if (o.weightDecay !== undefined && (!Number.isFinite(o.weightDecay) || o.weightDecay < 0 || o.weightDecay > 1)) {
    throw new InvalidInputError(`Weight decay must be from 0 to 1; got ${o.weightDecay}.`);
  }
  if (o.klWarmupEpochs !== undefined && (!Number.isInteger(o.klWarmupEpochs) || o.klWarmupEpochs < 0 || o.klWarmupEpochs > e1)) {
    throw new InvalidInputError(`KL warm-up must be a whole number of epochs from 0 to ${e1}; got ${o.klWarmupEpochs}.`);
  }
  if (o.inputNoise !== undefined && (!Number.isFinite(o.inputNoise) || o.inputNoise < 0 || o.inputNoise > 1)) {
    throw new InvalidInputError(`Input noise σ must be from 0 to 1; got ${o.inputNoise}.`);
  }
  const schedule = o.schedule;
  if (schedule && schedule.kind !== 'constant') {
    const final = schedule.finalLearningRate;
    if (!Number.isFinite(final) || final < l0 || final > o.learningRate) {
      throw new InvalidInputError(`The final learning rate of a ${schedule.kind} decay must be from ${l0} to the learning rate (${o.learningRate}); got ${final}.`);
    }
  }
}

/**
 * The learning rate for batch `step` (0-based) of a run of `totalSteps` batches: `learningRate`
 * at step 0, the schedule's final rate at step `totalSteps - 1` (and beyond), in between by the
 * schedule. A constant schedule (or none) always gives `learningRate`.
 */
export function scheduledLearningRate(learningRate: number, schedule: LearningRateSchedule | undefined, step: number, totalSteps: number): number {
  if (!schedule || schedule.kind === 'constant' || totalSteps <= 1) return learningRate;
  const t = Math.min(1, Math.max(0, step / (totalSteps - 1)));
  const final = schedule.finalLearningRate;
  if (schedule.kind === 'cosine') return final + ((learningRate - final) * (1 + Math.cos(Math.PI * t))) / 2;
  return learningRate * Math.pow(final / learningRate, t);
}

/**
 * The KL weight for batch `step` (0-based) with `batches` per epoch and a warm-up of
 * `warmupEpochs`: `(step + 1) / (warmupEpochs · batches)`, capped at 1; always 1 without warm-up.
 */
export function klWarmupWeight(warmupEpochs: number | undefined, step: number, batches: number): number {
  if (!warmupEpochs || warmupEpochs <= 0) return 1;
  return Math.min(1, (step + 1) / (warmupEpochs * batches));
}

/** A one-line description of a schedule, for logs and model cards. */
export function describeSchedule(learningRate: number, schedule: LearningRateSchedule | undefined): string {
  if (!schedule || schedule.kind === 'constant') return `constant learning rate ${learningRate}`;
  return `${schedule.kind} decay of the learning rate from ${learningRate} to ${schedule.finalLearningRate} over the run (per batch)`;
}

/** Adam whose learning rate can be changed between steps (the moments are kept). */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}

/** Copies the digits at `indices` into a `[n, 28, 28, 1]` tensor. Caller disposes. */
export function imagesTensor(data: ImageData, indices: ArrayLike<number>): tf.Tensor4D {
  const out = new Float32Array(indices.length * IMAGE_PIXELS);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i] ?? 0;
    out.set(data.images.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
  }
  return tf.tensor4d(out, [indices.length, IMAGE_SIZE, IMAGE_SIZE, 1]);
}

/** The whole numbers start, start + 1, …, end − 1. */
export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

function bce(target: tf.Tensor, pred: tf.Tensor): tf.Scalar {
  const p = tf.clipByValue(pred, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))))) as tf.Scalar;
}

/** KL(q(z|x) ‖ N(0, I)) per digit, averaged over the batch. Call inside tidy. */
function meanKl(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1))) as tf.Scalar;
}

/**
 * The model's loss on a batch (a scalar; call inside tidy or a gradient function). `noiseSeed`
 * seeds the reparameterisation noise of VAEs; `klWeight` scales their KL term (1, the true loss,
 * unless warming up).
 */
export function imageLoss(model: ImageAutoencoder, input: tf.Tensor4D, target: tf.Tensor4D, noiseSeed: number, training: boolean, klWeight = 1): tf.Scalar {
  const spec = model.spec;
  const [mean, logVar] = model.encodeRaw(input, training);
  if (!mean) throw new Error('The encoder gave no output.');
  if (!spec.variational || !logVar) return bce(target, model.decodeRaw(mean, training));
  const eps = tf.tensor2d(createRng(noiseSeed).normalArray(mean.size), mean.shape);
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
  const recon = model.decodeRaw(z as tf.Tensor2D, training);
  const mse = tf.mean(tf.square(tf.sub(target, recon)));
  const kl = meanKl(mean, logVar);
  return tf.add(tf.mul(mse, IMAGE_PIXELS), klWeight === 1 ? kl : tf.mul(kl, klWeight)) as tf.Scalar;
}

/** `clean` plus zero-mean Gaussian noise of standard deviation `sigma` (seeded; not clipped). Call inside tidy. */
function addInputNoise(clean: tf.Tensor4D, sigma: number, seed: number): tf.Tensor4D {
  return tf.add(clean, tf.mul(tf.tensor(createRng(seed).normalArray(clean.size), clean.shape), sigma)) as tf.Tensor4D;
}

/** Mean loss over a whole set in batches (deterministic: fixed noise seeds). */
export async function datasetLoss(model: ImageAutoencoder, data: ImageData, options: { batchSize?: number; seed?: number; signal?: AbortSignal } = {}): Promise<number> {
  const batch = options.batchSize ?? 500;
  let total = 0;
  for (let start = 0; start < data.count; start += batch) {
    if (options.signal?.aborted) throw new CancelledError('Evaluating the model');
    const idx = range(start, Math.min(data.count, start + batch));
    const seed = (options.seed ?? 7) + start;
    const loss = tf.tidy(() => {
      const clean = imagesTensor(data, idx);
      const input = corruptImages(clean, model.spec, seed);
      return tf.mul(imageLoss(model, input, clean, seed + 1, false), idx.length);
    });
    total += (await loss.data())[0] ?? NaN;
    loss.dispose();
  }
  return total / data.count;
}

function snapshot(vars: tf.Variable[]): tf.Tensor[] {
  return vars.map((v) => tf.keep(v.clone()));
}

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains `model` in place. After every epoch the model is usable (its weights are the newest) and
 * `onEpoch` runs. Aborting stops between batches and resolves with `stoppedBy: 'cancelled'`
 * (weights as of the last completed batch). A NaN/∞ loss restores the weights of the last completed
 * epoch and throws {@link TrainingDivergedError}.
 */
export async function trainImageModel(model: ImageAutoencoder, train: ImageData, test: ImageData, options: ImageTrainOptions): Promise<TrainResult> {
  validateTrainOptions(options);
  if (train.count < 1) throw new InvalidInputError('There are no training images.');
  if (test.count < 1) throw new InvalidInputError('There are no test images.');
  const vars = options.trainOnly === 'encoder' ? model.encoderVariables : model.trainableVariables;
  // The same defaults as tf.train.adam (beta1 0.9, beta2 0.999, the backend's epsilon).
  const optimizer = new ScheduledAdam(options.learningRate, 0.9, 0.999);
  const batches = Math.ceil(train.count / options.batchSize);
  const totalSteps = options.epochs * batches;
  let rate = options.learningRate;
  const weightDecay = options.weightDecay ?? 0;
  const decayed = vars.filter((v) => v.rank >= 2);
  const inputNoise = options.inputNoise ?? 0;
  if (inputNoise > 0 && model.spec.corruption.kind !== 'none') {
    throw new InvalidInputError(`Input noise is for the models that see clean digits; "${model.spec.id}" already sees corrupted ones.`);
  }
  const started = performance.now();
  const epochs: EpochStats[] = [];
  let lastGood = snapshot(vars);
  let seen = 0;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      const order = createRng((options.seed + epoch * 7919) >>> 0).shuffled(range(0, train.count));
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        if (options.waitWhilePaused) await options.waitWhilePaused();
        if (options.signal?.aborted) return { epochs, seconds: (performance.now() - started) / 1000, stoppedBy: 'cancelled' };
        const idx = order.slice(b * options.batchSize, (b + 1) * options.batchSize);
        const seed = (options.seed * 1_000_003 + epoch * 10_007 + b * 2) >>> 0;
        rate = scheduledLearningRate(options.learningRate, options.schedule, (epoch - 1) * batches + b, totalSteps);
        optimizer.setLearningRate(rate);
        const klWeight = klWarmupWeight(options.klWarmupEpochs, (epoch - 1) * batches + b, batches);
        const loss = tf.tidy(() => {
          const clean = imagesTensor(train, idx);
          const input = inputNoise > 0 ? addInputNoise(clean, inputNoise, (seed ^ 0x5bd1e995) >>> 0) : corruptImages(clean, model.spec, seed);
          const cost = optimizer.minimize(() => imageLoss(model, input, clean, seed + 1, true, klWeight), true, vars);
          if (!cost) throw new Error('The optimizer returned no loss.');
          if (weightDecay > 0) for (const v of decayed) v.assign(tf.mul(v, 1 - rate * weightDecay));
          return cost;
        });
        const value = (await loss.data())[0] ?? NaN;
        loss.dispose();
        if (!Number.isFinite(value)) {
          vars.forEach((v, i) => {
            const good = lastGood[i];
            if (good) v.assign(good);
          });
          throw new TrainingDivergedError(
            `The loss became ${String(value)} in epoch ${epoch}, batch ${b + 1}: training stopped and the weights of the last completed epoch were kept. ` +
              'Try a smaller learning rate.',
          );
        }
        sum += value * idx.length;
        seen += idx.length;
        options.onBatch?.({
          epoch,
          batch: b + 1,
          batches,
          loss: value,
          examplesPerSecond: seen / ((performance.now() - started) / 1000),
          progress: ((epoch - 1) * batches + b + 1) / (options.epochs * batches),
        });
        await nextTask();
      }
      const testLoss = await datasetLoss(model, test, { signal: options.signal });
      const stats: EpochStats = { epoch, epochs: options.epochs, trainLoss: sum / train.count, testLoss, seconds: (performance.now() - epochStart) / 1000, learningRate: rate };
      epochs.push(stats);
      tf.dispose(lastGood);
      lastGood = snapshot(vars);
      await options.onEpoch?.(stats);
    }
    return { epochs, seconds: (performance.now() - started) / 1000, stoppedBy: 'done' };
  } catch (error) {
    if (error instanceof CancelledError) return { epochs, seconds: (performance.now() - started) / 1000, stoppedBy: 'cancelled' };
    throw error;
  } finally {
    tf.dispose(lastGood);
    optimizer.dispose();
  }
}

/** Mean peak signal-to-noise ratio (peak 1) between two batches of images, in dB. */
export function psnrTensor(a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const mse = tf.maximum(tf.mean(tf.square(tf.sub(a, b)), [1, 2, 3]), 1e-10);
    return tf.mean(tf.mul(-10 / Math.LN10, tf.log(mse))) as tf.Scalar;
  });
}

export interface ImageMetrics {
  model: string;
  testImages: number;
  /** BCE per pixel of the output against the clean digit (autoencoders' loss). */
  bce: number;
  /** 784·MSE + KL per digit (VAEs' loss, on a sampled code as in the lesson; KL is 0 and no sampling for plain autoencoders). */
  vaeLoss: number;
  /** Mean PSNR of output vs clean, dB. */
  psnr: number;
  /** Mean PSNR of the corrupted input vs clean (noisy; or nearest-upsampled small copy), dB. */
  inputPsnr?: number;
  /** Super-resolution baseline: bicubic upsampling of the small copy vs clean, dB. */
  bicubicPsnr?: number;
}

/** Bicubic upsampling of `[n, s, s, 1]` to 28×28 (TF.js resizeBilinear is not bicubic: done in JS). */
export type Upsampler = (small: Float32Array, count: number, size: number, factor: number) => Float32Array;

/** Test-set metrics (deterministic). `bicubic` supplies the super-resolution baseline. */
export async function evaluateImageModel(model: ImageAutoencoder, test: ImageData, options: { bicubic?: Upsampler; seed?: number } = {}): Promise<ImageMetrics> {
  const spec: ImageModelSpec = model.spec;
  let bceSum = 0;
  let vaeSum = 0;
  let psnrSum = 0;
  let inputPsnrSum = 0;
  let bicubicSum = 0;
  const batch = 500;
  for (let start = 0; start < test.count; start += batch) {
    const idx = range(start, Math.min(test.count, start + batch));
    const seed = (options.seed ?? 7) + start;
    const [values, small] = tf.tidy(() => {
      const clean = imagesTensor(test, idx);
      const input = corruptImages(clean, spec, seed);
      const [mean, logVar] = model.encodeRaw(input);
      if (!mean) throw new Error('The encoder gave no output.');
      const out = model.decodeRaw(mean);
      const n = idx.length;
      // The VAE loss is measured like the lesson's Keras notebook: on a sampled code (seeded here).
      const sampled = logVar ? model.decodeRaw(tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.tensor2d(createRng(seed + 1).normalArray(mean.size), mean.shape))) as tf.Tensor2D) : out;
      const mse = tf.mean(tf.square(tf.sub(clean, sampled)));
      const kl = logVar ? meanKl(mean, logVar) : tf.scalar(0);
      const inputFull = spec.corruption.kind === 'downsample' ? tf.image.resizeNearestNeighbor(input, [IMAGE_SIZE, IMAGE_SIZE]) : input;
      const stats = tf.stack([
        tf.mul(bce(clean, out), n),
        tf.mul(tf.add(tf.mul(mse, IMAGE_PIXELS), kl), n),
        tf.mul(psnrTensor(clean, out), n),
        tf.mul(psnrTensor(clean, inputFull as tf.Tensor4D), n),
      ]);
      return [stats, spec.corruption.kind === 'downsample' ? input : undefined] as const;
    });
    const v = await values.data();
    bceSum += v[0] ?? NaN;
    vaeSum += v[1] ?? NaN;
    psnrSum += v[2] ?? NaN;
    inputPsnrSum += v[3] ?? NaN;
    values.dispose();
    if (small && options.bicubic && spec.corruption.kind === 'downsample') {
      const up = options.bicubic(await small.data() as Float32Array, idx.length, spec.inputSize, spec.corruption.factor);
      const psnr = tf.tidy(() => psnrTensor(imagesTensor(test, idx), tf.tensor4d(up, [idx.length, IMAGE_SIZE, IMAGE_SIZE, 1])));
      bicubicSum += ((await psnr.data())[0] ?? NaN) * idx.length;
      psnr.dispose();
    }
    small?.dispose();
  }
  const n = test.count;
  const metrics: ImageMetrics = { model: spec.id, testImages: n, bce: bceSum / n, vaeLoss: vaeSum / n, psnr: psnrSum / n };
  if (spec.corruption.kind !== 'none') metrics.inputPsnr = inputPsnrSum / n;
  if (spec.corruption.kind === 'downsample' && options.bicubic) metrics.bicubicPsnr = bicubicSum / n;
  return metrics;
}

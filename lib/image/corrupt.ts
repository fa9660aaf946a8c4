/**
 * Corruptions for the denoising and super-resolution lessons, as tensors: the one place that
 * makes a model's input from clean digits (Gaussian noise; a smaller copy made with any of the
 * downsampling filters of `resample.ts`), the training-only input noise, and the blocky
 * full-size view of a small input. The random ones take a seed, so a lesson shows the same
 * noisy digits on every machine.
 *
 * Digits are `[n, 28, 28, 1]` tensors with values 0..1. Every function returns a new tensor the
 * caller disposes.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import { createRng, deriveSeed } from '../core/random';
import { resampleMatrix } from './resample';
import { DOWNSAMPLE_KERNELS, IMAGE_SIZE, type Corruption, type DownsampleKernel } from './specs';

function checkDigits(clean: tf.Tensor4D): void {
  if (clean.rank !== 4 || clean.shape[1] !== IMAGE_SIZE || clean.shape[2] !== IMAGE_SIZE || clean.shape[3] !== 1) {
    throw new InvalidInputError(`Expected clean digits of shape [n, 28, 28, 1]; got [${clean.shape.join(', ')}].`);
  }
}

/**
 * `images` plus zero-mean Gaussian noise of standard deviation `sigma` (seeded). With `clip`, the
 * result is clipped to 0..1 (a valid image: the denoiser's input); without, it is not (the
 * training-only input noise, where clipping would brighten the background on average).
 */
export function addNoiseTensor(images: tf.Tensor4D, sigma: number, seed: number, options: { clip: boolean }): tf.Tensor4D {
  if (!Number.isFinite(sigma) || sigma < 0) throw new InvalidInputError(`The noise σ must be a number ≥ 0; got ${sigma}.`);
  return tf.tidy(() => {
    const noisy = tf.add(images, tf.mul(tf.tensor(createRng(seed).normalArray(images.size), images.shape), sigma));
    return (options.clip ? tf.clipByValue(noisy, 0, 1) : noisy) as tf.Tensor4D;
  });
}

/** Per-axis weights `[28 / factor, 28]` of each filter, computed once. */
const matrices = new Map<string, Float32Array>();
function axisWeights(factor: 2 | 4, kernel: DownsampleKernel): Float32Array {
  const key = `${factor}:${kernel}`;
  let m = matrices.get(key);
  if (!m) {
    m = Float32Array.from(resampleMatrix(IMAGE_SIZE, IMAGE_SIZE / factor, kernel));
    matrices.set(key, m);
  }
  return m;
}

function checkKernel(kernel: DownsampleKernel): void {
  if (!(DOWNSAMPLE_KERNELS as readonly string[]).includes(kernel))
    throw new InvalidInputError(`Unknown downsampling filter "${String(kernel)}"; use ${DOWNSAMPLE_KERNELS.join(', ')}.`);
}

/** `Wr · X · Wcᵀ` for each image: rows shrunk with `rowWeights`, columns with `colWeights` (two matrix products). */
function shrink(clean: tf.Tensor4D, rowWeights: Float32Array, colWeights: Float32Array): tf.Tensor4D {
  const n = clean.shape[0];
  const s = rowWeights.length / IMAGE_SIZE;
  return tf.tidy(() => {
    const rows = tf.tensor2d(rowWeights, [s, IMAGE_SIZE]);
    const cols = tf.tensor2d(colWeights, [s, IMAGE_SIZE]);
    // Columns first: [n·28, 28] × Wcᵀ → [n, 28 rows, s cols]; then rows, on the transposed maps.
    const c = tf.reshape(tf.matMul(tf.reshape(clean, [n * IMAGE_SIZE, IMAGE_SIZE]), cols, false, true), [n, IMAGE_SIZE, s]);
    const r = tf.reshape(tf.matMul(tf.reshape(tf.transpose(c, [0, 2, 1]), [n * s, IMAGE_SIZE]), rows, false, true), [n, s, s]);
    return tf.reshape(tf.transpose(r, [0, 2, 1]), [n, s, s, 1]) as tf.Tensor4D;
  });
}

/**
 * Shrinks clean digits by `factor` (2: 14×14, 4: 7×7) with `kernel`: for each image `W · X · Wᵀ`
 * with the one-axis weights `W` of {@link resampleMatrix} (two matrix products, on any backend).
 * `box` equals average pooling; `point` keeps the top-left pixel of each block (OpenCV's and TF.js's nearest).
 */
export function downsampleTensor(clean: tf.Tensor4D, factor: 2 | 4, kernel: DownsampleKernel): tf.Tensor4D {
  checkDigits(clean);
  checkKernel(kernel);
  const w = axisWeights(factor, kernel);
  return shrink(clean, w, w);
}

/**
 * Shrinks each digit with a filter drawn for it from `kernels` (seeded): the super-resolution
 * models train on such a mixture, so that a small digit made any of these ways is enlarged well.
 */
export function downsampleMixedTensor(clean: tf.Tensor4D, factor: 2 | 4, kernels: readonly DownsampleKernel[], seed: number): tf.Tensor4D {
  checkDigits(clean);
  if (kernels.length === 0) throw new InvalidInputError('Give at least one downsampling filter.');
  kernels.forEach(checkKernel);
  const n = clean.shape[0];
  const rng = createRng(seed);
  const variants = new Map<DownsampleKernel, { weights: Float32Array; digits: number[] }>();
  for (let i = 0; i < n; i++) {
    const kernel = kernels[rng.int(kernels.length)] ?? 'box';
    let v = variants.get(kernel);
    if (!v) {
      v = { weights: axisWeights(factor, kernel), digits: [] };
      variants.set(kernel, v);
    }
    v.digits.push(i);
  }
  return tf.tidy(() => {
    let out: tf.Tensor4D | undefined;
    for (const v of variants.values()) {
      const mask = new Float32Array(n);
      for (const i of v.digits) mask[i] = 1;
      const part = tf.mul(shrink(clean, v.weights, v.weights), tf.tensor4d(mask, [n, 1, 1, 1])) as tf.Tensor4D;
      out = out ? (tf.add(out, part) as tf.Tensor4D) : part;
    }
    if (!out) throw new Error('No filter was applied.');
    return out;
  });
}

/** Options of {@link corruptImages}. */
export interface CorruptOptions {
  /** The denoiser's noise level, instead of the model's own. */
  sigma?: number;
  /** How the super-resolution input is made (default `box`). */
  kernel?: DownsampleKernel;
}

/**
 * The model input for clean 28×28 digits: a noisy copy clipped to 0..1 (denoiser), a smaller copy
 * (super-resolution) or the digits themselves (a clone). Seeded. Caller disposes.
 */
export function corruptImages(clean: tf.Tensor4D, corruption: Corruption, seed: number, options: CorruptOptions = {}): tf.Tensor4D {
  checkDigits(clean);
  if (corruption.kind === 'noise') return addNoiseTensor(clean, options.sigma ?? corruption.sigma, seed, { clip: true });
  if (corruption.kind === 'downsample') return downsampleTensor(clean, corruption.factor, options.kernel ?? 'box');
  return clean.clone();
}

/**
 * The training input of a batch: the model's corruption (super-resolution: each digit's filter
 * drawn from `kernels`), or for models that see clean digits the digit plus unclipped Gaussian noise
 * `inputNoise` when it is above 0. Caller disposes.
 */
export function trainingInput(
  clean: tf.Tensor4D,
  corruption: Corruption,
  seed: number,
  options: { inputNoise?: number; kernels?: readonly DownsampleKernel[] } = {},
): tf.Tensor4D {
  const inputNoise = options.inputNoise ?? 0;
  if (inputNoise > 0) {
    if (corruption.kind !== 'none') throw new InvalidInputError('Input noise is for the models that see clean digits.');
    return addNoiseTensor(clean, inputNoise, deriveSeed(seed, 'input-noise'), { clip: false });
  }
  if (corruption.kind === 'downsample' && options.kernels) return downsampleMixedTensor(clean, corruption.factor, options.kernels, deriveSeed(seed, 'kernels'));
  return corruptImages(clean, corruption, seed);
}

/** A small input shown at 28×28 with every pixel repeated in a block (what it "looks like" unprocessed). */
export function blockUpsampleTensor(small: tf.Tensor4D): tf.Tensor4D {
  return tf.image.resizeNearestNeighbor(small, [IMAGE_SIZE, IMAGE_SIZE]);
}

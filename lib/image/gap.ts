/**
 * How well a 2-D VAE's encoder places digits, measured against the best code its decoder allows.
 *
 * With a 2-D code every possible code can be tried: decode a fine grid over the plane once, then for
 * each digit find the grid code with the least loss. The loss here is the lesson's VAE loss with the
 * reconstruction taken at the code's centre — 784·MSE(x, decoder(z)) + KL(N(z, σ²) ‖ N(0, I)), σ
 * being the encoder's own — so the only thing that changes between "at the encoder's μ" and "at the
 * best code" is where the digit is placed. The difference is the amortisation gap: what an encoder
 * loses by being one network for all digits. On digits it trained on it is small; on unseen digits a
 * large gap means the encoder, not the decoder, is what fails to generalise.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import { squareCodeGrid } from '../latent/grid';
import { type ImageAutoencoder } from './image-model';
import { IMAGE_PIXELS } from './specs';
import { imagesTensor, range, type ImageData } from './tensors';

/** Grid codes decoded per call. */
const GRID_CHUNK = 1024;

export interface AmortisationGap {
  /** Mean loss with each digit at the encoder's μ. */
  atEncoder: number;
  /** Mean loss with each digit at its best grid code. */
  bestCode: number;
  /** atEncoder − bestCode (≥ 0 up to the grid's spacing). */
  gap: number;
  /** The grid searched: `steps` × `steps` codes over [−radius, radius]². */
  grid: { radius: number; steps: number };
}

export interface GapOptions {
  radius?: number;
  steps?: number;
  /** Digits per matrix product (memory: batch × steps² floats). */
  batch?: number;
}

/** Whether the gap can be measured for this model (a VAE with a 2-D code). */
export function hasAmortisationGap(model: ImageAutoencoder): boolean {
  return model.spec.variational && model.zDims === 2;
}

/**
 * The amortisation gap of a VAE with a 2-D code on each of `sets` (see the module notes), keyed
 * like `sets`. The grid is decoded once for all of them.
 *
 * @throws {InvalidInputError} for a model that is not a 2-D VAE, an empty set, or a grid under 2×2.
 */
export async function amortisationGaps<K extends string>(
  model: ImageAutoencoder,
  sets: Record<K, ImageData>,
  options: GapOptions = {},
): Promise<Record<K, AmortisationGap>> {
  const radius = options.radius ?? 4;
  const steps = options.steps ?? 201;
  const batch = options.batch ?? 250;
  if (!hasAmortisationGap(model))
    throw new InvalidInputError(
      `The amortisation gap is measured for VAEs with a 2-D code; "${model.spec.id}" has ${model.zDims} ${model.spec.variational ? 'dimensions' : 'and is not variational'}.`,
    );
  const entries = Object.entries(sets) as [K, ImageData][];
  if (entries.some(([, data]) => data.count < 1)) throw new InvalidInputError('There are no images to measure the gap on.');
  if (!Number.isInteger(steps) || steps < 2 || !(radius > 0))
    throw new InvalidInputError(`The grid needs at least 2×2 codes over a positive radius; got ${steps}×${steps}, radius ${radius}.`);
  const codes = steps * steps;
  const grid = tf.tensor2d(squareCodeGrid(steps, radius), [codes, 2]);
  const [decoded, decodedNorms, priorTerms] = tf.tidy(() => {
    // In chunks: a convolutional decoder's feature maps for 40,000 codes at once would not fit in WASM memory.
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < codes; start += GRID_CHUNK) {
      const size = Math.min(GRID_CHUNK, codes - start);
      parts.push(tf.reshape(model.decodeRaw(tf.slice(grid, [start, 0], [size, 2])), [size, IMAGE_PIXELS]) as tf.Tensor2D);
    }
    const d = tf.concat(parts);
    // ‖x − d‖² = ‖x‖² − 2 x·d + ‖d‖²; the KL's μ part is ½‖z‖².
    return [d, tf.sum(tf.square(d), 1), tf.mul(0.5, tf.sum(tf.square(grid), 1))];
  });
  const gapOn = async (data: ImageData): Promise<AmortisationGap> => {
    let atSum = 0;
    let bestSum = 0;
    for (let start = 0; start < data.count; start += batch) {
      const idx = range(start, Math.min(data.count, start + batch));
      const sums = tf.tidy(() => {
        const images = imagesTensor(data, idx);
        const x = tf.reshape(images, [idx.length, IMAGE_PIXELS]) as tf.Tensor2D;
        const [mean, logVar] = model.encodeRaw(images);
        if (!mean || !logVar) throw new Error('The VAE encoder gave no μ and log-variance.');
        const sigmaKl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.exp(logVar)), 1));
        const atMean = tf.sum(tf.square(tf.sub(x, tf.reshape(model.decodeRaw(mean), [idx.length, IMAGE_PIXELS]))), 1);
        const at = tf.add(tf.add(atMean, tf.mul(0.5, tf.sum(tf.square(mean), 1))), sigmaKl);
        const distances = tf.add(
          tf.sub(tf.expandDims(tf.sum(tf.square(x), 1), 1), tf.mul(2, tf.matMul(x, decoded, false, true))),
          tf.expandDims(tf.add(decodedNorms, priorTerms), 0),
        );
        const best = tf.add(tf.min(distances, 1), sigmaKl);
        return tf.stack([tf.sum(at), tf.sum(best)]);
      });
      const [a, b] = await sums.data();
      sums.dispose();
      atSum += a ?? NaN;
      bestSum += b ?? NaN;
    }
    const atEncoder = atSum / data.count;
    const bestCode = bestSum / data.count;
    return { atEncoder, bestCode, gap: atEncoder - bestCode, grid: { radius, steps } };
  };
  try {
    const result: Partial<Record<K, AmortisationGap>> = {};
    for (const [key, data] of entries) result[key] = await gapOn(data);
    return result as Record<K, AmortisationGap>;
  } finally {
    tf.dispose([grid, decoded, decodedNorms, priorTerms]);
  }
}

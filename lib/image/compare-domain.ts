/**
 * The image side of the Compare lab: how lib/latent/compare sees a set of digits and an image
 * model. Items are 28×28 images (784 values in 0..1); distance is pixel L2; labels are the digits;
 * the measured attribute is stroke thickness.
 */
import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import type { CompareDomain, ItemAttribute } from '../latent/compare/domain';
import type { ImageAutoencoder } from './image-model';
import type { ImageSet } from './mnist';
import { IMAGE_PIXELS, IMAGE_SIZE } from './specs';
import { imagesTensor } from './tensors';

/** Euclidean distance between two images (the square root of the summed squared pixel differences). */
export function pixelDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return Math.sqrt(s);
}

/**
 * Mean stroke width in pixels, estimated as 2 × inked area ÷ outline length: for a stroke of width
 * w and length L (L ≫ w) the area is w·L and the outline 2(w + L), so the ratio is ≈ w. Pixels
 * above 0.5 count as ink; the outline counts the edges between ink and paper (the border is paper).
 */
export function strokeThickness(image: ArrayLike<number>, side = IMAGE_SIZE): number {
  let area = 0;
  let outline = 0;
  const ink = (r: number, c: number): boolean => r >= 0 && c >= 0 && r < side && c < side && (image[r * side + c] ?? 0) > 0.5;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      if (!ink(r, c)) continue;
      area++;
      if (!ink(r - 1, c)) outline++;
      if (!ink(r + 1, c)) outline++;
      if (!ink(r, c - 1)) outline++;
      if (!ink(r, c + 1)) outline++;
    }
  }
  return outline > 0 ? (2 * area) / outline : 0;
}

export const IMAGE_ATTRIBUTES: readonly ItemAttribute<Float32Array>[] = [
  { id: 'thickness', name: 'stroke thickness (pixels)', measure: (x) => strokeThickness(x) },
  { id: 'ink', name: 'ink (sum of pixel values)', measure: (x) => x.reduce((s, v) => s + v, 0) },
];

export interface ImageDomainOptions {
  /** Use the first `count` images (the sets are interleaved, so any prefix has every digit). Default: all. */
  count?: number;
  /** What the set is, in words. */
  dataName?: string;
  /** Seed of the noise a denoising model sees (each batch derives its own). */
  seed?: number;
}

/**
 * The Compare adapter for an image model and a set of digits. Models that see a corrupted input
 * (denoising, super-resolution) are given it; σ is used when the model is a VAE.
 */
export function imageCompareDomain(model: ImageAutoencoder, set: ImageSet, options: ImageDomainOptions = {}): CompareDomain<tf.Tensor4D, Float32Array> {
  const count = options.count ?? set.count;
  if (!Number.isInteger(count) || count < 3 || count > set.count) throw new InvalidInputError(`Pick from 3 to ${set.count} digits; got ${count}.`);
  const labels = Array.from(set.labels.subarray(0, count), (l) => String(l));
  const seed = options.seed ?? 1000;
  return {
    dataName: options.dataName ?? 'MNIST test split',
    itemName: 'digit',
    itemsName: 'digits',
    count,
    labels,
    labelName: 'digit',
    inputTensor: (indices) => {
      const clean = imagesTensor(set, indices);
      if (model.spec.corruption.kind === 'none') return clean;
      try {
        return model.corrupt(clean, (seed + (indices[0] ?? 0)) >>> 0);
      } finally {
        clean.dispose();
      }
    },
    ...(model.spec.variational ? { posterior: (x: tf.Tensor4D) => model.encodeDistribution(x) } : {}),
    outputItems: async (decoded) => {
      const flat = await decoded.data();
      return Array.from({ length: decoded.shape[0] }, (_, i) => Float32Array.from(flat.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS)));
    },
    item: (i) => set.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS),
    distance: pixelDistance,
    distanceName: 'pixel L2',
    attributes: IMAGE_ATTRIBUTES,
    defaultGroups: labels.includes('1') && labels.includes('7') ? { kind: 'label', a: '1', b: '7' } : { kind: 'attribute', id: 'thickness' },
  };
}

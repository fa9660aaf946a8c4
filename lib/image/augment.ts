/**
 * Random small affine distortions of training digits (rotation, scale, shift), the classic way to
 * get more out of few MNIST digits. Each digit gets its own transform from a seeded generator, so a
 * training run stays exactly repeatable; digits are resampled bilinearly around the image centre
 * and pixels from outside the frame are 0 (background).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import { IMAGE_SIZE } from './models';

export interface AffineRanges {
  /** Largest rotation either way, degrees. */
  rotateDegrees: number;
  /** Largest relative change of size either way (0.1: ×0.9 … ×1.1). */
  scale: number;
  /** Largest shift either way along each axis, pixels. */
  shiftPixels: number;
}

/** The distortions `--augment` uses: ±10°, ±10 % size, ±1 px. */
export const DEFAULT_AFFINE: AffineRanges = { rotateDegrees: 10, scale: 0.1, shiftPixels: 1 };

export function validateAffineRanges(r: AffineRanges): void {
  if (!(r.rotateDegrees >= 0 && r.rotateDegrees <= 45)) throw new InvalidInputError(`Augmentation rotation must be from 0 to 45 degrees; got ${r.rotateDegrees}.`);
  if (!(r.scale >= 0 && r.scale <= 0.5)) throw new InvalidInputError(`Augmentation scale must be from 0 to 0.5; got ${r.scale}.`);
  if (!(r.shiftPixels >= 0 && r.shiftPixels <= 6)) throw new InvalidInputError(`Augmentation shift must be from 0 to 6 pixels; got ${r.shiftPixels}.`);
}

/**
 * The row for `tf.image.transform` (output pixel → input pixel) that rotates by `degrees`
 * (counter-clockwise on screen), scales by `scale` about the centre, then shifts by (dx, dy) pixels.
 */
export function affineRow(degrees: number, scale: number, dx: number, dy: number): number[] {
  const t = (degrees * Math.PI) / 180;
  const c = (IMAGE_SIZE - 1) / 2;
  // Output o = c + s·R(θ)(i − c) + d, so input i = c + A(o − c − d) with A = R(−θ)/s. With y
  // pointing down, R(θ) = [[cos, sin], [−sin, cos]] turns counter-clockwise on screen.
  const a00 = Math.cos(t) / scale;
  const a01 = -Math.sin(t) / scale;
  const a10 = Math.sin(t) / scale;
  const a11 = Math.cos(t) / scale;
  const ox = c + dx;
  const oy = c + dy;
  return [a00, a01, c - a00 * ox - a01 * oy, a10, a11, c - a10 * ox - a11 * oy, 0, 0];
}

/** One random transform per digit, uniform within `ranges` (seeded). */
export function randomAffineRows(count: number, ranges: AffineRanges, seed: number): number[][] {
  const rng = createRng(seed);
  const u = (max: number): number => (rng.next() * 2 - 1) * max;
  return Array.from({ length: count }, () => affineRow(u(ranges.rotateDegrees), 1 + u(ranges.scale), u(ranges.shiftPixels), u(ranges.shiftPixels)));
}

/** `images` ([n, 28, 28, 1]) each distorted by its own random transform. Call inside tidy. */
export function augmentImages(images: tf.Tensor4D, ranges: AffineRanges, seed: number): tf.Tensor4D {
  const n = images.shape[0];
  return tf.image.transform(images, tf.tensor2d(randomAffineRows(n, ranges, seed)), 'bilinear', 'constant', 0);
}

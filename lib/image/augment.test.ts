import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { affineRow, augmentImages, DEFAULT_AFFINE, randomAffineRows, validateAffineRanges } from './augment';
import { IMAGE_PIXELS } from './models';

/** A 28×28 image with one bright 2×2 block whose top-left pixel is (x, y). */
function block(x: number, y: number): Float32Array {
  const image = new Float32Array(IMAGE_PIXELS);
  for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) image[(y + dy) * 28 + x + dx] = 1;
  return image;
}

/** Centre of mass (x, y) of a 28×28 image. */
function centre(image: ArrayLike<number>): [number, number] {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let p = 0; p < IMAGE_PIXELS; p++) {
    const v = image[p] ?? 0;
    m += v;
    sx += v * (p % 28);
    sy += v * Math.floor(p / 28);
  }
  return [sx / m, sy / m];
}

function apply(image: Float32Array, row: number[]): Float32Array {
  return tf.tidy(() => tf.image.transform(tf.tensor4d(image, [1, 28, 28, 1]), tf.tensor2d([row]), 'bilinear').dataSync() as Float32Array);
}

describe('affine augmentation of digits', () => {
  it('leaves a digit as it is with no rotation, size change or shift', () => {
    const image = block(9, 17);
    expect(Array.from(apply(image, affineRow(0, 1, 0, 0)))).toEqual(Array.from(image));
  });

  it('shifts right and down for positive dx, dy', () => {
    const [x, y] = centre(apply(block(9, 17), affineRow(0, 1, 3, -2)));
    expect(x).toBeCloseTo(9.5 + 3, 5);
    expect(y).toBeCloseTo(17.5 - 2, 5);
  });

  it('turns counter-clockwise on screen about the centre and scales about it', () => {
    // A block right of the centre (13.5, 13.5) ends up above it after +90°.
    const [x, y] = centre(apply(block(20, 13), affineRow(90, 1, 0, 0)));
    expect(x).toBeCloseTo(13.5, 4);
    expect(y).toBeCloseTo(13.5 - 7, 4);
    const [sx, sy] = centre(apply(block(19, 13), affineRow(0, 2, 0, 0)));
    expect(sx).toBeCloseTo(13.5 + 2 * 6, 0);
    expect(sy).toBeCloseTo(13.5, 4);
  });

  it('draws each digit its own seeded transform within the ranges, and checks them', () => {
    const a = randomAffineRows(50, DEFAULT_AFFINE, 3);
    expect(randomAffineRows(50, DEFAULT_AFFINE, 3)).toEqual(a);
    expect(randomAffineRows(50, DEFAULT_AFFINE, 4)).not.toEqual(a);
    expect(new Set(a.map((r) => r.join())).size).toBe(50);
    for (const r of a) {
      // |det A| = 1 / scale², scale within ±10 %.
      const det = Math.abs((r[0] ?? 0) * (r[4] ?? 0) - (r[1] ?? 0) * (r[3] ?? 0));
      expect(det).toBeGreaterThanOrEqual(1 / 1.1 ** 2 - 1e-9);
      expect(det).toBeLessThanOrEqual(1 / 0.9 ** 2 + 1e-9);
    }
    // (+ 0 turns −0 into 0.)
    expect(randomAffineRows(3, { rotateDegrees: 0, scale: 0, shiftPixels: 0 }, 1).map((r) => r.map((v) => v + 0))).toEqual(Array.from({ length: 3 }, () => affineRow(0, 1, 0, 0).map((v) => v + 0)));
    for (const bad of [{ ...DEFAULT_AFFINE, rotateDegrees: 90 }, { ...DEFAULT_AFFINE, scale: -0.1 }, { ...DEFAULT_AFFINE, shiftPixels: NaN }]) {
      expect(() => validateAffineRanges(bad)).toThrow(InvalidInputError);
    }
  });

  it('distorts a batch without leaking tensors, keeping values in 0..1 and the ink roughly the same', () => {
    const before = liveTensorCount();
    const out = tf.tidy(() => {
      const images = tf.tensor4d(Float32Array.from({ length: 4 * IMAGE_PIXELS }, (_, i) => block(8 + (i % 3), 10).at(i % IMAGE_PIXELS) ?? 0), [4, 28, 28, 1]);
      return augmentImages(images, DEFAULT_AFFINE, 9).dataSync();
    });
    expect(liveTensorCount()).toBe(before);
    for (let k = 0; k < 4; k++) {
      const image = out.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS);
      expect(Math.min(...image)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...image)).toBeLessThanOrEqual(1);
      const ink = Array.from(image).reduce((s, v) => s + v, 0);
      expect(ink).toBeGreaterThan(4 * 0.8 ** 2);
      expect(ink).toBeLessThan(4 * 1.2 ** 2);
    }
  });
});

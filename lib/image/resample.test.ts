import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { meanOfPsnrs, psnrPerImage } from './psnr';
import { alignmentFor, downsample, resampleMatrix, resizeImages, upsample } from './resample';
import { subsetImageSet } from './mnist';
import { loadMnist } from './mnist-node';
import { DOWNSAMPLE_KERNELS } from './specs';

const meanPsnr = (a: Float32Array, b: Float32Array, pixels: number): number => meanOfPsnrs(psnrPerImage(a, b, pixels));

const filled = (length: number, value: number): Float32Array => new Float32Array(length).fill(value);
const row = (m: Float64Array, i: number, n: number): number[] => Array.from(m.subarray(i * n, (i + 1) * n), (v) => Math.round(v * 1e6) / 1e6);

describe('resampleMatrix', () => {
  it('has rows that sum to 1 for every filter, shrinking and enlarging', () => {
    for (const kernel of [...DOWNSAMPLE_KERNELS, 'nearest'] as const) {
      for (const [from, to] of [
        [28, 14],
        [28, 7],
        [7, 28],
        [14, 28],
      ] as const) {
        const m = resampleMatrix(from, to, kernel);
        for (let i = 0; i < to; i++) expect(m.subarray(i * from, (i + 1) * from).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      }
    }
  });

  it('gives the known weights by hand when shrinking 8 → 4 (the factor-2 case)', () => {
    // Output pixel 1 covers input pixels 2 and 3 (centre at input position 3.0).
    expect(row(resampleMatrix(8, 4, 'box'), 1, 8)).toEqual([0, 0, 0.5, 0.5, 0, 0, 0, 0]);
    // Point keeps the top-left pixel of each block (OpenCV's and TF.js's nearest neighbour).
    expect(row(resampleMatrix(8, 4, 'point'), 1, 8)).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
    // The triangle widened by 2: weights ¼ ¾ ¾ ¼ over pixels 1..4, normalised.
    expect(row(resampleMatrix(8, 4, 'bilinear'), 1, 8)).toEqual([0, 0.125, 0.375, 0.375, 0.125, 0, 0, 0]);
    // Keys' cubic widened by 2 over pixels 0..5 (offsets ±0.25, ±0.75, ±1.25 of the widened kernel).
    const c = row(resampleMatrix(8, 4, 'bicubic'), 1, 8);
    expect(c.slice(0, 6).map((v) => Math.sign(v))).toEqual([-1, 1, 1, 1, 1, -1]);
    expect(c[2]).toBeCloseTo(c[3] ?? NaN, 6);
    // At the border the missing taps repeat the edge pixel.
    expect(row(resampleMatrix(8, 4, 'bilinear'), 0, 8)).toEqual([0.5, 0.375, 0.125, 0, 0, 0, 0, 0]);
  });

  it('refuses bad sizes and filters', () => {
    expect(() => resampleMatrix(0, 4, 'box')).toThrow(InvalidInputError);
    expect(() => resampleMatrix(4, 2, 'lanczos' as 'box')).toThrow(/Unknown resampling filter "lanczos"/);
  });
});

describe('downsample and upsample', () => {
  it('box-averages blocks; point keeps the top-left pixel of each block, and corner-aligned enlarging puts it back in place', () => {
    const img = Float32Array.from({ length: 16 }, (_, i) => i / 16);
    expect(Array.from(downsample(img, 4, 2, 'box'))).toEqual([2.5 / 16, 4.5 / 16, 10.5 / 16, 12.5 / 16].map(Math.fround));
    const point = downsample(img, 4, 2, 'point');
    expect(Array.from(point)).toEqual([0, 2 / 16, 8 / 16, 10 / 16].map(Math.fround));
    expect(alignmentFor('point')).toBe('corner');
    expect(alignmentFor('box')).toBe('centre');
    // Enlarged with the matching alignment, the kept pixels come back exactly where they were.
    for (const k of ['nearest', 'bilinear', 'bicubic'] as const) {
      const back = upsample(point, 2, 2, k, 'corner');
      for (const i of [0, 2, 8, 10]) expect(back[i]).toBeCloseTo(img[i] ?? NaN, 6);
    }
    expect(Array.from(upsample(point, 2, 2, 'nearest', 'corner'))).toEqual(Array.from(upsample(point, 2, 2, 'nearest')));
    expect(downsample(filled(784 * 2, 0.3), 28, 4, 'bicubic').length).toBe(98);
    expect(() => downsample(filled(784, 0), 28, 3, 'box')).toThrow(/must be a whole number that divides the image size 28/);
  });

  it('nearest enlarging repeats each pixel in a block; every filter keeps a constant image constant', () => {
    const up = upsample(Float32Array.from([0.1, 0.2, 0.3, 0.4]), 2, 2, 'nearest');
    expect(Array.from(up)).toEqual([0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4, 0.3, 0.3, 0.4, 0.4].map(Math.fround));
    for (const k of ['nearest', 'bilinear', 'bicubic'] as const)
      expect(upsample(filled(3 * 49, 0.6), 7, 4, k).every((v) => Math.abs(v - 0.6) < 1e-6)).toBe(true);
    for (const k of DOWNSAMPLE_KERNELS) expect(downsample(filled(784, 0.6), 28, 2, k).every((v) => Math.abs(v - 0.6) < 1e-6)).toBe(true);
  });

  it('bicubic enlarging reproduces a linear ramp exactly away from the borders', () => {
    const h = 14;
    const ramp = (x: number, y: number): number => 0.1 + 0.02 * x + 0.03 * y;
    const img = new Float32Array(h * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < h; x++) img[y * h + x] = ramp(x, y);
    for (const factor of [2, 4]) {
      const up = upsample(img, h, factor, 'bicubic');
      const ow = h * factor;
      const src = (i: number): number => (i + 0.5) / factor - 0.5;
      const interior = (i: number): boolean => Math.floor(src(i)) - 1 >= 0 && Math.floor(src(i)) + 2 <= h - 1;
      let checked = 0;
      for (let y = 0; y < ow; y++) {
        for (let x = 0; x < ow; x++) {
          if (!interior(x) || !interior(y)) continue;
          expect(up[y * ow + x]).toBeCloseTo(ramp(src(x), src(y)), 5);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
    }
  });

  it('uses Keys’ a = −0.5 weights when enlarging (an impulse, by hand) and clips to 0..1', () => {
    const impulse = Float32Array.from([0.5, 0.5, 1, 0.5, 0.5]);
    const up = resizeImages(impulse, 1, 5, 1, 10, 'bicubic');
    const kernel = [-0.0703125, 0.2265625, 0.8671875, 0.8671875, 0.2265625, -0.0703125];
    for (let k = 0; k < kernel.length; k++) expect(up[2 + k]).toBeCloseTo(0.5 + 0.5 * (kernel[k] ?? 0), 6);
    const edge = resizeImages(Float32Array.from([0, 0, 1, 1, 0, 0]), 1, 6, 1, 24, 'bicubic');
    expect(edge.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(edge.some((v) => v === 0) && edge.some((v) => v === 1)).toBe(true);
  });
});

describe('on real digits', () => {
  it('bicubic and bilinear beat nearest at 14 → 28 for box-averaged digits; point-sampled ones are harder', async () => {
    const { test } = await loadMnist();
    const set = subsetImageSet(test, 200);
    const box = downsample(set.images, 28, 2, 'box');
    const nearest = meanPsnr(set.images, upsample(box, 14, 2, 'nearest'), 784);
    const bicubic = meanPsnr(set.images, upsample(box, 14, 2, 'bicubic'), 784);
    const bilinear = meanPsnr(set.images, upsample(box, 14, 2, 'bilinear'), 784);
    expect(bicubic).toBeGreaterThan(nearest);
    expect(bilinear).toBeGreaterThan(nearest);
    expect(nearest).toBeGreaterThan(10);
    const point = meanPsnr(set.images, upsample(downsample(set.images, 28, 2, 'point'), 14, 2, 'bicubic'), 784);
    expect(point).toBeLessThan(bicubic);
  });
});

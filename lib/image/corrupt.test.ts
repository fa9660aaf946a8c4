import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { addGaussianNoise, downsample, meanPsnr, psnr, psnrPerImage, upsampleBicubic, upsampleNearest } from './corrupt';
import { subsetImageSet } from './mnist';
import { loadMnist } from './mnist-node';

const filled = (length: number, value: number): Float32Array => new Float32Array(length).fill(value);
const stats = (a: Float32Array): { mean: number; std: number } => {
  let sum = 0;
  for (const v of a) sum += v;
  const mean = sum / a.length;
  let sq = 0;
  for (const v of a) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / a.length) };
};

describe('addGaussianNoise', () => {
  it('adds zero-mean noise of the asked standard deviation', () => {
    const clean = filled(100 * 784, 0.5);
    const noisy = addGaussianNoise(clean, 0.1, 7);
    const { mean, std } = stats(noisy);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(std - 0.1)).toBeLessThan(0.002);
    expect(clean.every((v) => v === 0.5)).toBe(true);
  });

  it('clips to 0..1', () => {
    const noisy = addGaussianNoise(filled(20_000, 0), 1, 3);
    expect(noisy.every((v) => v >= 0 && v <= 1)).toBe(true);
    const zeros = noisy.filter((v) => v === 0).length / noisy.length;
    expect(zeros).toBeGreaterThan(0.48);
    expect(zeros).toBeLessThan(0.52);
  });

  it('is reproducible from its seed', () => {
    const clean = filled(784, 0.3);
    expect(addGaussianNoise(clean, 0.2, 42)).toEqual(addGaussianNoise(clean, 0.2, 42));
    expect(addGaussianNoise(clean, 0.2, 42)).not.toEqual(addGaussianNoise(clean, 0.2, 43));
    const same = addGaussianNoise(clean, 0, 1);
    expect(same).toEqual(clean);
    expect(same).not.toBe(clean);
  });

  it('refuses a bad sigma or seed', () => {
    expect(() => addGaussianNoise(filled(4, 0), -0.1, 1)).toThrow(/Noise sigma must be a number ≥ 0; got -0.1/);
    expect(() => addGaussianNoise(filled(4, 0), Number.NaN, 1)).toThrow(InvalidInputError);
    expect(() => addGaussianNoise(filled(4, 0), 0.1, -1)).toThrow(/Seed must be a whole number/);
  });
});

describe('downsample', () => {
  it('keeps a constant image constant (28 → 14 and 28 → 7)', () => {
    const img = filled(2 * 784, 0.37);
    const half = downsample(img, 28, 28, 2);
    expect(half.length).toBe(2 * 14 * 14);
    expect(half.every((v) => Math.abs(v - 0.37) < 1e-6)).toBe(true);
    const quarter = downsample(img, 28, 28, 4);
    expect(quarter.length).toBe(2 * 7 * 7);
    expect(quarter.every((v) => Math.abs(v - 0.37) < 1e-6)).toBe(true);
  });

  it('averages each block (by hand), image by image', () => {
    // prettier-ignore
    const img = Float32Array.from([
      0, 1, 0.5, 0.5,
      1, 0, 0.5, 0.5,
      0, 0, 1, 1,
      0, 0.4, 1, 0,
      // second image: all ones
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ]);
    expect(Array.from(downsample(img, 4, 4, 2))).toEqual([0.5, 0.5, Math.fround(0.1), 0.75, 1, 1, 1, 1]);
  });

  it('refuses a factor that does not divide the size, or a batch of the wrong length', () => {
    expect(() => downsample(filled(784, 0), 28, 28, 3)).toThrow(/the factor 3 must divide the image size 28×28/);
    expect(() => downsample(filled(700, 0), 28, 28, 2)).toThrow(/700 pixels is not a whole number of 28×28 images/);
    expect(() => downsample(filled(784, 0), 28, 28, 0)).toThrow(/positive whole number/);
  });
});

describe('upsampleNearest', () => {
  it('repeats each pixel in a block', () => {
    const up = upsampleNearest(Float32Array.from([0.1, 0.2, 0.3, 0.4]), 2, 2, 2);
    expect(Array.from(up)).toEqual([0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4, 0.3, 0.3, 0.4, 0.4].map(Math.fround));
    expect(downsample(up, 4, 4, 2)).toEqual(Float32Array.from([0.1, 0.2, 0.3, 0.4]));
  });
});

describe('upsampleBicubic', () => {
  it('keeps a constant image constant, and has the right sizes (7 → 28, 14 → 28)', () => {
    const seven = upsampleBicubic(filled(3 * 49, 0.6), 7, 7, 4);
    expect(seven.length).toBe(3 * 784);
    expect(seven.every((v) => Math.abs(v - 0.6) < 1e-6)).toBe(true);
    expect(upsampleBicubic(filled(196, 0.2), 14, 14, 2).length).toBe(784);
  });

  it('reproduces a linear ramp exactly away from the borders', () => {
    const h = 14;
    const w = 14;
    const ramp = (x: number, y: number): number => 0.1 + 0.02 * x + 0.03 * y;
    const img = new Float32Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = ramp(x, y);
    for (const factor of [2, 4]) {
      const up = upsampleBicubic(img, h, w, factor);
      const ow = w * factor;
      const src = (i: number): number => (i + 0.5) / factor - 0.5;
      const interior = (i: number, size: number): boolean => Math.floor(src(i)) - 1 >= 0 && Math.floor(src(i)) + 2 <= size - 1;
      let checked = 0;
      for (let y = 0; y < h * factor; y++) {
        for (let x = 0; x < ow; x++) {
          if (!interior(x, w) || !interior(y, h)) continue;
          expect(up[y * ow + x]).toBeCloseTo(ramp(src(x), src(y)), 6);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
    }
  });

  it('uses Keys’ a = −0.5 weights (an impulse, by hand) and clamps to 0..1', () => {
    // One row, 0.5 everywhere and 1.0 at x = 2: output = 0.5 + 0.5 · kernel(s − 2), s = (i + 0.5)/2 − 0.5.
    const row = Float32Array.from([0.5, 0.5, 1, 0.5, 0.5]);
    const up = upsampleBicubic(row, 1, 5, 2);
    const kernel = [-0.0703125, 0.2265625, 0.8671875, 0.8671875, 0.2265625, -0.0703125]; // s − 2 = −1.25 … 1.25
    for (let k = 0; k < kernel.length; k++) expect(up[2 + k]).toBeCloseTo(0.5 + 0.5 * (kernel[k] ?? 0), 7);
    const edge = upsampleBicubic(Float32Array.from([0, 0, 1, 1, 0, 0]), 1, 6, 4);
    expect(edge.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(edge.some((v) => v === 0)).toBe(true);
    expect(edge.some((v) => v === 1)).toBe(true);
  });
});

describe('psnr', () => {
  it('matches values computed by hand', () => {
    expect(psnr(filled(10, 0), filled(10, 0.1))).toBeCloseTo(20, 5);
    expect(psnr(filled(10, 0), filled(10, 1))).toBe(0);
    expect(psnr(Float32Array.from([0, 0, 0, 0]), Float32Array.from([0.5, 0, 0.5, 0]))).toBeCloseTo(10 * Math.log10(8), 6); // MSE 0.125 → 9.03 dB
    expect(psnr(filled(4, 0.5), Float32Array.from([0.5, 0.5, 0.5, 0.49]))).toBeCloseTo(10 * Math.log10(4 / 0.0001), 3); // MSE 2.5e-5 → 46.02 dB
  });

  it('is Infinity for identical images', () => {
    expect(psnr(filled(784, 0.3), filled(784, 0.3))).toBe(Infinity);
  });

  it('per image, and the capped mean over a batch', () => {
    const a = new Float32Array(2 * 4);
    const b = Float32Array.from([0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1]);
    expect(Array.from(psnrPerImage(a, b, 4)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([Infinity, 20]);
    expect(meanPsnr(a, b, 4)).toBeCloseTo((100 + 20) / 2, 5);
    expect(meanPsnr(a, b, 4, 50)).toBeCloseTo(35, 5);
    expect(meanPsnr(b.subarray(4), a.subarray(4), 4)).toBeCloseTo(20, 5);
  });

  it('refuses arrays that do not match', () => {
    expect(() => psnr(filled(3, 0), filled(4, 0))).toThrow(/same length; got 3 and 4 pixels/);
    expect(() => psnr(new Float32Array(0), new Float32Array(0))).toThrow(/at least one pixel/);
    expect(() => psnrPerImage(filled(10, 0), filled(10, 0), 4)).toThrow(/not a non-empty whole number of images of 4 pixels/);
    expect(() => meanPsnr(filled(4, 0), filled(4, 0), 4, 0)).toThrow(/capDb must be a positive finite number/);
  });
});

describe('on real digits', () => {
  it('bicubic beats nearest neighbour at 14 → 28, and more noise means lower PSNR', async () => {
    const { test } = await loadMnist();
    const set = subsetImageSet(test, 200);
    const small = downsample(set.images, 28, 28, 2);
    const nearest = meanPsnr(set.images, upsampleNearest(small, 14, 14, 2), 784);
    const bicubic = meanPsnr(set.images, upsampleBicubic(small, 14, 14, 2), 784);
    expect(bicubic).toBeGreaterThan(nearest);
    expect(nearest).toBeGreaterThan(10);
    const light = meanPsnr(set.images, addGaussianNoise(set.images, 0.1, 1), 784);
    const heavy = meanPsnr(set.images, addGaussianNoise(set.images, 0.5, 1), 784);
    expect(light).toBeGreaterThan(heavy);
    expect(light).toBeGreaterThan(20);
  });
});

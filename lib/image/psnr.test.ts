import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { psnrTensor } from './evaluate';
import { meanOfPsnrs, psnrPerImage } from './psnr';

const meanPsnr = (a: Float32Array, b: Float32Array, pixels: number, cap?: number): number => meanOfPsnrs(psnrPerImage(a, b, pixels), cap);

const filled = (length: number, value: number): Float32Array => new Float32Array(length).fill(value);

describe('psnr', () => {
  it('matches values computed by hand, per image', () => {
    expect(psnrPerImage(filled(10, 0), filled(10, 0.1), 10)[0]).toBeCloseTo(20, 5);
    expect(psnrPerImage(filled(10, 0), filled(10, 1), 10)[0]).toBe(0);
    expect(psnrPerImage(Float32Array.from([0, 0, 0, 0]), Float32Array.from([0.5, 0, 0.5, 0]), 4)[0]).toBeCloseTo(10 * Math.log10(8), 6);
    expect(psnrPerImage(filled(784, 0.3), filled(784, 0.3), 784)[0]).toBe(Infinity);
  });

  it('caps each image in the mean over a batch', () => {
    const a = new Float32Array(2 * 4);
    const b = Float32Array.from([0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1]);
    expect(Array.from(psnrPerImage(a, b, 4)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([Infinity, 20]);
    expect(meanPsnr(a, b, 4)).toBeCloseTo((100 + 20) / 2, 5);
    expect(meanPsnr(a, b, 4, 50)).toBeCloseTo(35, 5);
  });

  it('agrees with the tensor version', async () => {
    const a = Float32Array.from({ length: 2 * 16 }, (_, i) => (i % 7) / 7);
    const b = Float32Array.from({ length: 2 * 16 }, (_, i) => (i % 5) / 5);
    const t = psnrTensor(tf.tensor4d(a, [2, 4, 4, 1]), tf.tensor4d(b, [2, 4, 4, 1]));
    expect((await t.data())[0]).toBeCloseTo(meanPsnr(a, b, 16), 4);
    t.dispose();
  });

  it('refuses arrays that do not match', () => {
    expect(() => psnrPerImage(filled(3, 0), filled(4, 0), 3)).toThrow(/same length; got 3 and 4 pixels/);
    expect(() => psnrPerImage(filled(10, 0), filled(10, 0), 4)).toThrow(/not a non-empty whole number of images of 4 pixels/);
    expect(() => meanPsnr(filled(4, 0), filled(4, 0), 4, 0)).toThrow(/capDb must be a positive finite number/);
  });
});

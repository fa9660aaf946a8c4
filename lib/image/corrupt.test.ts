import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { addNoiseTensor, blockUpsampleTensor, corruptImages, downsampleMixedTensor, downsampleTensor, trainingInput } from './corrupt';
import { downsample } from './resample';
import { DOWNSAMPLE_KERNELS } from './specs';

function digits(n: number, seed: number): { values: Float32Array; tensor: tf.Tensor4D } {
  const rng = createRng(seed);
  const values = Float32Array.from({ length: n * 784 }, () => (rng.next() < 0.3 ? rng.next() : 0));
  return { values, tensor: tf.tensor4d(values, [n, 28, 28, 1]) };
}

describe('corruption tensors', () => {
  it('downsample with every filter exactly as the plain-array resampler does; box equals average pooling', async () => {
    const { values, tensor } = digits(3, 1);
    const before = liveTensorCount();
    for (const factor of [2, 4] as const) {
      for (const kernel of DOWNSAMPLE_KERNELS) {
        const small = downsampleTensor(tensor, factor, kernel);
        expect(small.shape).toEqual([3, 28 / factor, 28 / factor, 1]);
        const got = await small.data();
        const want = downsample(values, 28, factor, kernel);
        // The array version clips to 0..1 (bicubic overshoots); compare inside that range.
        got.forEach((v, i) => expect(Math.min(1, Math.max(0, v))).toBeCloseTo(want[i] ?? NaN, 5));
        small.dispose();
      }
      const pooled = tf.avgPool(tensor, factor, factor, 'valid');
      const box = downsampleTensor(tensor, factor, 'box');
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(pooled, box))).dataSync()[0])).toBeLessThan(1e-6);
      tf.dispose([pooled, box]);
    }
    expect(liveTensorCount()).toBe(before);
    tensor.dispose();
  });

  it('mixes filters per digit (seeded): each digit is one filter’s copy, and all filters are used', async () => {
    const { tensor } = digits(60, 2);
    const mixed = downsampleMixedTensor(tensor, 2, DOWNSAMPLE_KERNELS, 5);
    const again = downsampleMixedTensor(tensor, 2, DOWNSAMPLE_KERNELS, 5);
    const m = await mixed.data();
    expect(Array.from(m)).toEqual(Array.from(await again.data()));
    const each = DOWNSAMPLE_KERNELS.map((k) => downsampleTensor(tensor, 2, k));
    const per = await Promise.all(each.map((t) => t.data()));
    const used = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const k = per.findIndex((p) => Array.from({ length: 196 }, (_, j) => Math.abs((p[i * 196 + j] ?? NaN) - (m[i * 196 + j] ?? NaN)) < 1e-6).every(Boolean));
      expect(k, `digit ${i}`).toBeGreaterThanOrEqual(0);
      used.add(DOWNSAMPLE_KERNELS[k] ?? '');
    }
    expect([...used].sort()).toEqual(['bicubic', 'bilinear', 'box', 'point']);
    expect(() => downsampleMixedTensor(tensor, 2, [], 1)).toThrow(/at least one/);
    tf.dispose([mixed, again, ...each, tensor]);
  });

  it('adds seeded noise, clipped for the denoiser and unclipped as training input noise', async () => {
    const { tensor } = digits(4, 3);
    const noisy = corruptImages(tensor, { kind: 'noise', sigma: 0.5 }, 9);
    const same = corruptImages(tensor, { kind: 'noise', sigma: 0.5 }, 9);
    expect(Array.from(await noisy.data())).toEqual(Array.from(await same.data()));
    expect(Math.min(...(await noisy.data()))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...(await noisy.data()))).toBeLessThanOrEqual(1);
    const raw = addNoiseTensor(tensor, 0.5, 9, { clip: false });
    expect(Math.min(...(await raw.data()))).toBeLessThan(0);
    const input = trainingInput(tensor, { kind: 'none' }, 1, { inputNoise: 0.2 });
    const clean = trainingInput(tensor, { kind: 'none' }, 1);
    expect(tf.tidy(() => tf.mean(tf.abs(tf.sub(input, tensor))).dataSync()[0])).toBeGreaterThan(0.1);
    expect(Array.from(await clean.data())).toEqual(Array.from(await tensor.data()));
    expect(() => trainingInput(tensor, { kind: 'noise', sigma: 0.5 }, 1, { inputNoise: 0.2 })).toThrow(/clean digits/);
    expect(() => addNoiseTensor(tensor, -1, 1, { clip: true })).toThrow(/σ must be a number ≥ 0/);
    tf.dispose([noisy, same, raw, input, clean, tensor]);
  });

  it('shows a small input at full size as blocks, and refuses digits of the wrong shape', () => {
    const small = tf.tensor4d([0.1, 0.2, 0.3, 0.4], [1, 2, 2, 1]);
    const wrong = tf.zeros([1, 14, 14, 1]) as tf.Tensor4D;
    const big = blockUpsampleTensor(tf.image.resizeNearestNeighbor(small, [7, 7]));
    expect(big.shape).toEqual([1, 28, 28, 1]);
    expect(() => downsampleTensor(wrong, 2, 'box')).toThrow(/shape \[n, 28, 28, 1\]/);
    tf.dispose([small, wrong, big]);
  });
});

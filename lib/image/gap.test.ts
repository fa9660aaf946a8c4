import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { amortisationGap, codeGrid } from './gap';
import { ImageAutoencoder } from './image-model';
import { IMAGE_PIXELS, imageModelSpec } from './models';
import type { ImageData } from './train';

function noiseImages(n: number, seed: number): ImageData {
  const rng = createRng(seed);
  return { images: Float32Array.from({ length: n * IMAGE_PIXELS }, () => rng.next() * rng.next()), count: n };
}

/** The loss of one digit at one code, the slow way: decode that code alone and sum in JavaScript. */
function lossAt(model: ImageAutoencoder, image: Float32Array, z: [number, number], logVar: [number, number]): number {
  const out = tf.tidy(() => model.decodeRaw(tf.tensor2d([z])).dataSync());
  let sse = 0;
  for (let p = 0; p < IMAGE_PIXELS; p++) sse += ((image[p] ?? 0) - (out[p] ?? 0)) ** 2;
  const kl = logVar.reduce((s, lv, i) => s - 0.5 * (1 + lv - (z[i] ?? 0) ** 2 - Math.exp(lv)), 0);
  return sse + kl;
}

describe('amortisation gap of a 2-D VAE', () => {
  it('lays the grid out row by row over the square', () => {
    const g = codeGrid(2, 3);
    expect(g.length).toBe(18);
    expect(Array.from(g.subarray(0, 4))).toEqual([-2, -2, -2, 0]);
    expect(Array.from(g.subarray(16))).toEqual([2, 2]);
  });

  it('matches a brute-force search over the same grid, and leaks no tensors', async () => {
    const model = ImageAutoencoder.create(imageModelSpec('vae'), 5);
    const data = noiseImages(5, 2);
    const before = liveTensorCount();
    const result = await amortisationGap(model, data, { radius: 1.5, steps: 4, batch: 2 });
    expect(liveTensorCount()).toBe(before);
    const grid = codeGrid(1.5, 4);
    let at = 0;
    let best = 0;
    for (let k = 0; k < data.count; k++) {
      const image = data.images.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS);
      const [mean, logVar] = tf.tidy(() => model.encodeRaw(tf.tensor4d(image, [1, 28, 28, 1])).map((t) => Array.from(t.dataSync())));
      const lv: [number, number] = [logVar?.[0] ?? NaN, logVar?.[1] ?? NaN];
      at += lossAt(model, image, [mean?.[0] ?? NaN, mean?.[1] ?? NaN], lv);
      let least = Infinity;
      for (let g = 0; g < 16; g++) least = Math.min(least, lossAt(model, image, [grid[2 * g] ?? NaN, grid[2 * g + 1] ?? NaN], lv));
      best += least;
    }
    expect(result.atEncoder).toBeCloseTo(at / data.count, 2);
    expect(result.bestCode).toBeCloseTo(best / data.count, 2);
    expect(result.gap).toBeCloseTo(result.atEncoder - result.bestCode, 10);
    expect(result.grid).toEqual({ radius: 1.5, steps: 4 });
    model.dispose();
  });

  it('finds a large gap when the encoder puts every digit far from the prior', async () => {
    const model = ImageAutoencoder.create(imageModelSpec('vae'), 6);
    const layer = model.encoder.getLayer('z_mean');
    const [kernel, bias] = layer.getWeights();
    if (!kernel || !bias) throw new Error('z_mean has no weights');
    tf.tidy(() => layer.setWeights([tf.zerosLike(kernel), tf.fill(bias.shape, 3)]));
    const result = await amortisationGap(model, noiseImages(4, 3));
    // At μ = (3, 3) the KL's μ part alone is ½·18 = 9; codes near the origin cost almost nothing.
    expect(result.gap).toBeGreaterThan(6);
    model.dispose();
  });

  it('refuses models without a 2-D variational code and empty sets', async () => {
    const ae = ImageAutoencoder.create(imageModelSpec('dense-ae'), 1);
    await expect(amortisationGap(ae, noiseImages(2, 1))).rejects.toThrow(InvalidInputError);
    const wide = ImageAutoencoder.create(imageModelSpec('vae', { zDims: 3 }), 1);
    await expect(amortisationGap(wide, noiseImages(2, 1))).rejects.toThrow(/2-D code/);
    const vae = ImageAutoencoder.create(imageModelSpec('vae'), 1);
    await expect(amortisationGap(vae, { images: new Float32Array(0), count: 0 })).rejects.toThrow(/no images/);
    await expect(amortisationGap(vae, noiseImages(1, 1), { steps: 1 })).rejects.toThrow(/2×2/);
    for (const m of [ae, wide, vae]) m.dispose();
  });
});

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { squareCodeGrid } from '../latent/grid';
import { amortisationGaps } from './gap';
import { ImageAutoencoder } from './image-model';
import { IMAGE_PIXELS, imageModelSpec } from './specs';
import type { ImageData } from './tensors';

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
  it('matches a brute-force search over the same grid, and leaks no tensors', async () => {
    const model = ImageAutoencoder.create(imageModelSpec('vae'), 5);
    const data = noiseImages(5, 2);
    const before = liveTensorCount();
    const both = await amortisationGaps(model, { data, other: noiseImages(3, 9) }, { radius: 1.5, steps: 4, batch: 2 });
    expect(liveTensorCount()).toBe(before);
    const result = both.data;
    // One decoded grid serves every set: each answer equals that set measured alone.
    expect((await amortisationGaps(model, { other: noiseImages(3, 9) }, { radius: 1.5, steps: 4, batch: 2 })).other).toEqual(both.other);
    const grid = squareCodeGrid(4, 1.5);
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
    const result = (await amortisationGaps(model, { digits: noiseImages(4, 3) })).digits;
    // At μ = (3, 3) the KL's μ part alone is ½·18 = 9; codes near the origin cost almost nothing.
    expect(result.gap).toBeGreaterThan(6);
    model.dispose();
  });

  it('refuses models without a 2-D variational code and empty sets', async () => {
    const ae = ImageAutoencoder.create(imageModelSpec('dense-ae'), 1);
    await expect(amortisationGaps(ae, { digits: noiseImages(2, 1) })).rejects.toThrow(InvalidInputError);
    const wide = ImageAutoencoder.create(imageModelSpec('vae', { zDims: 3 }), 1);
    await expect(amortisationGaps(wide, { digits: noiseImages(2, 1) })).rejects.toThrow(/2-D code/);
    const vae = ImageAutoencoder.create(imageModelSpec('vae'), 1);
    await expect(amortisationGaps(vae, { digits: noiseImages(1, 1), empty: { images: new Float32Array(0), count: 0 } })).rejects.toThrow(/no images/);
    await expect(amortisationGaps(vae, { digits: noiseImages(1, 1) }, { steps: 1 })).rejects.toThrow(/2×2/);
    for (const m of [ae, wide, vae]) m.dispose();
  });
});

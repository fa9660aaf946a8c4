import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../core/memory';
import { sideReportSchema } from '../latent/compare/report';
import { analyseSide, DEFAULT_PANEL_OPTIONS } from '../latent/compare/run';
import { imageCompareDomain, pixelDistance, strokeThickness } from './compare-domain';
import { ImageAutoencoder } from './image-model';
import { readImageModelFolder } from './io-node';
import { loadMnist } from './mnist-node';
import { imageModelSpec } from './specs';

/** A 28×28 image with a filled rectangle (rows r0..r1, cols c0..c1, inclusive). */
function rect(r0: number, r1: number, c0: number, c1: number): Float32Array {
  const img = new Float32Array(784);
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) img[r * 28 + c] = 1;
  return img;
}

describe('image compare domain', () => {
  it('measures stroke thickness and pixel distance', () => {
    // A 3 × 20 bar: area 60, outline 46 → 2·60/46 ≈ 2.6 (→ 3 for long strokes).
    expect(strokeThickness(rect(4, 23, 10, 12))).toBeCloseTo(120 / 46, 10);
    expect(strokeThickness(rect(4, 23, 10, 15))).toBeGreaterThan(strokeThickness(rect(4, 23, 10, 12)));
    expect(strokeThickness(new Float32Array(784))).toBe(0);
    expect(pixelDistance(rect(0, 0, 0, 3), new Float32Array(784))).toBe(2);
  });

  it('feeds a denoiser its noisy input and gives items back from decodes', async () => {
    const mnist = await loadMnist();
    const model = ImageAutoencoder.create(imageModelSpec('denoise'), 3);
    const domain = imageCompareDomain(model, mnist.test, { count: 30 });
    expect(domain.posterior).toBeUndefined();
    expect(domain.labels.slice(0, 10)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(domain.defaultGroups).toEqual({ kind: 'label', a: '1', b: '7' });
    const before = liveTensorCount();
    const x = domain.inputTensor([0, 1]);
    const clean = Array.from(domain.item(0));
    const noisy = Array.from((await x.data()).subarray(0, 784));
    expect(noisy).not.toEqual(clean);
    const z = await model.encode(x);
    const out = await model.decode(z);
    const items = await domain.outputItems(out);
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveLength(784);
    tf.dispose([x, z, out]);
    expect(liveTensorCount()).toBe(before);
    model.dispose();
    expect(() => imageCompareDomain(model, mnist.test, { count: 2 })).toThrow(/from 3 to/);
  });

  it('runs every panel on the shipped 2-D VAE: both units active, smooth lerps, σ used', async () => {
    const mnist = await loadMnist();
    const model = await readImageModelFolder(path.join(process.cwd(), 'models', 'image', 'vae'));
    const domain = imageCompareDomain(model, mnist.test, { count: 400 });
    const before = liveTensorCount();
    const result = await analyseSide(
      'image',
      model,
      domain,
      { name: 'vae', description: 'shipped 2-D VAE' },
      { ...DEFAULT_PANEL_OPTIONS, umap: false, pairs: 6, priorDraws: 300, decodedDraws: 12 },
    );
    expect(liveTensorCount()).toBe(before);
    const r = sideReportSchema.parse(result.report);
    expect(r.model.hasSigma).toBe(true);
    expect(r.units?.active).toBe(2);
    expect(r.units?.kl?.every((k) => k > 0.5)).toBe(true);
    expect(r.map?.axes).toBe('code');
    expect(r.map?.labelAgreement.euclidean).toBeGreaterThan(3 * (r.map?.chance ?? 1));
    expect(r.paths?.smoothness.lerp.mean).toBeLessThan(0.5);
    expect(r.attributes?.measure.perStep.at(-1)).toBeGreaterThan(r.attributes?.measure.perStep[0] ?? 1);
    model.dispose();
  }, 120_000);
});

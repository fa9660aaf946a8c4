import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { drawingToDigit } from './draw';
import { ImageAutoencoder } from './image-model';
import { ImageLab } from './lab';
import type { ImageSet, ImageSplit } from './mnist';
import { IMAGE_PIXELS, imageModelSpec } from './specs';

function set(n: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const images = Float32Array.from({ length: n * IMAGE_PIXELS }, () => (rng.next() < 0.2 ? rng.next() : 0));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { images, labels, count: n, height: 28, width: 28 };
}

const data: ImageSplit = { train: set(200, 1), test: set(60, 2) };

describe('ImageLab', () => {
  it('answers every view for a 2-D VAE without leaking tensors', async () => {
    const lab = new ImageLab(data);
    lab.setModel(ImageAutoencoder.create(imageModelSpec('vae')));
    const before = liveTensorCount();
    const rec = await lab.reconstructions([0, 5, 7], 1);
    expect(rec.outputs).toHaveLength(3 * 784);
    expect(rec.corrupted).toBeNull();
    expect(rec.labels).toEqual([0, 5, 7]);
    expect(rec.psnr.every(Number.isFinite)).toBe(true);
    const scatter = await lab.scatter('umap');
    expect(scatter.method).toBe('code');
    expect(scatter.points).toHaveLength(120);
    const codes = await lab.testCodes();
    expect(Array.from(scatter.points)).toEqual(Array.from(codes.values));
    const grid = await lab.manifold(5, 2);
    expect(grid).toHaveLength(25 * 784);
    const g1 = await lab.generate(4, 9);
    const g2 = await lab.generate(4, 9);
    expect(Array.from(g1)).toEqual(Array.from(g2));
    const same = await lab.latentNoise(5, 0, 2, 1);
    const decoded = await lab.decodeCodes(codes.values.slice(10, 12), 1);
    expect(Array.from(same.subarray(0, 784))).toEqual(Array.from(decoded));
    const noisy = await lab.latentNoise(5, 1, 2, 1);
    expect(Array.from(noisy.subarray(0, 784))).not.toEqual(Array.from(decoded));
    const strip = await lab.interpolate(0, 1, 6, 'slerp');
    expect(strip).toHaveLength(6 * 784);
    const ink = new Float32Array(100 * 100);
    for (let y = 20; y < 80; y++) ink[y * 100 + 50] = 1;
    const drawn = await lab.drawn(ink, 100, 100);
    expect(drawn.code).toHaveLength(2);
    expect(drawn.point?.[0]).toBeCloseTo(drawn.code[0] ?? NaN, 5);
    const base = await lab.baseline(20);
    expect(base.kind).toBe('code');
    expect(base.k).toBe(2);
    expect(base.rows.map((r) => r.role)).toEqual(['pca', 'model']);
    expect(base.rows[0]?.mse).toBeGreaterThan(0);
    expect(base.rows[1]?.psnr).toBeGreaterThan(0);
    expect(liveTensorCount()).toBe(before);
    await expect(lab.manifold(1, 2)).rejects.toThrow(/grid size/);
    await expect(lab.reconstructions([60], 1)).rejects.toThrow(/from 0 to 59/);
    lab.dispose();
  });

  it('projects larger codes with PCA (and places a drawing with the same projection); refuses a manifold for them; leaks nothing', async () => {
    const before = liveTensorCount();
    const lab = new ImageLab(data);
    lab.setModel(ImageAutoencoder.create(imageModelSpec('superres-4x'), 3));
    const weights = liveTensorCount() - before;
    expect(weights).toBeGreaterThan(0);
    const rec = await lab.reconstructions([1], 1);
    expect(rec.inputSize).toBe(7);
    expect(rec.corrupted).toHaveLength(49);
    const point = await lab.reconstructions([1], 1, { kernel: 'point' });
    expect(Array.from(point.corrupted ?? [])).not.toEqual(Array.from(rec.corrupted ?? []));
    const phases: string[] = [];
    const scatter = await lab.scatter('pca', { onProgress: (label) => phases.push(label) });
    expect(scatter.method).toBe('pca');
    expect(scatter.points.every(Number.isFinite)).toBe(true);
    expect(phases[0]).toMatch(/^Encoding the test digits \(0 of 60\)/);
    expect(phases.at(-1)).toMatch(/^PCA of 60 codes of 784 numbers/);
    const ink = new Float32Array(28 * 28).fill(0);
    for (let x = 5; x < 20; x++) ink[14 * 28 + x] = 1;
    expect((await lab.drawn(ink, 28, 28)).point).not.toBeNull();
    await expect(lab.manifold(5, 2)).rejects.toThrow(/2-D code/);
    expect(liveTensorCount()).toBe(before + weights);
    lab.dispose();
    expect(liveTensorCount()).toBe(before);
  });

  it('compares super-resolution at its real bottleneck (the small input), never with 784 components', async () => {
    const lab = new ImageLab(data);
    lab.setModel(ImageAutoencoder.create(imageModelSpec('superres-2x'), 4));
    const progress: Array<[string, number | undefined]> = [];
    const base = await lab.baseline(20, { onProgress: (label, fraction) => progress.push([label, fraction]) });
    expect(base.kind).toBe('input');
    expect(base.k).toBe(196);
    expect(base.explanation).toMatch(/196 numbers are its real bottleneck/);
    expect(base.rows.map((r) => r.role)).toEqual(['pca', 'model', 'bilinear', 'bicubic']);
    const pca = base.rows[0];
    expect(pca?.psnr).toBeLessThan(60);
    expect(base.explained).toBeLessThan(1);
    expect(progress.some(([label, f]) => /Fitting PCA on/.test(label) && f === 0)).toBe(true);
    expect(progress.some(([label, f]) => /Fitting PCA on/.test(label) && f === 1)).toBe(true);
    lab.dispose();
  });

  it('gives the denoiser, which squeezes nothing, PCA denoising with the components that denoise training digits best', async () => {
    const lab = new ImageLab(data);
    lab.setModel(ImageAutoencoder.create(imageModelSpec('denoise'), 5));
    const base = await lab.baseline(20);
    expect(base.kind).toBe('none');
    expect(base.explanation).toMatch(/squeezes nothing/);
    expect(base.k).toBeGreaterThanOrEqual(1);
    expect(base.k).toBeLessThan(784);
    const [pca, , input] = base.rows;
    expect(input?.role).toBe('input');
    // PCA denoising must beat handing back the noisy digit (which is what all 784 components would do).
    expect(pca?.psnr).toBeGreaterThan(input?.psnr ?? Infinity);
    lab.dispose();
  });
});

describe('drawingToDigit', () => {
  it('scales the ink into a 20-pixel box centred by mass, like MNIST', () => {
    const w = 200;
    const ink = new Float32Array(w * w);
    for (let y = 10; y < 110; y++) for (let x = 10; x < 60; x++) ink[y * w + x] = 1;
    const d = drawingToDigit(ink, w, w);
    let rows = 0;
    let cols = 0;
    for (let y = 0; y < 28; y++) if (d.subarray(y * 28, y * 28 + 28).some((v) => v > 0.5)) rows++;
    for (let x = 0; x < 28; x++) if (Array.from({ length: 28 }, (_, y) => d[y * 28 + x] ?? 0).some((v) => v > 0.5)) cols++;
    expect(rows).toBe(20);
    expect(cols).toBe(10);
    expect(drawingToDigit(new Float32Array(16), 4, 4).every((v) => v === 0)).toBe(true);
    expect(() => drawingToDigit(new Float32Array(3), 2, 2)).toThrow(/width × height/);
  });
});

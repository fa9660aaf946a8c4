import { describe, expect, it } from 'vitest';
import { createRng } from '../core/random';
import { PCA } from 'ml-pca';
import { Matrix } from 'ml-matrix';
import { fitPcaAsync, pca2, pcaReconstruct, umap2, truncatePca, varyingColumns, type PcaProgress, type Rows } from './project';

/** Two clusters in 10-D that differ only along axis 3, plus small noise. */
function clusters(n: number, seed: number): { rows: Rows; labels: number[] } {
  const rng = createRng(seed);
  const dims = 10;
  const values = new Float32Array(n * dims);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels.push(label);
    for (let j = 0; j < dims; j++) values[i * dims + j] = 0.05 * rng.normal() + (j === 3 ? (label ? 5 : -5) : 0);
  }
  return { rows: { values, count: n, dims }, labels };
}

describe('projections', () => {
  it('PCA to 2-D separates clusters along the first component; 2-D codes pass through', () => {
    const { rows, labels } = clusters(60, 1);
    const proj = pca2(rows);
    const p = proj.points;
    expect(Array.from(proj.project({ values: rows.values.slice(0, 10), count: 1, dims: 10 }))).toEqual(Array.from(p.slice(0, 2)));
    expect(p).toHaveLength(120);
    const xs = labels.map((l, i) => ({ l, x: p[i * 2] ?? 0 }));
    const mean = (l: number): number => xs.filter((d) => d.l === l).reduce((s, d) => s + d.x, 0) / 30;
    expect(Math.abs(mean(0) - mean(1))).toBeGreaterThan(9);
    const two = { values: Float32Array.from([1, 2, 3, 4]), count: 2, dims: 2 };
    expect(Array.from(pca2(two).points)).toEqual([1, 2, 3, 4]);
    expect(() => pca2({ values: new Float32Array(5), count: 2, dims: 3 })).toThrow(/Expected 2 rows of 3 numbers/);
  });

  it('UMAP is seeded, reports progress, and keeps clusters apart', async () => {
    const { rows, labels } = clusters(80, 2);
    const progress: number[] = [];
    const a = (await umap2(rows, { seed: 3, onProgress: (f) => progress.push(f) })).points;
    const b = (await umap2(rows, { seed: 3 })).points;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(progress.at(-1)).toBeGreaterThan(0.9);
    // Each point's nearest neighbour in the embedding has the same label.
    let same = 0;
    for (let i = 0; i < rows.count; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < rows.count; j++) {
        if (i === j) continue;
        const d = ((a[i * 2] ?? 0) - (a[j * 2] ?? 0)) ** 2 + ((a[i * 2 + 1] ?? 0) - (a[j * 2 + 1] ?? 0)) ** 2;
        if (d < bestD) [best, bestD] = [j, d];
      }
      if (labels[best] === labels[i]) same++;
    }
    expect(same / rows.count).toBeGreaterThan(0.95);
    const controller = new AbortController();
    controller.abort();
    await expect(umap2(rows, { seed: 1, signal: controller.signal })).rejects.toThrow(/cancelled/);
  });

  it('PCA baseline reconstructs exactly with all components and approximately with one', async () => {
    const { rows } = clusters(40, 3);
    const full = await fitPcaAsync(rows, rows.dims);
    const back = pcaReconstruct(full, rows);
    back.forEach((v, i) => expect(v).toBeCloseTo(rows.values[i] ?? NaN, 3));
    const one = await fitPcaAsync(rows, 1);
    expect(one.explained).toBeGreaterThan(0.99);
    const approx = pcaReconstruct(one, rows);
    const err = approx.reduce((s, v, i) => s + (v - (rows.values[i] ?? 0)) ** 2, 0) / approx.length;
    expect(err).toBeLessThan(0.01);
    await expect(fitPcaAsync(rows, 11)).rejects.toThrow(/1 to 10 components/);
    expect(truncatePca(full, 1).components).toEqual(one.components);
    expect(truncatePca(full, 1).explained).toBeCloseTo(one.explained, 9);
  });

  it('projects codes whose first units never vary (dead ReLU units) to finite points, with PCA and UMAP', async () => {
    // Like the denoiser's 1,568-number codes: units 0 and 1 are 0 for every digit.
    const { rows, labels } = clusters(60, 4);
    const dims = 12;
    const values = new Float32Array(rows.count * dims);
    for (let i = 0; i < rows.count; i++) values.set(rows.values.subarray(i * 10, (i + 1) * 10), i * dims + 2);
    const dead = { values, count: rows.count, dims };
    const p = pca2(dead).points;
    expect(p.every(Number.isFinite)).toBe(true);
    const xs = labels.map((l, i) => ({ l, x: p[i * 2] ?? 0 }));
    const mean = (l: number): number => xs.filter((d) => d.l === l).reduce((s, d) => s + d.x, 0) / 30;
    expect(Math.abs(mean(0) - mean(1))).toBeGreaterThan(9);
    expect((await umap2(dead, { seed: 1 })).points.every(Number.isFinite)).toBe(true);
    // All codes equal: every point at the origin, not NaN.
    expect(Array.from(pca2({ values: new Float32Array(3 * 4).fill(0.5), count: 3, dims: 4 }).points)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(varyingColumns(dead)[0]).toBe(5); // the separating axis 3, shifted by the two dead units
    expect(varyingColumns(dead)).not.toContain(0);
    expect(() => pca2({ values: Float32Array.from([NaN, 1, 2, 3, 4, 5, 6, 7, 8]), count: 3, dims: 3 })).toThrow(/finite/);
  });

  it('fits the same basis as ml-pca (up to sign), in blocks with progress when asked', async () => {
    const { rows } = clusters(300, 5);
    const ours = await fitPcaAsync(rows, 3);
    const reference = new PCA(new Matrix(Array.from({ length: rows.count }, (_, i) => Array.from(rows.values.subarray(i * 10, (i + 1) * 10)))), {
      method: 'covarianceMatrix',
    });
    const vectors = reference.getEigenvectors();
    for (let c = 0; c < 3; c++) {
      const dot = Array.from({ length: 10 }, (_, j) => (ours.components[c * 10 + j] ?? 0) * vectors.get(j, c)).reduce((a, b) => a + b, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 4);
    }
    expect(ours.explained).toBeCloseTo(reference.getCumulativeVariance()[2] ?? NaN, 6);
    const progress: PcaProgress[] = [];
    const again = await fitPcaAsync(rows, 3, { onProgress: (p) => progress.push(p) });
    expect(Array.from(again.components)).toEqual(Array.from(ours.components));
    expect(progress.filter((p) => p.phase === 'covariance').map((p) => (p.phase === 'covariance' ? p.fraction : 0))).toEqual([256 / 300, 1]);
    expect(progress.at(-1)).toEqual({ phase: 'eigen' });
    const controller = new AbortController();
    controller.abort();
    await expect(fitPcaAsync(rows, 3, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

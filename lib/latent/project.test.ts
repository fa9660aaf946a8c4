import { describe, expect, it } from 'vitest';
import { createRng } from '../core/random';
import { fitPca, pca2, pcaReconstruct, umap2, type Rows } from './project';

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

  it('PCA baseline reconstructs exactly with all components and approximately with one', () => {
    const { rows } = clusters(40, 3);
    const full = fitPca(rows, rows.dims);
    const back = pcaReconstruct(full, rows);
    back.forEach((v, i) => expect(v).toBeCloseTo(rows.values[i] ?? NaN, 3));
    const one = fitPca(rows, 1);
    expect(one.explained).toBeGreaterThan(0.99);
    const approx = pcaReconstruct(one, rows);
    const err = approx.reduce((s, v, i) => s + (v - (rows.values[i] ?? 0)) ** 2, 0) / approx.length;
    expect(err).toBeLessThan(0.01);
    expect(() => fitPca(rows, 11)).toThrow(/1 to 10 components/);
  });
});

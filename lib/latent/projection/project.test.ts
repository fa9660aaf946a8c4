import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random';
import { pca2, umap2, varyingColumns, type Rows } from './project';

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
  it('PCA to 2-D separates clusters along the first component; 2-D codes pass through', async () => {
    const { rows, labels } = clusters(60, 1);
    const proj = await pca2(rows);
    const p = proj.points;
    expect(Array.from(proj.project({ values: rows.values.slice(0, 10), count: 1, dims: 10 }))).toEqual(Array.from(p.slice(0, 2)));
    expect(p).toHaveLength(120);
    const xs = labels.map((l, i) => ({ l, x: p[i * 2] ?? 0 }));
    const mean = (l: number): number => xs.filter((d) => d.l === l).reduce((s, d) => s + d.x, 0) / 30;
    expect(Math.abs(mean(0) - mean(1))).toBeGreaterThan(9);
    const two = { values: Float32Array.from([1, 2, 3, 4]), count: 2, dims: 2 };
    expect(Array.from((await pca2(two)).points)).toEqual([1, 2, 3, 4]);
    await expect(pca2({ values: new Float32Array(5), count: 2, dims: 3 })).rejects.toThrow(/Expected 2 rows of 3 numbers/);
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

  it('projects codes whose first units never vary (dead ReLU units) to finite points, with PCA and UMAP', async () => {
    // Like the denoiser's 1,568-number codes: units 0 and 1 are 0 for every digit.
    const { rows, labels } = clusters(60, 4);
    const dims = 12;
    const values = new Float32Array(rows.count * dims);
    for (let i = 0; i < rows.count; i++) values.set(rows.values.subarray(i * 10, (i + 1) * 10), i * dims + 2);
    const dead = { values, count: rows.count, dims };
    const p = (await pca2(dead)).points;
    expect(p.every(Number.isFinite)).toBe(true);
    const xs = labels.map((l, i) => ({ l, x: p[i * 2] ?? 0 }));
    const mean = (l: number): number => xs.filter((d) => d.l === l).reduce((s, d) => s + d.x, 0) / 30;
    expect(Math.abs(mean(0) - mean(1))).toBeGreaterThan(9);
    expect((await umap2(dead, { seed: 1 })).points.every(Number.isFinite)).toBe(true);
    // All codes equal: every point at the origin, not NaN.
    expect(Array.from((await pca2({ values: new Float32Array(3 * 4).fill(0.5), count: 3, dims: 4 })).points)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(varyingColumns(dead)[0]).toBe(5); // the separating axis 3, shifted by the two dead units
    expect(varyingColumns(dead)).not.toContain(0);
    await expect(pca2({ values: Float32Array.from([NaN, 1, 2, 3, 4, 5, 6, 7, 8]), count: 3, dims: 3 })).rejects.toThrow(/finite/);
  });
});

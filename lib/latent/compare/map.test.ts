import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../../core/memory';
import { createRng } from '../../core/random';
import type { EncodedSet } from './encode';
import { chanceAgreement, labelAgreement, mapPanel, nearestNeighbours, pcaPoints } from './map';
import { mapReportSchema } from './report';

function bruteForce(values: Float32Array, n: number, d: number, k: number, metric: 'cosine' | 'euclidean', i: number): number[] {
  const dist = (a: number, b: number): number => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const x = values[a * d + j] ?? 0;
      const y = values[b * d + j] ?? 0;
      dot += x * y;
      na += x * x;
      nb += y * y;
      sq += (x - y) ** 2;
    }
    return metric === 'cosine' ? 1 - dot / Math.sqrt(na * nb) : Math.sqrt(sq);
  };
  return Array.from({ length: n }, (_, j) => j)
    .filter((j) => j !== i)
    .sort((a, b) => dist(i, a) - dist(i, b))
    .slice(0, k);
}

/** Two clusters in `dims` dimensions, far apart along unit 0, labelled "left" and "right". */
function twoClusters(n: number, dims: number, seed: number): { set: EncodedSet; labels: string[] } {
  const rng = createRng(seed);
  const mean = new Float32Array(n * dims);
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    labels.push(i % 2 ? 'right' : 'left');
    for (let j = 0; j < dims; j++) mean[i * dims + j] = 0.3 * rng.normal() + (j === 0 ? (i % 2 ? 4 : -4) : 0) + (j === 1 ? 2 : 0);
  }
  return { set: { count: n, dims, mean, logVar: null }, labels };
}

describe('nearest neighbours', () => {
  it('agrees with brute force for both metrics and never returns the item itself', async () => {
    const rng = createRng(5);
    const n = 60;
    const d = 7;
    const values = rng.normalArray(n * d);
    const before = liveTensorCount();
    for (const metric of ['cosine', 'euclidean'] as const) {
      const nn = await nearestNeighbours(values, n, d, 5, metric, [0, 17, 59]);
      [0, 17, 59].forEach((item, r) => {
        const got = Array.from(nn.indices.subarray(r * 5, r * 5 + 5));
        expect(got).toEqual(bruteForce(values, n, d, 5, metric, item));
        expect(got).not.toContain(item);
      });
      const all = await nearestNeighbours(values, n, d, 3, metric);
      expect(all.indices).toHaveLength(n * 3);
    }
    const e = await nearestNeighbours(Float32Array.from([0, 0, 3, 4, 10, 0]), 3, 2, 1, 'euclidean', [0]);
    expect(e.distances[0]).toBeCloseTo(5, 5);
    expect(liveTensorCount()).toBe(before);
    await expect(nearestNeighbours(values, n, d, n, 'cosine')).rejects.toThrow(/from 1 to 59/);
  });

  it('measures label agreement against its chance level', () => {
    const labels = ['a', 'a', 'b', 'b'];
    expect(chanceAgreement(labels)).toBeCloseTo(1 / 3, 10);
    expect(labelAgreement({ k: 1, indices: Int32Array.from([1, 0, 3, 2]), distances: new Float32Array(4) }, labels)).toBe(1);
    expect(labelAgreement({ k: 1, indices: Int32Array.from([2, 3, 0, 1]), distances: new Float32Array(4) }, labels)).toBe(0);
  });
});

describe('map panel', () => {
  it('separates two clusters, says how much variance the picture keeps, and keeps neighbours in UMAP', async () => {
    const { set, labels } = twoClusters(120, 6, 1);
    const before = liveTensorCount();
    const epochs: number[] = [];
    const map = await mapPanel(set, labels, { k: 5, umap: true, seed: 2, onProgress: (p) => p.phase === 'umap' && epochs.push(p.done) });
    expect(liveTensorCount()).toBe(before);
    expect(() => mapReportSchema.parse(map.report)).not.toThrow();
    expect(map.report.axes).toBe('pca');
    expect(map.report.labelAgreement.euclidean).toBe(1);
    expect(map.report.labelAgreement.cosine).toBe(1);
    expect(map.report.pictureAgreement.pca).toBe(1);
    expect(map.report.pictureAgreement.umap).toBeGreaterThan(0.95);
    expect(map.report.chance).toBeCloseTo(59 / 119, 10);
    // Almost all variance is the ±4 split along unit 0: the first axis keeps it.
    expect(map.report.explained[0]).toBeGreaterThan(0.9);
    expect(map.report.explainedTotal).toBeLessThanOrEqual(1 + 1e-6);
    expect(map.umap).toHaveLength(240);
    expect(epochs.at(-1)).toBe(200);
  });

  it('shows 2-D codes as they are, with each axis’s share of the variance', async () => {
    const set: EncodedSet = { count: 4, dims: 2, mean: Float32Array.from([1, 0, -1, 0, 3, 1, -3, -1]), logVar: null };
    const { points, axes, explained } = await pcaPoints(set);
    expect(axes).toBe('code');
    expect(Array.from(points)).toEqual(Array.from(set.mean));
    expect(explained[0]).toBeCloseTo(5 / 5.5, 6);
    expect(explained[1]).toBeCloseTo(0.5 / 5.5, 6);
  });
});

import { describe, expect, it } from 'vitest';
import { UMAP } from 'umap-js';
import { createRng } from '../../core/random';
import { speedUpUmapFit } from './umap-fast-fit';

/** Three noisy clusters in 5-D with exact neighbours (brute force), as the Compare map gives them. */
function fixture(count: number, k: number): { rows: number[][]; indices: number[][]; distances: number[][] } {
  const rng = createRng(7);
  const rows = Array.from({ length: count }, (_, i) => Array.from({ length: 5 }, (_, d) => (d === i % 3 ? 4 : 0) + rng.next()));
  const indices: number[][] = [];
  const distances: number[][] = [];
  rows.forEach((p) => {
    const order = rows
      .map((q, j) => ({ j, d: Math.hypot(...p.map((v, t) => v - (q[t] ?? 0))) }))
      .sort((x, y) => x.d - y.d)
      .slice(0, k);
    indices.push(order.map((o) => o.j));
    distances.push(order.map((o) => o.d));
  });
  return { rows, indices, distances };
}

function layout(fast: boolean, count: number): number[][] {
  const { rows, indices, distances } = fixture(count, 8);
  const rng = createRng(3);
  const umap = new UMAP({ nComponents: 2, nNeighbors: 8, minDist: 0.1, nEpochs: 30, random: () => rng.next() });
  umap.setPrecomputedKNN(indices, distances);
  if (fast) {
    speedUpUmapFit(umap, count);
    // The fast set-up is really in place (not silently skipped).
    expect(Object.hasOwn(umap, 'fuzzySimplicialSet') && Object.hasOwn(umap, 'makeSearchGraph')).toBe(true);
  }
  const epochs = umap.initializeFit(rows);
  for (let e = 0; e < epochs; e++) umap.step();
  return umap.getEmbedding();
}

describe('speedUpUmapFit', () => {
  it('gives exactly the layout of umap-js’s own set-up', () => {
    const stock = layout(false, 150);
    const fast = layout(true, 150);
    expect(fast).toHaveLength(150);
    expect(fast).toEqual(stock);
    // And the layout is a real one: not all points in one place.
    const xs = fast.map((p) => p[0] ?? 0);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(1);
  });
});

/**
 * Two set-up steps of umap-js 1.4.0 (pinned) done faster, with the same result.
 *
 * umap-js symmetrises the neighbour graph (fuzzy union A + Aᵀ − A∘Aᵀ) with sparse matrices keyed
 * by strings ("row:col") and builds a second graph that only `transform()` (placing new points)
 * needs. For 2,000 points the two took about 3 of the 10 s of a layout. {@link speedUpUmapFit}
 * replaces them on one UMAP instance: the union is computed with numeric keys and the same
 * floating-point operations in the same order, and the search graph is left empty (the Compare
 * lab never calls `transform`). The layout is identical — a test compares it with the stock one.
 */
import type { UMAP } from 'umap-js';
import { SparseMatrix } from 'umap-js/dist/matrix';

/** The private members of umap-js's UMAP that the fast set-up reads or replaces. */
interface UmapInternals {
  knnIndices?: number[][];
  knnDistances?: number[][];
  localConnectivity: number;
  smoothKNNDistance(distances: number[][], k: number, localConnectivity?: number): { sigmas: number[]; rhos: number[] };
  computeMembershipStrengths(
    knnIndices: number[][],
    knnDistances: number[][],
    sigmas: number[],
    rhos: number[],
  ): { rows: number[]; cols: number[]; vals: number[] };
  fuzzySimplicialSet: (X: unknown, nNeighbors: number, setOpMixRatio?: number) => SparseMatrix;
  makeSearchGraph: (X: unknown) => SparseMatrix;
}

/**
 * Makes `umap.initializeFit` faster for a set of `count` points whose neighbours were given with
 * `setPrecomputedKNN`; the fitted layout is unchanged. `transform()` is not available afterwards.
 */
export function speedUpUmapFit(umap: UMAP, count: number): void {
  const u = umap as unknown as UmapInternals;
  if (typeof u.smoothKNNDistance !== 'function' || typeof u.computeMembershipStrengths !== 'function') {
    return; // A umap-js without these internals: keep its own set-up.
  }
  u.makeSearchGraph = () => new SparseMatrix([], [], [], [count, count]);
  u.fuzzySimplicialSet = (_x, nNeighbors, setOpMixRatio = 1) => {
    const knnIndices = u.knnIndices ?? [];
    const knnDistances = u.knnDistances ?? [];
    const { sigmas, rhos } = u.smoothKNNDistance(knnDistances, nNeighbors, u.localConnectivity);
    const { rows, cols, vals } = u.computeMembershipStrengths(knnIndices, knnDistances, sigmas, rhos);
    // A: the directed memberships (a later entry for the same cell wins, as in SparseMatrix).
    const a = new Map<number, number>();
    for (let i = 0; i < vals.length; i++) a.set((rows[i] ?? 0) * count + (cols[i] ?? 0), vals[i] ?? 0);
    const outRows: number[] = [];
    const outCols: number[] = [];
    const outVals: number[] = [];
    const done = new Set<number>();
    const cell = (r: number, c: number): void => {
      const key = r * count + c;
      if (done.has(key)) return;
      done.add(key);
      const x = a.get(key) ?? 0;
      const y = a.get(c * count + r) ?? 0;
      const product = x * y;
      // umap-js: add(multiplyScalar(subtract(add(A, Aᵀ), A∘Aᵀ), mix), multiplyScalar(A∘Aᵀ, 1 − mix)).
      outRows.push(r);
      outCols.push(c);
      outVals.push((x + y - product) * setOpMixRatio + product * (1 - setOpMixRatio));
    };
    for (const key of a.keys()) {
      const r = Math.floor(key / count);
      const c = key - r * count;
      cell(r, c);
      cell(c, r);
    }
    return new SparseMatrix(outRows, outCols, outVals, [count, count]);
  };
}

/**
 * 2-D views of codes and the PCA baseline, written once for image and music codes alike.
 * PCA comes from ml-pca (mljs), UMAP from umap-js (PAIR): maintained, dependency-light, pure JS,
 * so both run in a Web Worker and in Node.
 */
import { EVD, Matrix } from 'ml-matrix';
import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { CancelledError, InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';

/** `count` rows of `dims` numbers, row-major. */
export interface Rows {
  values: Float32Array;
  count: number;
  dims: number;
}

function check(rows: Rows): void {
  if (!Number.isInteger(rows.count) || !Number.isInteger(rows.dims) || rows.count < 1 || rows.dims < 1 || rows.values.length !== rows.count * rows.dims) {
    throw new InvalidInputError(`Expected ${rows.count} rows of ${rows.dims} numbers (${rows.count * rows.dims} values); got ${rows.values.length}.`);
  }
}

/** The rows as a matrix, keeping only the columns `cols` (all when absent), in that order. */
function toMatrix(rows: Rows, cols?: readonly number[]): Matrix {
  const keep = cols ?? Array.from({ length: rows.dims }, (_, j) => j);
  const m = new Matrix(rows.count, keep.length);
  for (let i = 0; i < rows.count; i++) {
    const o = i * rows.dims;
    keep.forEach((j, c) => m.set(i, c, rows.values[o + j] ?? 0));
  }
  return m;
}

/**
 * The columns that vary, the most varying first. A column that is the same in every row (a code
 * unit that never fires, common in ReLU codes) carries nothing for PCA — and NIPALS, which starts
 * from the first column, divides by zero on one (every point became NaN: the scatter stayed empty).
 */
export function varyingColumns(rows: Rows): number[] {
  check(rows);
  const { values, count, dims } = rows;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dims; j++) {
      const v = values[i * dims + j] ?? 0;
      mean[j] = (mean[j] ?? 0) + v;
      sq[j] = (sq[j] ?? 0) + v * v;
    }
  }
  const variance = Array.from({ length: dims }, (_, j) => Math.max(0, (sq[j] ?? 0) / count - ((mean[j] ?? 0) / count) ** 2));
  const scale = Math.max(...variance, 0);
  return variance
    .map((v, j) => ({ v, j }))
    .filter(({ v }) => v > scale * 1e-12 && v > 0)
    .sort((a, b) => b.v - a.v)
    .map(({ j }) => j);
}

function checkFinite(points: Float32Array, what: string): Float32Array {
  if (!points.every(Number.isFinite)) throw new InvalidInputError(`${what} gave non-finite coordinates (the codes may hold NaN or infinite values).`);
  return points;
}

function fromMatrix(m: Matrix, cols: number): Float32Array {
  const out = new Float32Array(m.rows * cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = m.get(i, j);
  return out;
}

/** A 2-D layout of some rows, and the same mapping for new rows (e.g. a drawn digit's code). */
export interface Projection {
  points: Float32Array;
  project(rows: Rows): Float32Array;
}

/**
 * Points `[x0, y0, x1, y1, …]`. Codes of 2 numbers are shown as they are; larger ones by PCA
 * (NIPALS, the 2 leading components only, so it is fast on 1,000-number codes too).
 */
export function pca2(rows: Rows): Projection {
  check(rows);
  if (rows.dims <= 2) {
    const pad = (r: Rows): Float32Array => {
      check(r);
      return r.dims === 2 ? r.values.slice() : Float32Array.from({ length: r.count * 2 }, (_, i) => (i % 2 === 0 ? (r.values[i / 2] ?? 0) : 0));
    };
    return { points: pad(rows), project: pad };
  }
  if (rows.count < 3) throw new InvalidInputError('PCA needs at least 3 points.');
  if (!rows.values.every(Number.isFinite)) throw new InvalidInputError('PCA needs finite codes; some are NaN or infinite.');
  const cols = varyingColumns(rows);
  if (cols.length === 0) {
    // Every code is the same point: show them all at the origin.
    const origin = (r: Rows): Float32Array => {
      check(r);
      return new Float32Array(r.count * 2);
    };
    return { points: origin(rows), project: origin };
  }
  const components = Math.min(2, cols.length);
  const pca = new PCA(toMatrix(rows, cols), { method: 'NIPALS', nCompNIPALS: components });
  const project = (r: Rows): Float32Array => {
    check(r);
    if (r.dims !== rows.dims) throw new InvalidInputError(`The projection was fitted on ${rows.dims} numbers per row; got ${r.dims}.`);
    const p = fromMatrix(pca.predict(toMatrix(r, cols), { nComponents: components }), components);
    return checkFinite(components === 2 ? p : Float32Array.from({ length: r.count * 2 }, (_, i) => (i % 2 === 0 ? (p[i / 2] ?? 0) : 0)), 'PCA');
  };
  return { points: project(rows), project };
}

export interface UmapOptions {
  seed: number;
  neighbors?: number;
  minDist?: number;
  signal?: AbortSignal;
  /** Called with 0..1 as the layout optimises. */
  onProgress?: (fraction: number) => void;
}

/**
 * UMAP to 2-D (seeded, so the same codes give the same picture). Codes of more than 50 numbers
 * are first reduced to 50 by PCA (standard practice; it also makes neighbour search fast).
 */
export async function umap2(rows: Rows, options: UmapOptions): Promise<Projection> {
  check(rows);
  const neighbors = Math.min(options.neighbors ?? 15, rows.count - 1);
  if (neighbors < 2) throw new InvalidInputError('UMAP needs at least 3 points.');
  if (!rows.values.every(Number.isFinite)) throw new InvalidInputError('UMAP needs finite codes; some are NaN or infinite.');
  const cols = varyingColumns(rows);
  if (cols.length === 0) {
    // Every code is the same point: nothing to lay out.
    const origin = (r: Rows): Float32Array => {
      check(r);
      return new Float32Array(r.count * 2);
    };
    return { points: origin(rows), project: origin };
  }
  const reduced = Math.min(50, cols.length);
  const reducer = cols.length > 50 ? new PCA(toMatrix(rows, cols), { method: 'NIPALS', nCompNIPALS: reduced }) : undefined;
  const reduce = (r: Rows): Matrix => (reducer ? reducer.predict(toMatrix(r, cols), { nComponents: reduced }) : toMatrix(r, cols));
  const input = reduce(rows);
  const rng = createRng(options.seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: neighbors, minDist: options.minDist ?? 0.1, random: () => rng.next() });
  const epochs = umap.initializeFit(input.to2DArray());
  for (let i = 0; i < epochs; i++) {
    umap.step();
    if (i % 10 === 9) {
      if (options.signal?.aborted) throw new CancelledError('The UMAP projection');
      options.onProgress?.((i + 1) / epochs);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  const flat = (points: number[][]): Float32Array => {
    const out = new Float32Array(points.length * 2);
    points.forEach((p, i) => {
      out[i * 2] = p[0] ?? 0;
      out[i * 2 + 1] = p[1] ?? 0;
    });
    return out;
  };
  return {
    points: checkFinite(flat(umap.getEmbedding()), 'UMAP'),
    project: (r) => {
      check(r);
      if (r.dims !== rows.dims) throw new InvalidInputError(`The projection was fitted on ${rows.dims} numbers per row; got ${r.dims}.`);
      return checkFinite(flat(umap.transform(reduce(r).to2DArray())), 'UMAP');
    },
  };
}

/** A PCA fitted on data: mean and the top `k` principal directions, for the "PCA at the same code size" baseline. */
export interface PcaBasis {
  mean: Float32Array;
  /** `k × dims`, row-major, unit rows. */
  components: Float32Array;
  k: number;
  dims: number;
  /** Fraction of the variance the k components keep. */
  explained: number;
  /** Every component's variance (eigenvalue), largest first — `dims` values, so the basis can be cut to fewer components. */
  spectrum: Float64Array;
}

/** Progress of {@link fitPcaAsync}: the covariance pass can be counted; the eigen-decomposition cannot. */
export type PcaProgress = { phase: 'covariance'; fraction: number } | { phase: 'eigen' };

/**
 * The mean and the upper triangle of the covariance matrix (divided by count − 1), a block of rows
 * at a time; yields the fraction done after each block.
 */
function* covarianceSteps(rows: Rows, out: { mean: Float64Array; cov: Float64Array }): Generator<number> {
  const { values, count, dims } = rows;
  const { mean, cov } = out;
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) mean[j] = (mean[j] ?? 0) + (values[i * dims + j] ?? 0) / count;
  const centred = new Float64Array(dims);
  const block = 256;
  for (let start = 0; start < count; start += block) {
    for (let i = start; i < Math.min(count, start + block); i++) {
      for (let j = 0; j < dims; j++) centred[j] = (values[i * dims + j] ?? 0) - (mean[j] ?? 0);
      for (let a = 0; a < dims; a++) {
        const ca = centred[a] ?? 0;
        if (ca === 0) continue;
        const row = a * dims;
        for (let b = a; b < dims; b++) cov[row + b] = (cov[row + b] ?? 0) + ca * (centred[b] ?? 0);
      }
    }
    yield Math.min(1, (start + block) / count);
  }
}

function basisFromCovariance(rows: Rows, k: number, mean: Float64Array, cov: Float64Array): PcaBasis {
  const { count, dims } = rows;
  const m = new Matrix(dims, dims);
  const denominator = Math.max(1, count - 1);
  for (let a = 0; a < dims; a++) {
    for (let b = a; b < dims; b++) {
      const v = (cov[a * dims + b] ?? 0) / denominator;
      m.set(a, b, v);
      m.set(b, a, v);
    }
  }
  const evd = new EVD(m, { assumeSymmetric: true });
  // ml-matrix sorts eigenvalues ascending: the largest are last.
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => y.v - x.v);
  const total = values.reduce((sum, v) => sum + Math.max(0, v), 0);
  const components = new Float32Array(k * dims);
  let kept = 0;
  for (let c = 0; c < k; c++) {
    const { v, i } = order[c] ?? { v: 0, i: 0 };
    kept += Math.max(0, v);
    for (let j = 0; j < dims; j++) components[c * dims + j] = vectors.get(j, i);
  }
  const spectrum = Float64Array.from(order, (o) => Math.max(0, o.v));
  return { mean: Float32Array.from(mean), components, k, dims, explained: total > 0 ? kept / total : NaN, spectrum };
}

/** The same PCA with only its first `k` components (k ≤ basis.k). */
export function truncatePca(basis: PcaBasis, k: number): PcaBasis {
  if (!Number.isInteger(k) || k < 1 || k > basis.k) throw new InvalidInputError(`This PCA has ${basis.k} components; cannot keep ${k}.`);
  const total = basis.spectrum.reduce((a, b) => a + b, 0);
  const kept = basis.spectrum.subarray(0, k).reduce((a, b) => a + b, 0);
  return { ...basis, k, components: basis.components.subarray(0, k * basis.dims), explained: total > 0 ? kept / total : NaN };
}

function checkK(rows: Rows, k: number): void {
  check(rows);
  if (!Number.isInteger(k) || k < 1 || k > rows.dims) throw new InvalidInputError(`PCA can keep 1 to ${rows.dims} components; asked for ${k}.`);
}

/**
 * Fits PCA exactly (covariance matrix, then its eigenvectors with ml-matrix's symmetric EVD) and
 * keeps the top `k` components; yields between blocks of rows, reports progress and can be
 * cancelled. The covariance is accumulated in plain loops (ml-pca's own pass over a transposed
 * view took 70 s for 8,000 digits; this takes a few seconds).
 */
export async function fitPcaAsync(rows: Rows, k: number, options: { onProgress?: (p: PcaProgress) => void; signal?: AbortSignal } = {}): Promise<PcaBasis> {
  checkK(rows, k);
  const acc = { mean: new Float64Array(rows.dims), cov: new Float64Array(rows.dims * rows.dims) };
  for (const fraction of covarianceSteps(rows, acc)) {
    if (options.signal?.aborted) throw new CancelledError('Fitting PCA');
    options.onProgress?.({ phase: 'covariance', fraction });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  options.onProgress?.({ phase: 'eigen' });
  await new Promise((resolve) => setTimeout(resolve, 0));
  return basisFromCovariance(rows, k, acc.mean, acc.cov);
}

/** Projects onto the basis and back: the best rank-k linear reconstruction. */
export function pcaReconstruct(basis: PcaBasis, rows: Rows): Float32Array {
  check(rows);
  if (rows.dims !== basis.dims) throw new InvalidInputError(`The PCA was fitted on ${basis.dims} numbers per row; got ${rows.dims}.`);
  const { mean, components, k, dims } = basis;
  const out = new Float32Array(rows.values.length);
  const centered = new Float32Array(dims);
  for (let i = 0; i < rows.count; i++) {
    for (let j = 0; j < dims; j++) centered[j] = (rows.values[i * dims + j] ?? 0) - (mean[j] ?? 0);
    const o = i * dims;
    for (let j = 0; j < dims; j++) out[o + j] = mean[j] ?? 0;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += (centered[j] ?? 0) * (components[c * dims + j] ?? 0);
      for (let j = 0; j < dims; j++) out[o + j] = (out[o + j] ?? 0) + dot * (components[c * dims + j] ?? 0);
    }
  }
  return out;
}

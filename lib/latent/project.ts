/**
 * 2-D views of codes and the PCA baseline, written once for image and music codes alike.
 * PCA comes from ml-pca (mljs), UMAP from umap-js (PAIR): maintained, dependency-light, pure JS,
 * so both run in a Web Worker and in Node.
 */
import { Matrix } from 'ml-matrix';
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

function toMatrix(rows: Rows): Matrix {
  const m = new Matrix(rows.count, rows.dims);
  for (let i = 0; i < rows.count; i++) for (let j = 0; j < rows.dims; j++) m.set(i, j, rows.values[i * rows.dims + j] ?? 0);
  return m;
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
  const pca = new PCA(toMatrix(rows), { method: 'NIPALS', nCompNIPALS: 2 });
  const project = (r: Rows): Float32Array => {
    check(r);
    if (r.dims !== rows.dims) throw new InvalidInputError(`The projection was fitted on ${rows.dims} numbers per row; got ${r.dims}.`);
    return fromMatrix(pca.predict(toMatrix(r), { nComponents: 2 }), 2);
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
  const reducer = rows.dims > 50 ? new PCA(toMatrix(rows), { method: 'NIPALS', nCompNIPALS: 50 }) : undefined;
  const reduce = (r: Rows): Matrix => (reducer ? reducer.predict(toMatrix(r), { nComponents: 50 }) : toMatrix(r));
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
    points: flat(umap.getEmbedding()),
    project: (r) => {
      check(r);
      if (r.dims !== rows.dims) throw new InvalidInputError(`The projection was fitted on ${rows.dims} numbers per row; got ${r.dims}.`);
      return flat(umap.transform(reduce(r).to2DArray()));
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
}

/** Fits PCA (covariance method: exact) and keeps the top `k` components. */
export function fitPca(rows: Rows, k: number): PcaBasis {
  check(rows);
  if (!Number.isInteger(k) || k < 1 || k > rows.dims) throw new InvalidInputError(`PCA can keep 1 to ${rows.dims} components; asked for ${k}.`);
  const pca = new PCA(toMatrix(rows), { method: 'covarianceMatrix' });
  const vectors = pca.getEigenvectors(); // dims × dims, columns sorted by eigenvalue
  const components = new Float32Array(k * rows.dims);
  for (let c = 0; c < k; c++) for (let j = 0; j < rows.dims; j++) components[c * rows.dims + j] = vectors.get(j, c);
  const mean = new Float32Array(rows.dims);
  for (let i = 0; i < rows.count; i++) for (let j = 0; j < rows.dims; j++) mean[j] = (mean[j] ?? 0) + (rows.values[i * rows.dims + j] ?? 0) / rows.count;
  return { mean, components, k, dims: rows.dims, explained: pca.getCumulativeVariance()[k - 1] ?? NaN };
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

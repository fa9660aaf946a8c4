/**
 * 2-D views of rows (codes) that can also place new rows (e.g. a drawn digit's code) where the
 * fitted ones are: PCA (./pca) and UMAP (umap-js, PAIR: maintained, dependency-light, pure JS, so it
 * runs in a Web Worker and in Node), written once for every domain.
 */
import { UMAP } from 'umap-js';
import { CancelledError, InvalidInputError } from '../../core/errors';
import { createRng } from '../../core/random';
import { principalComponents, projectOnComponents } from './pca';

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

/** A 2-D layout of some rows, and the same mapping for new rows (e.g. a drawn digit's code). */
export interface Projection {
  points: Float32Array;
  project(rows: Rows): Float32Array;
}

/** Every row at the origin (rows that do not vary have nothing to lay out). */
function origin(r: Rows): Float32Array {
  check(r);
  return new Float32Array(r.count * 2);
}

/** Only the columns `cols` of the rows, in that order. */
function columns(r: Rows, cols: readonly number[]): Float32Array {
  const out = new Float32Array(r.count * cols.length);
  for (let i = 0; i < r.count; i++) cols.forEach((j, c) => (out[i * cols.length + c] = r.values[i * r.dims + j] ?? 0));
  return out;
}

/**
 * Points `[x0, y0, x1, y1, …]`. Codes of 2 numbers are shown as they are; larger ones by their two
 * principal components (./pca), the columns that never vary left out.
 */
export async function pca2(rows: Rows): Promise<Projection> {
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
  if (cols.length === 0) return { points: origin(rows), project: origin };
  const components = Math.min(2, cols.length);
  const pcs = await principalComponents(columns(rows, cols), rows.count, cols.length, components);
  const project = (r: Rows): Float32Array => {
    check(r);
    if (r.dims !== rows.dims) throw new InvalidInputError(`The projection was fitted on ${rows.dims} numbers per row; got ${r.dims}.`);
    const p = projectOnComponents(columns(r, cols), r.count, pcs);
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
  // Every code the same point: nothing to lay out.
  if (cols.length === 0) return { points: origin(rows), project: origin };
  const reduced = Math.min(50, cols.length);
  const reducer = cols.length > 50 ? await principalComponents(columns(rows, cols), rows.count, cols.length, reduced, { seed: options.seed }) : undefined;
  const reduce = (r: Rows): number[][] => {
    const flat = reducer ? projectOnComponents(columns(r, cols), r.count, reducer) : columns(r, cols);
    return Array.from({ length: r.count }, (_, i) => Array.from(flat.subarray(i * reduced, (i + 1) * reduced)));
  };
  const rng = createRng(options.seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: neighbors, minDist: options.minDist ?? 0.1, random: () => rng.next() });
  const epochs = umap.initializeFit(reduce(rows));
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
      return checkFinite(flat(umap.transform(reduce(r))), 'UMAP');
    },
  };
}

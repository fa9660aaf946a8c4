/**
 * The Map panel: the set's codes in 2-D (PCA with the share of variance each axis keeps, and
 * UMAP), nearest neighbours in z by cosine or Euclidean distance (as TensorFlow's Embedding
 * Projector shows them), and how often neighbours share a label — in z and in each 2-D picture.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors';
import { pca2, umap2 } from '../project';
import { checkCancelled, type EncodedSet, type WorkOptions } from './encode';
import type { NeighbourMetric } from './options';
import type { MapReport } from './report';

/** The k nearest items of each query: indices `[queries × k]` (nearest first) and their distances. */
export interface Neighbours {
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

/**
 * The `k` nearest neighbours in `values` (`count × dims`, row-major) of each item in `queries`
 * (default: all), never the item itself. Cosine distance = 1 − cosine similarity; Euclidean is the
 * straight-line distance. Runs as matrix products on the TF.js backend, in chunks; leaves no tensors.
 */
export async function nearestNeighbours(values: Float32Array, count: number, dims: number, k: number, metric: NeighbourMetric, queries?: readonly number[]): Promise<Neighbours> {
  if (values.length !== count * dims) throw new InvalidInputError(`Expected ${count} codes of ${dims} numbers; got ${values.length} values.`);
  if (!Number.isInteger(k) || k < 1 || k > count - 1) throw new InvalidInputError(`The number of neighbours must be from 1 to ${count - 1}; got ${k}.`);
  const q = queries ?? Array.from({ length: count }, (_, i) => i);
  for (const i of q) if (!Number.isInteger(i) || i < 0 || i >= count) throw new InvalidInputError(`Item ${i} does not exist (the set has ${count}).`);
  const indices = new Int32Array(q.length * k);
  const distances = new Float32Array(q.length * k);
  const all = tf.tensor2d(values, [count, dims]);
  const prepared = tf.tidy(() => {
    if (metric === 'cosine') return { base: tf.div(all, tf.add(tf.norm(all, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D, sq: undefined };
    return { base: all.clone(), sq: tf.sum(tf.square(all), 1) };
  });
  const chunk = Math.max(1, Math.floor(4_000_000 / count));
  try {
    for (let start = 0; start < q.length; start += chunk) {
      const ids = q.slice(start, start + chunk);
      const [vals, idx] = tf.tidy(() => {
        const idsT = tf.tensor1d(ids, 'int32');
        const rows = tf.gather(prepared.base, idsT);
        let score: tf.Tensor2D = tf.matMul(rows, prepared.base, false, true);
        if (prepared.sq) score = tf.sub(tf.mul(score, 2), prepared.sq) as tf.Tensor2D; // −‖m‖² + 2q·m = −d² + ‖q‖²
        const self = tf.cast(tf.oneHot(idsT, count), 'float32');
        score = tf.sub(score, tf.mul(self, 1e30)) as tf.Tensor2D;
        const top = tf.topk(score, k, true);
        const rowSq = prepared.sq ? tf.gather(prepared.sq, idsT).expandDims(1) : undefined;
        const dist = rowSq ? tf.sqrt(tf.relu(tf.sub(rowSq, top.values))) : tf.sub(1, top.values);
        return [dist, top.indices];
      });
      try {
        const [dv, iv] = await Promise.all([vals.data(), idx.data()]);
        distances.set(dv, start * k);
        indices.set(iv, start * k);
      } finally {
        tf.dispose([vals, idx]);
      }
    }
  } finally {
    tf.dispose([all, prepared.base, prepared.sq]);
  }
  return { k, indices, distances };
}

/** Mean share of each item's neighbours that carry its label. */
export function labelAgreement(neighbours: Neighbours, labels: readonly string[], queries?: readonly number[]): number {
  const q = queries ?? labels.map((_, i) => i);
  let same = 0;
  q.forEach((item, r) => {
    for (let j = 0; j < neighbours.k; j++) if (labels[neighbours.indices[r * neighbours.k + j] ?? -1] === labels[item]) same++;
  });
  return q.length ? same / (q.length * neighbours.k) : NaN;
}

/** The agreement random neighbours would give: the chance that another item has an item's label. */
export function chanceAgreement(labels: readonly string[]): number {
  const n = labels.length;
  if (n < 2) return NaN;
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let pairs = 0;
  for (const c of counts.values()) pairs += c * (c - 1);
  return pairs / (n * (n - 1));
}

/** Population variance of column `j`. */
function columnVariance(values: Float32Array, count: number, dims: number, j: number): number {
  let mean = 0;
  for (let i = 0; i < count; i++) mean += values[i * dims + j] ?? 0;
  mean /= count;
  let v = 0;
  for (let i = 0; i < count; i++) v += ((values[i * dims + j] ?? 0) - mean) ** 2;
  return v / count;
}

/**
 * 2-D points of the codes (the codes themselves when they have ≤ 2 numbers, else their two
 * principal components) and the share of the codes' total variance along each axis.
 */
export function pcaPoints(set: EncodedSet): { points: Float32Array; axes: 'code' | 'pca'; explained: [number, number] } {
  const { count, dims, mean } = set;
  let total = 0;
  for (let j = 0; j < dims; j++) total += columnVariance(mean, count, dims, j);
  const projection = pca2({ values: mean, count, dims });
  const points = projection.points;
  const share = (j: number): number => (total > 0 ? columnVariance(points, count, 2, j) / total : 0);
  return { points, axes: dims <= 2 ? 'code' : 'pca', explained: [share(0), share(1)] };
}

export interface MapResult {
  report: MapReport;
  /** `[x0, y0, x1, y1, …]` of the PCA (or code) picture and of the UMAP picture (null unless asked for). */
  pca: Float32Array;
  umap: Float32Array | null;
}

/**
 * The Map panel for an encoded set: PCA picture and variance explained, optional UMAP picture
 * (seeded; its progress is reported in epochs), neighbour label agreement in z for both metrics
 * and in each picture, and the chance level.
 */
export async function mapPanel(set: EncodedSet, labels: readonly string[], options: WorkOptions & { k: number; umap: boolean; seed: number }): Promise<MapResult> {
  if (labels.length !== set.count) throw new InvalidInputError(`Expected ${set.count} labels; got ${labels.length}.`);
  const k = Math.min(options.k, set.count - 1);
  const { points, axes, explained } = pcaPoints(set);
  checkCancelled(options.signal, 'The map');
  options.onProgress?.({ phase: 'map', label: 'Finding neighbours in z', done: 0, total: 3 });
  const cosine = labelAgreement(await nearestNeighbours(set.mean, set.count, set.dims, k, 'cosine'), labels);
  options.onProgress?.({ phase: 'map', label: 'Finding neighbours in z', done: 1, total: 3 });
  const euclidean = labelAgreement(await nearestNeighbours(set.mean, set.count, set.dims, k, 'euclidean'), labels);
  options.onProgress?.({ phase: 'map', label: 'Finding neighbours in z', done: 2, total: 3 });
  const pcaAgreement = labelAgreement(await nearestNeighbours(points, set.count, 2, k, 'euclidean'), labels);
  options.onProgress?.({ phase: 'map', label: 'Finding neighbours in z', done: 3, total: 3 });
  let umap: Float32Array | null = null;
  let umapAgreement: number | null = null;
  if (options.umap) {
    checkCancelled(options.signal, 'The map');
    const projection = await umap2(
      { values: set.mean, count: set.count, dims: set.dims },
      { seed: options.seed, signal: options.signal, onProgress: (f) => options.onProgress?.({ phase: 'umap', label: 'UMAP layout (epochs)', done: Math.round(f * 100), total: 100 }) },
    );
    umap = projection.points;
    umapAgreement = labelAgreement(await nearestNeighbours(umap, set.count, 2, k, 'euclidean'), labels);
  }
  return {
    report: {
      axes,
      explained,
      explainedTotal: explained[0] + explained[1],
      k,
      labelAgreement: { cosine, euclidean },
      chance: chanceAgreement(labels),
      pictureAgreement: { pca: pcaAgreement, umap: umapAgreement },
    },
    pca: points,
    umap,
  };
}

/**
 * The Map panel: the set's codes in 2-D (PCA with the share of variance each axis keeps, and
 * UMAP), nearest neighbours in z by cosine or Euclidean distance (as TensorFlow's Embedding
 * Projector shows them), and how often neighbours share a label — in z and in each 2-D picture.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors';
import { UMAP } from 'umap-js';
import { createRng } from '../../core/random';
import { checkCancelled, type EncodedSet, type WorkOptions } from './encode';
import { principalComponents, projectOnComponents } from './pca';
import { yieldToEventLoop } from './stats';
import { speedUpUmapFit } from './umap-fast-fit';
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
export async function nearestNeighbours(
  values: Float32Array,
  count: number,
  dims: number,
  k: number,
  metric: NeighbourMetric,
  queries?: readonly number[],
): Promise<Neighbours> {
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

/**
 * 2-D points of the codes (the codes themselves when they have ≤ 2 numbers, else their two
 * principal components) and the share of the codes' total variance along each axis.
 */
export async function pcaPoints(set: EncodedSet): Promise<{ points: Float32Array; axes: 'code' | 'pca'; explained: [number, number] }> {
  const { count, dims, mean } = set;
  if (dims <= 2) {
    const pcs = await principalComponents(mean, count, dims, dims);
    const points = dims === 2 ? mean.slice() : Float32Array.from({ length: count * 2 }, (_, i) => (i % 2 === 0 ? (mean[i / 2] ?? 0) : 0));
    // The axes are the units themselves: their own variances, not the components'.
    const variance = (j: number): number => {
      let m = 0;
      for (let i = 0; i < count; i++) m += points[i * 2 + j] ?? 0;
      m /= count;
      let v = 0;
      for (let i = 0; i < count; i++) v += ((points[i * 2 + j] ?? 0) - m) ** 2;
      return v / count;
    };
    const total = pcs.totalVariance;
    return { points, axes: 'code', explained: [total > 0 ? variance(0) / total : 0, total > 0 ? variance(1) / total : 0] };
  }
  const pcs = await principalComponents(mean, count, dims, 2);
  const total = pcs.totalVariance;
  return {
    points: projectOnComponents(mean, count, pcs),
    axes: 'pca',
    explained: [total > 0 ? (pcs.variances[0] ?? 0) / total : 0, total > 0 ? (pcs.variances[1] ?? 0) / total : 0],
  };
}

/** Neighbours UMAP looks at per point (the point itself included, as umap-learn counts them). */
export const UMAP_NEIGHBOURS = 15;
/** Optimisation epochs of the UMAP layout (umap-learn uses 200 for large sets; the picture settles well before). */
export const UMAP_EPOCHS = 200;

/**
 * A seeded UMAP layout (umap-js) of the codes. Codes of more than 50 numbers are first reduced to
 * their 50 principal components (standard practice), and the exact nearest neighbours are computed
 * here as matrix products instead of umap-js's approximate search (faster, and the same every run);
 * umap-js's graph set-up runs through {@link speedUpUmapFit} (same layout, a third faster).
 * Progress is reported in epochs; cancellable between epochs.
 */
export async function umapLayout(set: EncodedSet, options: WorkOptions & { seed: number; epochs?: number }): Promise<Float32Array> {
  const { count } = set;
  if (count < 4) throw new InvalidInputError('UMAP needs at least 4 codes.');
  let values = set.mean;
  let dims = set.dims;
  if (dims > 50) {
    values = projectOnComponents(values, count, await principalComponents(values, count, dims, 50, { seed: options.seed }));
    dims = 50;
  }
  const k = Math.min(UMAP_NEIGHBOURS, count - 1);
  const nn = await nearestNeighbours(values, count, dims, k - 1, 'euclidean');
  const knnIndices = Array.from({ length: count }, (_, i) => [i, ...Array.from(nn.indices.subarray(i * (k - 1), (i + 1) * (k - 1)))]);
  const knnDistances = Array.from({ length: count }, (_, i) => [0, ...Array.from(nn.distances.subarray(i * (k - 1), (i + 1) * (k - 1)))]);
  const rng = createRng(options.seed);
  const epochs = options.epochs ?? UMAP_EPOCHS;
  const umap = new UMAP({ nComponents: 2, nNeighbors: k, minDist: 0.1, nEpochs: epochs, random: () => rng.next() });
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  speedUpUmapFit(umap, count);
  const rows = Array.from({ length: count }, (_, i) => Array.from(values.subarray(i * dims, (i + 1) * dims)));
  const total = umap.initializeFit(rows);
  for (let e = 0; e < total; e++) {
    umap.step();
    if (e % 10 === 9 || e === total - 1) {
      checkCancelled(options.signal, 'The UMAP layout');
      options.onProgress?.({ phase: 'umap', label: 'UMAP layout (epochs)', done: e + 1, total });
      await yieldToEventLoop();
    }
  }
  const out = new Float32Array(count * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[i * 2] = p[0] ?? 0;
    out[i * 2 + 1] = p[1] ?? 0;
  });
  return out;
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
export async function mapPanel(
  set: EncodedSet,
  labels: readonly string[],
  options: WorkOptions & { k: number; umap: boolean; seed: number },
): Promise<MapResult> {
  if (labels.length !== set.count) throw new InvalidInputError(`Expected ${set.count} labels; got ${labels.length}.`);
  const k = Math.min(options.k, set.count - 1);
  const { points, axes, explained } = await pcaPoints(set);
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
    umap = await umapLayout(set, options);
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

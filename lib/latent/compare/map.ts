/**
 * The Map panel: the set's codes in 2-D (PCA with the share of variance each axis keeps, and
 * UMAP), nearest neighbours in z by cosine or Euclidean distance (as TensorFlow's Embedding
 * Projector shows them), and how often neighbours share a label — in z and in each 2-D picture.
 */
import { InvalidInputError } from '../../core/errors';
import { nearestNeighbours, type Neighbours } from '../projection/neighbours';
import { principalComponents, projectOnComponents } from '../projection/pca';
import { umapLayout } from '../projection/umap';
import { checkCancelled, type EncodedSet, type WorkOptions } from './encode';
import type { MapReport } from './report';

export { nearestNeighbours, type Neighbours };

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
    umap = await umapLayout(
      { values: set.mean, count: set.count, dims: set.dims },
      {
        seed: options.seed,
        signal: options.signal,
        onProgress: (done, total) => options.onProgress?.({ phase: 'umap', label: 'UMAP layout (epochs)', done, total }),
      },
    );
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

/**
 * Nearest neighbours among rows (codes, 2-D points) by cosine or Euclidean distance, as matrix
 * products on the TF.js backend: the Compare lab's neighbour lists and agreement numbers, and the
 * exact neighbour graph UMAP starts from.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors';

import type { NeighbourMetric } from './metrics';

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

/**
 * UMAP layouts (umap-js, seeded): the fast one for pictures of a whole set (exact neighbours from
 * matrix products, umap-js's set-up through {@link speedUpUmapFit}), shared by the Compare lab and
 * the labs' scatter plots. (./project's `umap2` keeps umap-js's own search graph, which it needs to
 * place new points.)
 */
import { UMAP } from 'umap-js';
import { CancelledError, InvalidInputError } from '../../core/errors';
import { createRng } from '../../core/random';
import { nearestNeighbours } from './neighbours';
import { principalComponents, projectOnComponents } from './pca';
import type { Rows } from './project';
import { speedUpUmapFit } from './umap-fast-fit';

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
export async function umapLayout(
  rows: Rows,
  options: { seed: number; epochs?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<Float32Array> {
  const { count } = rows;
  if (count < 4) throw new InvalidInputError('UMAP needs at least 4 codes.');
  let values = rows.values;
  let dims = rows.dims;
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
  const input = Array.from({ length: count }, (_, i) => Array.from(values.subarray(i * dims, (i + 1) * dims)));
  const total = umap.initializeFit(input);
  for (let e = 0; e < total; e++) {
    umap.step();
    if (e % 10 === 9 || e === total - 1) {
      if (options.signal?.aborted) throw new CancelledError('The UMAP layout');
      options.onProgress?.(e + 1, total);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  const out = new Float32Array(count * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[i * 2] = p[0] ?? 0;
    out[i * 2 + 1] = p[1] ?? 0;
  });
  return out;
}

/**
 * Work of the Compare lab in a worker thread (see compare-threads.ts). Either a side — load its
 * model and data, say so, wait for "go", run its panels (sending the codes out as soon as they
 * exist when its map is computed elsewhere) and post the report — or a map: the Map panel of codes
 * sent by a side. Node gives each thread its own TF.js (WASM) instance, so the work spreads over
 * the cores.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import type { LatentModel } from '../lib/core/latent-model';
import { mapPanel } from '../lib/latent/compare/map';
import { COMPARE_PANELS } from '../lib/latent/compare/options';
import { analyseSide } from '../lib/latent/compare/run';
import { loadImageSide, loadMusicSide, type LoadedSide } from './compare-sides';
import { threadTaskSchema, type ThreadMessage } from './compare-threads';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('compare-thread.ts runs as a worker thread.');
  const post = (m: ThreadMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  try {
    const task = threadTaskSchema.parse(workerData);
    await initNodeBackend(task.backend);
    if (task.kind === 'map') {
      const t0 = performance.now();
      const { set, labels, options } = task;
      const map = await mapPanel({ count: set.count, dims: set.dims, mean: set.mean, logVar: null }, labels, {
        k: options.k,
        umap: options.umap,
        seed: options.seed,
      });
      post({ type: 'map', report: map.report, seconds: (performance.now() - t0) / 1000 });
      return;
    }
    const { job, options, mapElsewhere } = task;
    const run = async <X extends Tensor, Item>(side: LoadedSide<X, Item, LatentModel<X>>): Promise<void> => {
      try {
        post({ type: 'loaded', loadSeconds: side.loadSeconds, notes: side.notes });
        await new Promise<void>((resolve) => port.once('message', () => resolve()));
        const result = await analyseSide(
          side.name,
          side.model,
          side.domain,
          side.description,
          { ...options, panels: COMPARE_PANELS.filter((p) => !(mapElsewhere && p === 'map')) },
          {
            onProgress: (p) => post({ type: 'progress', progress: p }),
            onEncoded: (set) => {
              if (mapElsewhere)
                post({ type: 'encoded', set: { count: set.count, dims: set.dims, mean: set.mean.slice() }, labels: side.domain.labels.slice() });
            },
          },
        );
        post({ type: 'done', report: result.report });
      } finally {
        side.model.dispose();
      }
    };
    if (job.side === 'image') await run(await loadImageSide(job.model, job.n));
    else await run(await loadMusicSide(job.model, { dataDir: job.dataDir, n: job.n, seed: job.seed, label: job.label }));
  } catch (error) {
    post({ type: 'error', message: describeError(error) });
  }
}

void main();

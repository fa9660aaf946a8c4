/**
 * One side of the Compare lab in a worker thread (see compare-threads.ts): loads its model and
 * data, says so, waits for "go", runs every panel and posts the report. Node gives each thread its
 * own TF.js (WASM) instance, so the image and music sides can use both cores.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import { analyseSide } from '../lib/latent/compare/run';
import type { LatentModel } from '../lib/core/latent-model';
import { loadImageSide, loadMusicSide, type LoadedSide } from './compare-sides';
import { threadJobSchema, type ThreadMessage } from './compare-threads';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('compare-thread.ts runs as a worker thread.');
  const post = (m: ThreadMessage): void => port.postMessage(m);
  try {
    const { job, options, backend } = threadJobSchema.parse(workerData);
    await initNodeBackend(backend);
    const run = async <X extends Tensor, Item>(side: LoadedSide<X, Item, LatentModel<X>>): Promise<void> => {
      try {
        post({ type: 'loaded', loadSeconds: side.loadSeconds, notes: side.notes });
        await new Promise<void>((resolve) => port.once('message', () => resolve()));
        const result = await analyseSide(job.side, side.model, side.domain, side.description, options, { onProgress: (p) => post({ type: 'progress', progress: p }) });
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

/**
 * Peers of a {@link ParallelTrainer} as Node worker threads (train:music --workers N, bench:train):
 * each runs lib/music/train-worker.ts on its own TF.js backend.
 */
import { Worker } from 'node:worker_threads';
import type { PeerEndpoint, SpawnPeer } from './train-parallel';

export const nodeTrainPeer: SpawnPeer = (index): PeerEndpoint => {
  // The worker's TypeScript is compiled on the fly by tsx, as the training CLI's own code is.
  const entry = new URL('./train-worker.ts', import.meta.url).pathname;
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)}).startTrainWorker();`;
  const worker = new Worker(boot, { eval: true });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen(onMessage, onFailure) {
      worker.on('message', onMessage);
      worker.on('error', onFailure);
      worker.on('exit', (code) => onFailure(new Error(`Training worker ${index} stopped (exit code ${code}).`)));
    },
    async terminate() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
};

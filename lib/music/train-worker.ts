/**
 * A data-parallel training worker thread in Node (see train-parallel.ts): its own TF.js backend and
 * copy of the model; computes the gradient of its share of each batch and applies the summed step
 * like every other participant.
 */
import { parentPort } from 'node:worker_threads';
import { initNodeBackend } from '../core/backend-node';
import { trainPeerHandler, type ToWorker } from './train-parallel';

/** Runs the worker loop on `parentPort` (called by the bootstrap in train-parallel-node.ts). */
export function startTrainWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('startTrainWorker runs in a worker thread.');
  const peer = trainPeerHandler(async (backend) => {
    await initNodeBackend(backend);
  });
  port.on('message', (message: ToWorker) =>
    peer.serve(
      message,
      (reply, transfer) => port.postMessage(reply, transfer),
      () => port.close(),
    ),
  );
}

/**
 * Peers of a {@link ParallelTrainer} as Web Workers, for fine-tuning in the model worker on every core
 * the browser reports. The worker file itself is app/_workers/train-peer.worker.ts (the bundler needs
 * `new Worker(new URL(…))` written where the file lives); the model worker hands its factory over
 * with {@link provideTrainPeers}.
 */
import * as tf from '@tensorflow/tfjs';
import type { PeerEndpoint, SpawnPeer } from './train-parallel';

/** At most this many participants (this worker included): each holds a copy of the model and Adam's state. */
export const MAX_TRAIN_PARTICIPANTS = 4;

let create: (() => Worker) | undefined;

/** Called once by the model worker with a factory of peer workers. */
export function provideTrainPeers(factory: () => Worker): void {
  create = factory;
}

const browserPeer =
  (factory: () => Worker): SpawnPeer =>
  (index): PeerEndpoint => {
    const worker = factory();
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      listen(onMessage, onFailure) {
        worker.addEventListener('message', (event: MessageEvent<unknown>) => onMessage(event.data));
        worker.addEventListener('error', (event: ErrorEvent) => {
          event.preventDefault();
          onFailure(new Error(`Training peer ${index} failed: ${event.message || 'the worker did not start'}.`));
        });
        worker.addEventListener('messageerror', () => onFailure(new Error(`Training peer ${index} sent a message that could not be read.`)));
      },
      terminate: async () => worker.terminate(),
    };
  };

/**
 * How steps can be shared here: on the WASM and CPU backends (one thread each), one participant per
 * core the browser reports, up to {@link MAX_TRAIN_PARTICIPANTS}; on a GPU backend, or with one core,
 * or without peer workers, none (one participant).
 */
export function browserParallelism(cores: number = globalThis.navigator?.hardwareConcurrency ?? 1): { participants: number; spawn?: SpawnPeer } {
  const backend = tf.getBackend();
  const participants = Math.max(1, Math.min(MAX_TRAIN_PARTICIPANTS, Math.floor(cores)));
  if (!create || (backend !== 'wasm' && backend !== 'cpu') || participants < 2) return { participants: 1 };
  return { participants, spawn: browserPeer(create) };
}

/// <reference lib="webworker" />
/**
 * A fine-tuning peer (lib/music/train-parallel.ts): started by the model worker, one per extra core;
 * its own TF.js on the model worker's backend, a copy of the model, and its share of every step.
 */
import { initBrowserBackend } from '@/lib/core/backend-browser';
import { trainPeerHandler, type ToWorker } from '@/lib/music/train-parallel';

const scope = self as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
  close(): void;
};

const peer = trainPeerHandler(async (backend) => {
  const choice = await initBrowserBackend({ override: backend });
  if (choice.backend !== backend) throw new Error(`This peer runs ${choice.backend}, the model worker ${backend}.`);
});

scope.addEventListener('message', (event) =>
  peer.serve(
    event.data,
    (reply, transfer) => scope.postMessage(reply, transfer),
    () => scope.close(),
  ),
);

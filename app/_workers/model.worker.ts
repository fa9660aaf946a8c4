/// <reference lib="webworker" />
/**
 * The model worker: all TF.js work of a page runs here, so the page never freezes. It starts the
 * fastest backend for this browser (see lib/core/backend-browser.ts) on request, and passes every
 * other request to the worker part that declared it (lib/domains/workers: one per domain, plus the
 * Compare lab) through lib/domains/router — no domain is named here.
 */
import { initBrowserBackend } from '@/lib/core/backend-browser';
import { createRequestRouter } from '@/lib/domains/router';
import type { WorkerMessage } from '@/lib/domains/types';
import { WORKER_PARTS } from '@/lib/domains/workers';
import { provideTrainPeers } from '@/lib/music/train-peer-browser';
import { initRequestSchema, memoryRequestSchema, type WorkerResponse } from './protocol';
import { workerMemory } from './worker-memory';

const scope = self as unknown as {
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<unknown>) => void): void;
};
const post = (message: WorkerMessage, transfer: Transferable[] = []): void => scope.postMessage(message as WorkerResponse, transfer);

// Fine-tuning shares its steps with peer workers, one per extra core (lib/music/train-peer-browser.ts).
provideTrainPeers(() => new Worker(new URL('./train-peer.worker.ts', import.meta.url), { type: 'module', name: 'latent-lab-train-peer' }));

const router = createRequestRouter(WORKER_PARTS, post, async (data) => {
  const memory = memoryRequestSchema.safeParse(data);
  if (memory.success) {
    post({ id: memory.data.id, type: 'memory:done', memory: await workerMemory() } as WorkerResponse);
    return true;
  }
  const init = initRequestSchema.safeParse(data);
  if (!init.success) return false;
  const t0 = performance.now();
  const choice = await initBrowserBackend({ override: init.data.override, cached: init.data.cached });
  post({ id: init.data.id, type: 'init:done', info: { ...choice, initMs: performance.now() - t0 } } as WorkerResponse);
  return true;
});

scope.addEventListener('message', (event) => void router.handle(event.data));

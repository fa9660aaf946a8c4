/// <reference lib="webworker" />
/**
 * The model worker: all TF.js work of a page runs here, so the page never freezes.
 * It starts the fastest backend for this browser (see lib/core/backend-browser.ts) on request.
 */
import { initBrowserBackend } from '@/lib/core/backend-browser';
import { describeError } from '@/lib/core/errors';
import { handleCompareRequest, isCompareRequest } from './compare-handlers';
import { handleImageRequest } from './image-handlers';
import { handleMusicRequest, isMusicRequest } from './music-handlers';
import { workerRequestSchema, type WorkerResponse } from './protocol';

const scope = self as unknown as {
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<unknown>) => void): void;
};
const post = (message: WorkerResponse, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);
/** Long requests that can be cancelled, by request id. */
const running = new Map<number, AbortController>();

scope.addEventListener('message', (event) => {
  const parsed = workerRequestSchema.safeParse(event.data);
  if (!parsed.success) {
    const id = typeof event.data === 'object' && event.data !== null && 'id' in event.data && typeof event.data.id === 'number' ? event.data.id : -1;
    scope.postMessage({ id, type: 'error', name: 'InvalidInputError', message: `The model worker got a malformed request: ${parsed.error.message}` });
    return;
  }
  const request = parsed.data;
  if (request.type === 'cancel') {
    running.get(request.target)?.abort();
    post({ id: request.id, type: 'ok' });
    return;
  }
  const controller = new AbortController();
  running.set(request.id, controller);
  void (async () => {
    try {
      if (request.type === 'init') {
        const t0 = performance.now();
        const choice = await initBrowserBackend({ override: request.override, cached: request.cached });
        post({ id: request.id, type: 'init:done', info: { ...choice, initMs: performance.now() - t0 } });
      } else if (isCompareRequest(request)) {
        await handleCompareRequest(request, post, controller.signal);
      } else if (isMusicRequest(request)) {
        await handleMusicRequest(request, post, controller.signal);
      } else {
        await handleImageRequest(request, post, controller.signal);
      }
    } catch (error) {
      post({
        id: request.id,
        type: 'error',
        name: error instanceof Error ? error.name : 'Error',
        message: describeError(error),
      });
    } finally {
      running.delete(request.id);
    }
  })();
});

/// <reference lib="webworker" />
/**
 * The model worker: all TF.js work of a page runs here, so the page never freezes.
 * It starts the fastest backend for this browser (see lib/core/backend-browser.ts) on request.
 */
import { initBrowserBackend } from '@/lib/core/backend-browser';
import { describeError } from '@/lib/core/errors';
import { workerRequestSchema, type WorkerResponse } from './protocol';

const scope = self as unknown as { postMessage(message: WorkerResponse): void; addEventListener(type: 'message', listener: (e: MessageEvent<unknown>) => void): void };

scope.addEventListener('message', (event) => {
  const parsed = workerRequestSchema.safeParse(event.data);
  if (!parsed.success) {
    const id = typeof event.data === 'object' && event.data !== null && 'id' in event.data && typeof event.data.id === 'number' ? event.data.id : -1;
    scope.postMessage({ id, type: 'error', name: 'InvalidInputError', message: `The model worker got a malformed request: ${parsed.error.message}` });
    return;
  }
  const request = parsed.data;
  void (async () => {
    try {
      switch (request.type) {
        case 'init': {
          const t0 = performance.now();
          const choice = await initBrowserBackend({ override: request.override, cached: request.cached });
          scope.postMessage({ id: request.id, type: 'init:done', info: { ...choice, initMs: performance.now() - t0 } });
          break;
        }
      }
    } catch (error) {
      scope.postMessage({
        id: request.id,
        type: 'error',
        name: error instanceof Error ? error.name : 'Error',
        message: describeError(error),
      });
    }
  })();
});

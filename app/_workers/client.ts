'use client';
/**
 * The page side of the model worker: one worker per tab, created on first use (never at import
 * time, so server rendering and `next build` never touch it), with typed request/response calls.
 */
import type { BackendName } from '@/lib/core/backend-names';
import type { BackendInfo, WorkerRequest, WorkerResponse } from './protocol';
import { ReplyRouter, WorkerError } from './replies';

export { WorkerError } from './replies';

let worker: Worker | undefined;
let nextId = 1;
const pending = new ReplyRouter();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'latent-lab-model' });
  w.addEventListener('message', (event: MessageEvent<unknown>) => pending.handle(event.data));
  w.addEventListener('messageerror', () => {
    pending.failAll(new WorkerError('WorkerError', 'A message from the model worker could not be read. Reload the page to try again.'));
  });
  w.addEventListener('error', (event) => {
    pending.failAll(new WorkerError('WorkerError', `The model worker crashed: ${event.message || 'unknown error'}. Reload the page to try again.`));
    worker = undefined;
  });
  worker = w;
  return w;
}

export type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A request in flight: its id (for `cancelRequest`) and its final answer. */
export interface Call {
  id: number;
  done: Promise<WorkerResponse>;
}

/** Sends a request; `onEvent` receives progress messages (training batches, UMAP progress) until it settles. */
export function startCall(body: RequestBody, onEvent?: (r: WorkerResponse) => void, transfer: Transferable[] = []): Call {
  const id = nextId++;
  const done = new Promise<WorkerResponse>((resolve, reject) => {
    pending.add(id, { resolve, reject, onEvent });
    getWorker().postMessage({ ...body, id } as WorkerRequest, transfer);
  });
  return { id, done };
}

function call(body: RequestBody): Promise<WorkerResponse> {
  return startCall(body).done;
}

/** Sends a request and checks the answer's type; throws WorkerError for errors or surprises. */
export async function request<T extends WorkerResponse['type']>(
  body: RequestBody,
  expected: T,
  onEvent?: (r: WorkerResponse) => void,
): Promise<Extract<WorkerResponse, { type: T }>> {
  const r = await startCall(body, onEvent).done;
  if (r.type !== expected) throw new WorkerError('WorkerError', `Unexpected worker answer "${r.type}" (expected "${expected}").`);
  return r as Extract<WorkerResponse, { type: T }>;
}

/** Asks the worker to stop request `target` between steps (it then answers as cancelled). */
export function cancelRequest(target: number): void {
  void call({ type: 'cancel', target }).catch(() => undefined);
}

let init: Promise<BackendInfo> | undefined;

/** Starts the worker's TF.js backend once per tab; later calls share the result. */
export function initModelWorker(options: { override?: BackendName; cached?: BackendName }): Promise<BackendInfo> {
  init ??= call({ type: 'init', ...options }).then((r) => {
    if (r.type !== 'init:done') throw new WorkerError('WorkerError', `Unexpected worker answer "${r.type}" to init.`);
    return r.info;
  });
  init.catch(() => {
    init = undefined;
  });
  return init;
}

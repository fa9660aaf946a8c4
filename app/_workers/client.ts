'use client';
/**
 * The page side of the model worker: one worker per tab, created on first use (never at import
 * time, so server rendering and `next build` never touch it), with typed request/response calls.
 */
import type { BackendName } from '@/lib/core/backend-names';
import { STREAMED_RESPONSES, workerResponseSchema, type BackendInfo, type WorkerRequest, type WorkerResponse } from './protocol';

/** An error that happened inside the worker, re-thrown on the page with the worker's name for it. */
export class WorkerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Pending = { resolve(r: WorkerResponse): void; reject(e: Error): void; onEvent?: (r: WorkerResponse) => void };

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'latent-lab-model' });
  w.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = workerResponseSchema.safeParse(event.data);
    if (!parsed.success) return;
    const entry = pending.get(parsed.data.id);
    if (!entry) return;
    if (STREAMED_RESPONSES.has(parsed.data.type)) {
      entry.onEvent?.(parsed.data);
      return;
    }
    pending.delete(parsed.data.id);
    if (parsed.data.type === 'error') entry.reject(new WorkerError(parsed.data.name, parsed.data.message));
    else entry.resolve(parsed.data);
  });
  w.addEventListener('error', (event) => {
    const error = new WorkerError('WorkerError', `The model worker crashed: ${event.message || 'unknown error'}. Reload the page to try again.`);
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
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
    pending.set(id, { resolve, reject, onEvent });
    getWorker().postMessage({ ...body, id } as WorkerRequest, transfer);
  });
  return { id, done };
}

function call(body: RequestBody): Promise<WorkerResponse> {
  return startCall(body).done;
}

/** Sends a request and checks the answer's type; throws WorkerError for errors or surprises. */
export async function request<T extends WorkerResponse['type']>(body: RequestBody, expected: T, onEvent?: (r: WorkerResponse) => void): Promise<Extract<WorkerResponse, { type: T }>> {
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

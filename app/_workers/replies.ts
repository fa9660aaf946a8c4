/**
 * Matching the model worker's replies to the page's requests (no Worker here, so it is unit-tested
 * in Node). Every reply is validated; a reply that does not match the protocol rejects the request
 * it names — a request is never left waiting forever — and one that names no request rejects every
 * waiting one (the worker is not speaking the protocol any more).
 */
import { STREAMED_RESPONSES, workerResponseSchema, type WorkerResponse } from './protocol';

/** An error that happened inside the worker (or in talking to it), re-thrown on the page with the worker's name for it. */
export class WorkerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface Pending {
  resolve(r: WorkerResponse): void;
  reject(e: Error): void;
  onEvent?: (r: WorkerResponse) => void;
}

export class ReplyRouter {
  private readonly pending = new Map<number, Pending>();

  get size(): number {
    return this.pending.size;
  }

  add(id: number, entry: Pending): void {
    this.pending.set(id, entry);
  }

  /** Routes one message from the worker: progress to `onEvent`, the final answer or error to its request. */
  handle(data: unknown): void {
    const parsed = workerResponseSchema.safeParse(data);
    if (!parsed.success) {
      const id = typeof data === 'object' && data !== null && 'id' in data && typeof data.id === 'number' ? data.id : undefined;
      const type = typeof data === 'object' && data !== null && 'type' in data && typeof data.type === 'string' ? `"${data.type}"` : 'without a type';
      const issue = parsed.error.issues[0];
      const error = new WorkerError(
        'WorkerError',
        `The model worker sent a malformed reply (${type}${issue ? `; ${issue.path.join('.') || 'message'}: ${issue.message}` : ''}). Reload the page; if it happens again, please report it.`,
      );
      if (id !== undefined && this.pending.has(id)) this.settle(id, error);
      else if (id === undefined) this.failAll(error);
      return;
    }
    const entry = this.pending.get(parsed.data.id);
    if (!entry) return;
    if (STREAMED_RESPONSES.has(parsed.data.type)) {
      entry.onEvent?.(parsed.data);
      return;
    }
    this.pending.delete(parsed.data.id);
    if (parsed.data.type === 'error') entry.reject(new WorkerError(parsed.data.name, parsed.data.message));
    else entry.resolve(parsed.data);
  }

  /** Rejects every waiting request (e.g. the worker crashed). */
  failAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }

  private settle(id: number, error: Error): void {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    entry?.reject(error);
  }
}

/**
 * The model worker's request router: a handler registry in place of a chain of `if`s. Every worker
 * part declares the request types it answers (zod schemas); the router checks each incoming message
 * against the schema of its type, runs the part's handler with a cancellation signal, turns any
 * thrown error into an `error` answer, and answers `cancel` itself. It knows no domain and no
 * Worker: the model worker passes `self.postMessage`, tests pass a recorder.
 */
import { describeError } from '../core/errors';
import type { z } from 'zod';
import type { CompareSideLoader, HandlerContext, MessageSchema, Post, WorkerMessage, WorkerPart, WorkerProtocol } from './types';

/** The type literal of a message schema (`image:load`). */
export function messageType(schema: MessageSchema): string {
  return schema.shape.type.value;
}

/** A request the router answers itself (backend start-up, cancellation) or passes on. */
export type BuiltIn = (request: unknown, post: Post) => Promise<boolean>;

export interface RequestRouter {
  /** Handles one raw message from the page; resolves when its answer was posted. */
  handle(data: unknown): Promise<void>;
  /** Every request type the router can answer. */
  readonly types: readonly string[];
}

const idOf = (data: unknown): number => (typeof data === 'object' && data !== null && 'id' in data && typeof data.id === 'number' ? data.id : -1);
const typeOf = (data: unknown): string | undefined =>
  typeof data === 'object' && data !== null && 'type' in data && typeof data.type === 'string' ? data.type : undefined;

/**
 * A router over `parts`. `builtIn` (e.g. the backend's `init`) sees each message first and returns
 * true when it answered it. Two parts claiming one request type is a programming error, thrown here.
 */
export function createRequestRouter(parts: readonly WorkerPart[], post: Post, builtIn?: BuiltIn): RequestRouter {
  const routes = new Map<string, { part: WorkerPart; schema: MessageSchema }>();
  for (const part of parts)
    for (const schema of part.protocol.requests) {
      const type = messageType(schema);
      const other = routes.get(type);
      if (other) throw new Error(`Worker parts "${other.part.protocol.id}" and "${part.protocol.id}" both answer "${type}".`);
      routes.set(type, { part, schema });
    }
  /** Long requests that can be cancelled, by request id. */
  const running = new Map<number, AbortController>();
  const fail = (id: number, error: unknown): void =>
    post({ id, type: 'error', name: error instanceof Error ? error.name : 'Error', message: describeError(error) } as WorkerMessage);

  return {
    types: [...routes.keys(), 'cancel'],
    async handle(data) {
      const id = idOf(data);
      const type = typeOf(data);
      if (id < 0 || type === undefined) {
        post({
          id,
          type: 'error',
          name: 'InvalidInputError',
          message: 'The model worker got a malformed request: it needs a numeric id and a type.',
        } as WorkerMessage);
        return;
      }
      if (type === 'cancel') {
        const target = typeof data === 'object' && data !== null && 'target' in data ? data.target : undefined;
        if (typeof target === 'number') running.get(target)?.abort();
        post({ id, type: 'ok' } as WorkerMessage);
        return;
      }
      try {
        if (builtIn && (await builtIn(data, post))) return;
      } catch (error) {
        fail(id, error);
        return;
      }
      const route = routes.get(type);
      if (!route) {
        post({
          id,
          type: 'error',
          name: 'InvalidInputError',
          message: `The model worker got a malformed request: it does not know "${type}" (known: ${[...routes.keys()].sort().join(', ')}).`,
        } as WorkerMessage);
        return;
      }
      const parsed = route.schema.safeParse(data);
      if (!parsed.success) {
        post({ id, type: 'error', name: 'InvalidInputError', message: `The model worker got a malformed request: ${parsed.error.message}` } as WorkerMessage);
        return;
      }
      const controller = new AbortController();
      running.set(id, controller);
      const context: HandlerContext = { post, signal: controller.signal, parts };
      try {
        await route.part.handle(parsed.data as unknown as WorkerMessage, context);
      } catch (error) {
        fail(id, error);
      } finally {
        running.delete(id);
      }
    },
  };
}

/**
 * A worker part whose handler sees its own requests typed (the router has checked them against
 * `protocol.requests` before the call).
 */
export function defineWorkerPart<P extends WorkerProtocol>(part: {
  protocol: P;
  handle(request: z.output<P['requests'][number]>, context: HandlerContext): Promise<void>;
  compare?: Readonly<Record<string, CompareSideLoader>>;
  dispose?(): void;
}): WorkerPart {
  return part as WorkerPart;
}

/** `post` typed to a part's answers (plus the shared `ok` and `error`). */
export function typedPost<R extends WorkerMessage>(post: Post): (message: R, transfer?: Transferable[]) => void {
  return post;
}

/**
 * A session's live events as Server-Sent Events. On connect the listener gets either the events
 * it missed (it sends the last id it saw, as `Last-Event-ID` or `?since=`) or, for a fresh
 * connection, a `snapshot` of the whole gallery; then every change as it commits. Ids are the
 * session's gap-free event sequence numbers, so a listener never misses or repeats an event: a
 * gap in what the bus delivers is filled from the store's log.
 *
 * Headers: `Cache-Control: no-cache, no-transform` (no proxy buffers or compresses the stream), a
 * `: ping` comment every 15 s keeps idle connections open, and everything is released when the
 * client goes away (`request.signal` aborts) or the stream is cancelled.
 */
import 'server-only';
import { ClassroomError } from './errors';
import { errorResponse } from './http';
import type { BusMessage } from './events';
import type { ClassroomEvent } from './schema';
import type { ClassroomService, Viewer } from './service';
import type { StoredEvent } from './store';
import { projectEvent } from './views';

export const HEARTBEAT_MS = 15_000;
/** Events read from the log per query while catching up. */
const PAGE = 500;
/** A listener this many chunks behind is cut off; it reconnects and catches up from the log. */
const MAX_BACKLOG = 2000;
/**
 * Frames for one listener are written together at most this often: in a busy class (40 students
 * submitting and voting at once) each listener receives ~100 events a second, and every write to a
 * response stream costs the server far more than the bytes (a web-stream chunk, a socket write).
 * Writing what gathered in the last few milliseconds as one chunk cut the server's CPU per event
 * several times for an unnoticeable delay (docs/classroom.md, bench:classroom).
 */
export const FLUSH_MS = 20;

export interface EventStreamOptions {
  /** The last event id the client saw (`Last-Event-ID` header or `since` query), if any. */
  lastEventId: string | null;
  /** The client's address (for the rate limit of requests without a valid token). */
  address?: string;
  signal: AbortSignal;
  heartbeatMs?: number;
}

/** How each open stream ends itself. */
const openStreams = new Set<() => void>();
let shutdownHooked = false;
/** Set once the server is stopping: new streams are refused (503) so it can exit. */
let stopping = false;

/**
 * Ends every open stream now. A stopping server (Ctrl-C, SIGTERM) does this: `next start` first
 * stops taking connections and then waits for the open ones to end, so while any browser listened
 * the server could not exit. The browsers see the stream end and reconnect when a server is back.
 */
export function endAllEventStreams(): number {
  stopping = true;
  const all = [...openStreams];
  for (const end of all) end();
  return all.length;
}

/** Registers a stream's end for {@link endAllEventStreams}, hooking SIGINT/SIGTERM once inside the app server. */
function endOnShutdown(end: () => void): () => void {
  if (!shutdownHooked && process.env.NEXT_RUNTIME === 'nodejs') {
    shutdownHooked = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void endAllEventStreams());
  }
  openStreams.add(end);
  return () => void openStreams.delete(end);
}

function frame(seq: number | undefined, event: ClassroomEvent): string {
  return `${seq !== undefined ? `id: ${seq}\n` : ''}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Opens the stream after checking the token (a refusal is a normal JSON error, not a stream). */
export async function openEventStream(service: ClassroomService, code: string, token: string | undefined, options: EventStreamOptions): Promise<Response> {
  if (stopping)
    return errorResponse('unavailable', 'This classroom server is stopping. The page reconnects by itself when it is back.', {
      'Retry-After': '5',
      Connection: 'close',
    });
  let viewer = await service.authorize(code, token, options.address);
  const since = options.lastEventId !== null && /^\d{1,15}$/.test(options.lastEventId.trim()) ? Number(options.lastEventId) : undefined;
  const encoder = new TextEncoder();
  const sessionId = viewer.session.id;
  let principal = viewer.principal;
  const state = { votesRevealed: viewer.session.votesRevealed };
  let cursor = 0;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  let unhook: (() => void) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** Frames not yet written, and the timer that will write them ({@link FLUSH_MS}). */
  let pending = '';
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Stops everything that could still write to the stream (the stream itself is closed by whoever calls this). */
  const release = () => {
    closed = true;
    if (flushTimer) clearTimeout(flushTimer);
    unsubscribe?.();
    unhook?.();
    if (heartbeat) clearInterval(heartbeat);
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const cleanup = () => {
          if (closed) return;
          // What is waiting goes out first (e.g. a `deleted` or `kicked` frame just before the end).
          flush(true);
          release();
          options.signal.removeEventListener('abort', cleanup);
          try {
            controller.close();
          } catch {
            // already closed or errored by the runtime
          }
        };
        /** Writes what gathered; a listener too far behind is cut off instead (unless this is its last write). */
        const flush = (last = false) => {
          if (flushTimer) clearTimeout(flushTimer);
          flushTimer = undefined;
          if (closed || pending === '') return;
          const text = pending;
          pending = '';
          if ((controller.desiredSize ?? 0) < -MAX_BACKLOG) {
            if (!last) cleanup();
            return;
          }
          controller.enqueue(encoder.encode(text));
        };
        const send = (text: string) => {
          if (closed) return;
          pending += text;
          flushTimer ??= setTimeout(flush, FLUSH_MS);
        };
        const deliver = async (e: StoredEvent) => {
          const wasRevealed = state.votesRevealed;
          const out = projectEvent(e, principal, state);
          cursor = e.seq;
          if (!out) {
            // Nothing for this listener, but its cursor moves so a reconnect does not replay it.
            send(`id: ${e.seq}\n: skip\n\n`);
            return;
          }
          if (out.type === 'session' && principal.role === 'student' && !wasRevealed && state.votesRevealed) {
            // Votes were just revealed: a student gets the gallery again, now with the counts.
            const snap = await service.snapshotFor(viewer);
            send(frame(e.seq, { ...snap.event }));
            return;
          }
          if (out.type === 'admitted' && principal.role === 'student' && out.id === principal.participantId) {
            // Let in: from now on this listener sees the gallery (a fresh snapshot, with its new rights).
            principal = { ...principal, admitted: true };
            viewer = { ...viewer, principal };
            const snap = await service.snapshotFor(viewer);
            send(frame(e.seq, { ...snap.event }));
            return;
          }
          send(frame(e.seq, out));
          if (out.type === 'kicked' && principal.role === 'student') cleanup();
        };
        const catchUp = async (upTo: number) => {
          while (!closed && cursor < upTo) {
            const page = await service.store.eventsSince(sessionId, cursor, PAGE);
            if (page.length === 0) break;
            for (const e of page) if (!closed && e.seq > cursor) await deliver(e);
          }
        };
        const onMessage = (m: BusMessage) => {
          chain = chain
            .then(async () => {
              if (closed) return;
              if (m.kind === 'deleted') {
                send(frame(undefined, { type: 'deleted' }));
                cleanup();
                return;
              }
              if (m.kind === 'resync') {
                // The bus may have missed notifications: the log has everything.
                const now = await service.store.sessionById(sessionId);
                if (!now) {
                  send(frame(undefined, { type: 'deleted' }));
                  cleanup();
                  return;
                }
                await catchUp(now.lastSeq);
                return;
              }
              for (const e of m.events) {
                if (closed || e.seq <= cursor) continue;
                if (e.seq > cursor + 1) await catchUp(e.seq - 1);
                if (!closed && e.seq > cursor) await deliver(e);
              }
            })
            .catch((error: unknown) => {
              console.error('Classroom event stream failed:', error);
              cleanup();
            });
        };

        options.signal.addEventListener('abort', cleanup);
        if (options.signal.aborted) {
          cleanup();
          return;
        }
        // Subscribe first, then read: whatever commits in between is queued behind the first read.
        unsubscribe = service.bus.subscribe(sessionId, onMessage);
        unhook = endOnShutdown(cleanup);
        heartbeat = setInterval(() => send(': ping\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
        send('retry: 2000\n\n');
        chain = chain
          .then(async () => {
            const current = (await service.store.snapshot(sessionId))?.session.lastSeq;
            if (current === undefined) {
              send(frame(undefined, { type: 'deleted' }));
              cleanup();
              return;
            }
            if (since !== undefined && since <= current) {
              cursor = since;
              await catchUp(current);
            } else {
              const snap = await service.snapshotFor(viewer);
              cursor = snap.seq;
              state.votesRevealed = snap.event.session.votesRevealed;
              send(frame(snap.seq, snap.event));
            }
          })
          .catch((error: unknown) => {
            if (!(error instanceof ClassroomError)) console.error('Classroom event stream failed to start:', error);
            cleanup();
          });
      },
      cancel() {
        release();
      },
    },
    { highWaterMark: 64 },
  );

  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // One stream per connection, closed with the stream: a stopping server then has no idle
      // connection on which a browser's reconnect could open a new stream (Node would serve it).
      Connection: 'close',
      'X-Accel-Buffering': 'no',
    },
  });
}

export type { Viewer };

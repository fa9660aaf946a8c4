/**
 * A live-event listener for tests: opens the service's Server-Sent-Event stream directly (no HTTP
 * server) and records every event, every id and the raw text.
 */
import { readServerSentEvents } from '../client';
import type { ClassroomEvent } from '../schema';
import type { ClassroomService } from '../service';
import { openEventStream } from '../sse';

export interface Listener {
  events: { id: string | null; event: ClassroomEvent }[];
  ids: string[];
  raw: string[];
  response: Response;
  abort: AbortController;
  until(pred: (events: ClassroomEvent[]) => boolean, what: string): Promise<void>;
  done: Promise<void>;
}

/** Opens a live-event stream on `service` as `token` and records what arrives. */
export async function listenTo(
  service: ClassroomService,
  code: string,
  token: string,
  lastEventId: string | null = null,
  heartbeatMs?: number,
): Promise<Listener> {
  const abort = new AbortController();
  const response = await openEventStream(service, code, token, { lastEventId, signal: abort.signal, heartbeatMs });
  const events: Listener['events'] = [];
  const ids: string[] = [];
  const raw: string[] = [];
  const [a, b] = (response.body as ReadableStream<Uint8Array>).tee();
  const done = readServerSentEvents(
    a,
    (_type, data, id) => events.push({ id, event: JSON.parse(data) as ClassroomEvent }),
    (id) => ids.push(id),
  ).catch(() => undefined);
  void (async () => {
    const reader = b.getReader();
    const dec = new TextDecoder();
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (r.done) return;
      raw.push(dec.decode(r.value));
    }
  })();
  const until = async (pred: (events: ClassroomEvent[]) => boolean, what: string) => {
    const start = Date.now();
    while (!pred(events.map((e) => e.event))) {
      if (Date.now() - start > 5000) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => e.event.type))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { events, ids, raw, response, abort, until, done };
}

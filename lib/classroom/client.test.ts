import { describe, expect, it } from 'vitest';
import { ClassroomApiError, ClassroomClient, base64ToBytes, bytesToBase64, followEvents, readServerSentEvents, type StreamStatus } from './client';
import type { ClassroomEvent } from './schema';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

async function parse(chunks: string[]) {
  const messages: [string, string, string | null][] = [];
  const ids: string[] = [];
  const retries: number[] = [];
  await readServerSentEvents(
    streamOf(chunks),
    (t, d, id) => messages.push([t, d, id]),
    (id) => ids.push(id),
    (ms) => retries.push(ms),
  );
  return { messages, ids, retries };
}

describe('Server-Sent Events reader', () => {
  it('follows the WHATWG rules across chunk boundaries and line endings', async () => {
    const r = await parse([
      'retry: 2000\n\n: ping\n\nid: 1\nevent: snap',
      'shot\ndata: {"a":\ndata: 1}\n\n',
      'id: 2\r\n: skip\r\n\r\n',
      'id: 3\revent: voted\rdata: x\r',
      '\r\n',
      'data: no type\n\n',
      'data: cut off',
    ]);
    expect(r.retries).toEqual([2000]);
    expect(r.ids).toEqual(['1', '2', '3']);
    expect(r.messages).toEqual([
      ['snapshot', '{"a":\n1}', '1'],
      ['voted', 'x', '3'],
      ['message', 'no type', '3'],
    ]);
  });

  it('decodes multi-byte characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: Zoë 🎹\n\n');
    const cut = 8; // inside "ë"
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, cut));
        c.enqueue(bytes.subarray(cut));
        c.close();
      },
    });
    const got: string[] = [];
    await readServerSentEvents(
      stream,
      (_t, d) => got.push(d),
      () => undefined,
    );
    expect(got).toEqual(['Zoë 🎹']);
  });
});

describe('base64', () => {
  it('round-trips bytes of every value, also large ones', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64ToBytes(text)).toEqual(bytes);
  });
});

// ---------------------------------------------------------------------------------------------
// The API client and the live-event follower, against a scripted fetch (no server).

type Call = { url: string; init: RequestInit | undefined };

function sse(frames: string[], keepOpen = false): Response {
  const enc = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const f of frames) c.enqueue(enc.encode(f));
        if (!keepOpen) c.close();
      },
    }),
    { status: 200, headers: { 'content-type': 'text/event-stream' } },
  );
}
const frame = (id: number | null, e: ClassroomEvent) => `${id === null ? '' : `id: ${id}\n`}event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
const removed = (id: number): ClassroomEvent => ({ type: 'removed', id });

function scripted(responses: (() => Response | Promise<Response>)[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    const next = responses.shift();
    if (!next) return new Promise<Response>(() => undefined); // hangs, like an open stream
    return next();
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

const header = (c: Call | undefined, name: string) => (c?.init?.headers as Record<string, string> | undefined)?.[name];
const until = async (pred: () => boolean, what: string) => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > 3000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('ClassroomClient', () => {
  it('encodes each path segment once, sends the token, never follows redirects, and turns refusals into ClassroomApiError', async () => {
    const { fetch, calls } = scripted([
      () => Response.json({ id: 1, votes: null }),
      () => Response.json({ error: { code: 'rate_limited', message: 'Too many votes, try again in 3 s.' } }, { status: 429, headers: { 'retry-after': '3' } }),
      () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    ]);
    const api = new ClassroomClient({ baseUrl: 'http://h/', fetch });
    await api.vote('AB C%', 's_tok', 1);
    expect(calls[0]?.url).toBe('http://h/api/sessions/AB%20C%25/submissions/1/vote');
    expect(header(calls[0], 'Authorization')).toBe('Bearer s_tok');
    expect(calls[0]?.init?.redirect).toBe('error');
    const limited = await api.vote('ABCDEF', 's_tok', 2).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ClassroomApiError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 3, message: 'Too many votes, try again in 3 s.' });
    const gateway = (await api.list('ABCDEF', 't').catch((e: unknown) => e)) as ClassroomApiError;
    expect([gateway.status, gateway.code]).toEqual([502, 'http_502']);
    expect(gateway.message).toMatch(/502 Bad Gateway/);
  });

  it('addresses students by a positive whole id only (no nickname ever goes in a path)', async () => {
    const { fetch, calls } = scripted([() => new Response(null, { status: 204 })]);
    const api = new ClassroomClient({ fetch });
    await expect(api.kick('ABCDEF', 't', 0)).rejects.toThrow(RangeError);
    await expect(api.kick('ABCDEF', 't', 1.5)).rejects.toThrow(RangeError);
    expect(calls).toHaveLength(0);
    await api.kick('ABCDEF', 't', 7, true);
    expect([calls[0]?.url, calls[0]?.init?.method]).toEqual(['/api/sessions/ABCDEF/participants/7?block=1', 'DELETE']);
  });
});

describe('followEvents', () => {
  it('resumes after a drop from the last id it saw (also ids of skipped events), without repeats', async () => {
    const { fetch, calls } = scripted([
      () => sse([frame(3, removed(1)), 'id: 4\n: skip\n\n']),
      () => sse([frame(5, removed(2))]),
      () => sse([frame(6, removed(3))], true),
    ]);
    const got: [number | null, string | null][] = [];
    const statuses: StreamStatus[] = [];
    const h = followEvents({
      code: 'ABCDEF',
      token: 't',
      fetch,
      retryMs: 1,
      onEvent: (e, id) => got.push([e.type === 'removed' ? e.id : null, id]),
      onStatus: (s) => statuses.push(s),
    });
    await until(() => got.length === 3, 'three events');
    expect(got).toEqual([
      [1, '3'],
      [2, '5'],
      [3, '6'],
    ]);
    expect(header(calls[0], 'Last-Event-ID')).toBeUndefined();
    expect(header(calls[1], 'Last-Event-ID')).toBe('4');
    expect(header(calls[2], 'Last-Event-ID')).toBe('5');
    expect(calls.every((c) => c.init?.redirect === 'error')).toBe(true);
    expect(statuses.slice(0, 4)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(h.lastEventId).toBe('6');
    h.close();
    expect(statuses.at(-1)).toBe('closed');
  });

  it('retries after a 5xx or a network error with growing pauses, and stops for good on 401/403/404 or a deletion', async () => {
    const { fetch, calls } = scripted([
      () => new Response('busy', { status: 503 }),
      () => Promise.reject(new TypeError('fetch failed')),
      () => sse([frame(1, removed(9))]),
      () => Response.json({ error: { code: 'kicked', message: 'The teacher removed you.' } }, { status: 403 }),
    ]);
    const fatal: string[] = [];
    const events: string[] = [];
    followEvents({ code: 'ABCDEF', token: 't', fetch, retryMs: 1, onEvent: (e) => events.push(e.type), onFatal: (e) => fatal.push(e.code) });
    await until(() => fatal.length === 1, 'the refusal');
    expect(fatal).toEqual(['kicked']);
    expect(events).toEqual(['removed']);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toHaveLength(4); // no retry after the 403

    const deleted = scripted([() => sse([frame(null, { type: 'deleted' })]), () => sse([])]);
    const fatal2: string[] = [];
    followEvents({ code: 'ABCDEF', token: 't', fetch: deleted.fetch, retryMs: 1, onEvent: () => undefined, onFatal: (e) => fatal2.push(e.code) });
    await until(() => fatal2.length === 1, 'the deletion');
    await new Promise((r) => setTimeout(r, 30));
    expect(deleted.calls).toHaveLength(1);
  });

  it('ignores frames whose data does not match their event name, and honours the server’s retry field', async () => {
    const { fetch, calls } = scripted([
      () => sse(['retry: 250\n\n', 'id: 1\nevent: voted\ndata: {"type":"removed","id":1}\n\n', 'id: 2\nevent: removed\ndata: not json\n\n']),
      () => sse([], true),
    ]);
    const got: string[] = [];
    const t0 = Date.now();
    const h = followEvents({ code: 'ABCDEF', token: 't', fetch, retryMs: 1, onEvent: (e) => got.push(e.type) });
    await until(() => calls.length === 2, 'the reconnect');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(got).toEqual([]);
    expect(header(calls[1], 'Last-Event-ID')).toBe('2');
    h.close();
  });
});

/**
 * The classroom API from the other side: a typed client for the browser pages, the benchmark and
 * the tests, and a live-event reader over `fetch` (so it can send the token as a header, which
 * EventSource cannot) that reconnects by itself and resumes from the last event id it saw.
 * Framework-free and TF-free; runs in browsers and in Node 20.
 */
import type { EntryKind } from './challenges';
import type { CreateSessionInput } from './requests';
import type { Admission, ClassroomEvent, EntryParams, ErrorBody, SessionStatus, SessionView, SubmissionDetail, SubmissionView } from './schema';

/** An API refusal: HTTP status, the API's error code and its message. */
export class ClassroomApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ClassroomApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface SubmitBody {
  title: string;
  kind: EntryKind;
  midiBase64?: string;
  pngBase64?: string;
  wavBase64?: string;
  latent?: number[];
  params?: EntryParams;
}

type Fetch = typeof fetch;

/** Base64 of bytes, in browsers and Node alike. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function errorOf(res: Response): Promise<ClassroomApiError> {
  const retry = Number(res.headers.get('retry-after') ?? 'NaN');
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (body.error && typeof body.error.message === 'string')
      return new ClassroomApiError(res.status, String(body.error.code), body.error.message, Number.isFinite(retry) ? retry : undefined);
  } catch {
    // not JSON: fall through
  }
  return new ClassroomApiError(
    res.status,
    'http_' + res.status,
    `The server answered ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}.`,
  );
}

export class ClassroomClient {
  readonly baseUrl: string;
  private readonly fetchFn: Fetch;

  constructor(options: { baseUrl?: string; fetch?: Fetch } = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  private url(path: string): string {
    return `${this.baseUrl}/api/sessions${path}`;
  }

  /** Sends a request; returns the response when it is 2xx, else throws ClassroomApiError. */
  async raw(method: string, path: string, options: { token?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.fetchFn(this.url(path), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      cache: 'no-store',
      // Never replay a request at another address: a redirect (e.g. a path that the URL rules
      // normalise to its parent) must not turn "remove this" into "delete the session".
      redirect: 'error',
    });
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  private async json<T>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
    return (await (await this.raw(method, path, options)).json()) as T;
  }

  /** Every path segment is encoded exactly once. */
  private static code(code: string): string {
    return encodeURIComponent(code);
  }
  private static id(id: number): string {
    if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`Expected a positive whole id; got ${id}.`);
    return String(id);
  }

  createSession(input: CreateSessionInput): Promise<{ code: string; teacherToken: string; expiresAt: string }> {
    return this.json('POST', '', { body: input });
  }
  /** Joins with a nickname; `device` is this browser's id (lets the teacher block the browser of a removed student). */
  join(code: string, nickname: string, device?: string): Promise<{ studentToken: string; nickname: string; code: string; admitted: boolean }> {
    return this.json('POST', `/${ClassroomClient.code(code)}/join`, { body: device ? { nickname, device } : { nickname } });
  }
  getSession(code: string, token: string): Promise<SessionView> {
    return this.json('GET', `/${ClassroomClient.code(code)}`, { token });
  }
  updateSession(code: string, token: string, patch: { status?: SessionStatus; votesRevealed?: boolean; admission?: Admission }): Promise<SessionView> {
    return this.json('PATCH', `/${ClassroomClient.code(code)}`, { token, body: patch });
  }
  async deleteSession(code: string, token: string): Promise<void> {
    await this.raw('DELETE', `/${ClassroomClient.code(code)}`, { token });
  }
  /** Removes one student, by id (`block`: their browser cannot join again). */
  async kick(code: string, token: string, participantId: number, block = false): Promise<void> {
    await this.raw('DELETE', `/${ClassroomClient.code(code)}/participants/${ClassroomClient.id(participantId)}${block ? '?block=1' : ''}`, { token });
  }
  /** Removes several students at once (a flood of joins). */
  removeParticipants(code: string, token: string, ids: number[], block = false): Promise<{ removed: number }> {
    return this.json('POST', `/${ClassroomClient.code(code)}/participants/remove`, { token, body: { ids, block } });
  }
  /** Lets waiting students in. */
  admit(code: string, token: string, ids: number[]): Promise<{ admitted: number }> {
    return this.json('POST', `/${ClassroomClient.code(code)}/participants/admit`, { token, body: { ids } });
  }
  submit(code: string, token: string, body: SubmitBody): Promise<{ id: number }> {
    return this.json('POST', `/${ClassroomClient.code(code)}/submissions`, { token, body });
  }
  list(code: string, token: string): Promise<SubmissionView[]> {
    return this.json('GET', `/${ClassroomClient.code(code)}/submissions`, { token });
  }
  get(code: string, token: string, id: number): Promise<SubmissionDetail> {
    return this.json('GET', `/${ClassroomClient.code(code)}/submissions/${ClassroomClient.id(id)}`, { token });
  }
  /** An entry's file as served (`…/submissions/{id}/media`): its bytes and content type (audio/wav, audio/midi or image/png). */
  async file(code: string, token: string, id: number): Promise<{ bytes: Uint8Array; type: string }> {
    const res = await this.raw('GET', `/${ClassroomClient.code(code)}/submissions/${ClassroomClient.id(id)}/media`, { token });
    return { bytes: new Uint8Array(await res.arrayBuffer()), type: (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '' };
  }
  hide(code: string, token: string, id: number, hidden: boolean): Promise<SubmissionView> {
    return this.json('PATCH', `/${ClassroomClient.code(code)}/submissions/${ClassroomClient.id(id)}`, { token, body: { hidden } });
  }
  async remove(code: string, token: string, id: number): Promise<void> {
    await this.raw('DELETE', `/${ClassroomClient.code(code)}/submissions/${ClassroomClient.id(id)}`, { token });
  }
  vote(code: string, token: string, id: number): Promise<{ id: number; votes: number | null }> {
    return this.json('POST', `/${ClassroomClient.code(code)}/submissions/${ClassroomClient.id(id)}/vote`, { token });
  }
  async exportZip(code: string, token: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.raw('GET', `/${ClassroomClient.code(code)}/export`, { token })).arrayBuffer());
  }
}

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamHandle {
  close(): void;
  /** The last event id received (resume point). */
  readonly lastEventId: string | null;
}

export interface EventStreamOptions {
  baseUrl?: string;
  code: string;
  token: string;
  onEvent: (event: ClassroomEvent, id: string | null) => void;
  onStatus?: (status: StreamStatus, detail?: string) => void;
  /** A refusal that reconnecting cannot fix (bad token, kicked, session deleted): the stream stops. */
  onFatal?: (error: ClassroomApiError) => void;
  /** Resume after this id instead of starting with a snapshot. */
  lastEventId?: string | null;
  fetch?: Fetch;
  /** Reconnect delays grow from this (ms), doubling up to 10 s. */
  retryMs?: number;
}

/**
 * Parses Server-Sent Events from a byte stream (the WHATWG rules: `data`, `event`, `id`, `retry`
 * fields, comments, CR/LF/CRLF line ends). Calls `onMessage` per dispatched event and `onId` when
 * an id field arrives (also on messages without data, which only move the cursor).
 */
export async function readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  onMessage: (type: string, data: string, id: string | null) => void,
  onId: (id: string) => void,
  onRetry?: (ms: number) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let type = '';
  let lastId: string | null = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const sep = buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (buffer[nl] === '\r' && sep === 1 && nl === buffer.length - 1) break;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + sep);
      if (line === '') {
        if (data.length > 0) onMessage(type || 'message', data.join('\n'), lastId);
        data = [];
        type = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value2 = colon < 0 ? '' : line.slice(colon + 1);
      if (value2.startsWith(' ')) value2 = value2.slice(1);
      if (field === 'data') data.push(value2);
      else if (field === 'event') type = value2;
      else if (field === 'id' && !value2.includes('\0')) {
        lastId = value2;
        onId(value2);
      } else if (field === 'retry' && /^\d+$/.test(value2)) onRetry?.(Number(value2));
    }
  }
}

/**
 * Follows a session's live events, reconnecting with growing delays after a drop and resuming
 * from the last id (so nothing is missed or repeated). 401/403/404 stop it and call `onFatal`.
 */
export function followEvents(options: EventStreamOptions): EventStreamHandle {
  const fetchFn = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = (options.baseUrl ?? '').replace(/\/$/, '');
  const baseRetry = options.retryMs ?? 1000;
  let lastEventId = options.lastEventId ?? null;
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = baseRetry;

  const status = (s: StreamStatus, detail?: string) => options.onStatus?.(s, detail);

  const connect = async (): Promise<void> => {
    if (stopped) return;
    controller = new AbortController();
    status(lastEventId === null ? 'connecting' : 'reconnecting');
    try {
      const headers: Record<string, string> = { Authorization: `Bearer ${options.token}`, Accept: 'text/event-stream' };
      if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
      const res = await fetchFn(`${base}/api/sessions/${encodeURIComponent(options.code)}/events`, {
        headers,
        signal: controller.signal,
        cache: 'no-store',
        redirect: 'error',
      });
      if (!res.ok) {
        const error = await errorOf(res);
        if ([401, 403, 404].includes(res.status)) {
          stopped = true;
          status('closed', error.message);
          options.onFatal?.(error);
          return;
        }
        throw error;
      }
      if (!res.body) throw new Error('The event stream has no body.');
      status('open');
      delay = baseRetry;
      let fatal = false;
      await readServerSentEvents(
        res.body,
        (type, data) => {
          let event: ClassroomEvent;
          try {
            event = JSON.parse(data) as ClassroomEvent;
          } catch {
            return;
          }
          if (event.type !== type) return;
          options.onEvent(event, lastEventId);
          if (event.type === 'deleted') {
            fatal = true;
            options.onFatal?.(new ClassroomApiError(404, 'not_found', 'The teacher deleted this session.'));
          }
        },
        (id) => {
          lastEventId = id;
        },
        (ms) => {
          delay = Math.max(250, Math.min(ms, 10_000));
        },
      );
      if (fatal) {
        stopped = true;
        status('closed');
        return;
      }
    } catch (error) {
      if (stopped) return;
      status('reconnecting', error instanceof Error ? error.message : String(error));
    }
    if (stopped) return;
    // The server ended the stream or it broke: come back after a pause, resuming from lastEventId.
    timer = setTimeout(() => void connect(), delay);
    delay = Math.min(delay * 2, 10_000);
  };

  void connect();
  return {
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
      status('closed');
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}

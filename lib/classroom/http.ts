/**
 * HTTP glue for the route handlers in app/api: bounded JSON body reading, the bearer token, the
 * client's address, and one mapping from errors to JSON answers `{error: {code, message}}` with
 * the right status. Bad input is always a 4xx with a message; only a bug is a 500, and its details
 * go to the server log, never to the client.
 */
import 'server-only';
import { ClassroomError, StoreUnavailableError } from './errors';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from './schema';

/**
 * A JSON answer. `no-transform` keeps Next's gzip off the API: a class's server is one process on the
 * teacher's laptop whose CPU is what a busy lesson runs short of (gzip was 6% of it under
 * bench:classroom), while a school LAN carries a gallery list of 200 entries (~70 KB) easily.
 */
export function jsonResponse(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-transform', ...headers },
  });
}

export function errorResponse(code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { error: { code, message } };
  return jsonResponse(body, ERROR_STATUS[code], headers);
}

/** Maps anything thrown by the service to a JSON error answer. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ClassroomError) {
    return errorResponse(error.code, error.message, error.retryAfterSeconds !== undefined ? { 'Retry-After': String(error.retryAfterSeconds) } : {});
  }
  if (error instanceof StoreUnavailableError) {
    console.error('Classroom store unavailable:', error.message);
    return errorResponse('unavailable', 'The classroom database is busy or unavailable. Try again in a few seconds.', { 'Retry-After': '2' });
  }
  console.error('Classroom API failure:', error);
  return errorResponse(
    'internal',
    'Something went wrong on the server (it is logged there). Try again; if it keeps happening, tell whoever runs this Latent Lab.',
  );
}

/** Runs a handler and turns any failure into a JSON error answer. */
export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    return toErrorResponse(error);
  }
}

/**
 * Reads a JSON body of at most `maxBytes` bytes. Refuses before reading when Content-Length says
 * more, and stops reading as soon as the stream passes the limit (a lying or absent length cannot
 * make the server buffer more).
 */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  const tooLarge = () => new ClassroomError('too_large', `The request body is larger than ${Math.round(maxBytes / 1024)} KB.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const reader = request.body?.getReader();
  if (!reader) throw new ClassroomError('bad_json', 'The request has no body: send JSON.');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ClassroomError('bad_json', 'The request body is empty: send JSON.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClassroomError('bad_json', 'The request body is not valid JSON.');
  }
}

/** The token from `Authorization: Bearer <token>`, if any. */
export function bearerToken(request: Request): string | undefined {
  const h = request.headers.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

export { clientAddress } from './peer';

/** A positive whole-number id from the path (already decoded once by Next; never decoded again), else a 404 (never a 500). */
export function idParam(raw: string, what = 'an entry id'): number {
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < 1) throw new ClassroomError('not_found', `"${raw.slice(0, 20)}" is not ${what}.`);
  return Number(raw);
}

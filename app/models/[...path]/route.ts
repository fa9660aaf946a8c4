/**
 * Serves the shipped models in `models/` (checkpoint folders, manifest, model cards) to the app.
 * Only plain file names under models/ are served; anything else is a 404 with a reason.
 *
 * Caching: every file carries a strong `ETag` (a hash of its bytes) and `Last-Modified`, with
 * `cache-control: no-cache` — the browser keeps its copy and asks each time whether it changed; an
 * unchanged file is answered `304 Not Modified` with no body, so a second visit downloads nothing
 * (4–5 MB per music model before), while a retrained model is picked up at once.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SHARD = /^group\d+-shard\d+of\d+$/;

/** ETags by file, valid while its size and modification time stay the same (hashing a 4 MB shard once, not per request). */
const tags = new Map<string, { size: number; mtimeMs: number; etag: string }>();

async function etagOf(file: string, stat: { size: number; mtimeMs: number }, bytes?: Buffer): Promise<string> {
  const known = tags.get(file);
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.etag;
  const etag = `"${createHash('sha256')
    .update(bytes ?? (await fs.readFile(file)))
    .digest('base64url')
    .slice(0, 32)}"`;
  tags.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, etag });
  return etag;
}

/** True when the request's validators say the browser already has this version. */
function notModified(request: Request, etag: string, modified: Date): boolean {
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch !== null) return ifNoneMatch === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
  const since = Date.parse(request.headers.get('if-modified-since') ?? '');
  return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) <= Math.floor(since / 1000);
}

export async function GET(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path: segments } = await context.params;
  if (segments.length === 0 || segments.length > 6 || !segments.every((s) => SEGMENT.test(s) && !s.includes('..'))) {
    return Response.json({ error: 'Not a model file path.' }, { status: 404 });
  }
  const name = segments.at(-1) ?? '';
  // Weight shards of TF.js/Magenta checkpoints have no extension ("group1-shard1of3").
  const type = SHARD.test(name) ? 'application/octet-stream' : TYPES[path.extname(name)];
  const root = path.join(process.cwd(), 'models');
  const file = path.join(root, ...segments);
  if (!type || !file.startsWith(root + path.sep)) return Response.json({ error: 'Not a model file.' }, { status: 404 });
  let stat: { size: number; mtimeMs: number; mtime: Date; isFile(): boolean };
  try {
    stat = await fs.stat(file);
    if (!stat.isFile()) throw new Error('not a file');
  } catch {
    return Response.json({ error: `models/${segments.join('/')} does not exist. Is the model shipped? See models/manifest.json.` }, { status: 404 });
  }
  const modified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000);
  const validators = { 'cache-control': 'no-cache', 'last-modified': modified.toUTCString() };
  const known = tags.get(file);
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && notModified(request, known.etag, modified)) {
    return new Response(null, { status: 304, headers: { ...validators, etag: known.etag } });
  }
  const bytes = await fs.readFile(file);
  const etag = await etagOf(file, stat, bytes);
  if (notModified(request, etag, modified)) return new Response(null, { status: 304, headers: { ...validators, etag } });
  return new Response(new Blob([bytes]), { headers: { ...validators, etag, 'content-type': type, 'content-length': String(bytes.byteLength) } });
}

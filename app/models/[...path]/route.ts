/**
 * Serves the shipped models in `models/` (checkpoint folders, manifest, model cards) to the app.
 * Only plain file names under models/ are served; anything else is a 404 with a reason.
 */
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

export async function GET(_request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
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
  try {
    const bytes = await fs.readFile(file);
    return new Response(new Blob([bytes]), { headers: { 'content-type': type, 'cache-control': 'no-cache' } });
  } catch {
    return Response.json({ error: `models/${segments.join('/')} does not exist. Is the model shipped? See models/manifest.json.` }, { status: 404 });
  }
}

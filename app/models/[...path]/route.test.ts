import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GET } from './route';

const get = (segments: string[], headers: Record<string, string> = {}): Promise<Response> =>
  GET(new Request(`http://localhost/models/${segments.join('/')}`, { headers }), { params: Promise.resolve({ path: segments }) });

describe('the model file route', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  it('serves a file with a strong ETag and Last-Modified, and answers 304 with no body when the browser has it', async () => {
    const first = await get(['image', 'dense-ae', 'encoder', 'weights.bin']);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const modified = first.headers.get('last-modified') ?? '';
    expect(Date.parse(modified)).toBeGreaterThan(0);
    const size = (await stat(path.resolve('models/image/dense-ae/encoder/weights.bin'))).size;
    expect((await first.arrayBuffer()).byteLength).toBe(size);
    expect(first.headers.get('content-length')).toBe(String(size));

    const again = await get(['image', 'dense-ae', 'encoder', 'weights.bin'], { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get(['image', 'dense-ae', 'encoder', 'weights.bin'], { 'if-none-match': `W/${etag}, "other"` })).status).toBe(304);
    expect((await get(['image', 'dense-ae', 'encoder', 'weights.bin'], { 'if-modified-since': modified })).status).toBe(304);
    expect((await get(['image', 'dense-ae', 'encoder', 'weights.bin'], { 'if-none-match': '"stale"' })).status).toBe(200);
    // Each file has its own tag.
    expect((await get(['image', 'dense-ae', 'decoder', 'weights.bin'])).headers.get('etag')).not.toBe(etag);
  });

  it('gives a changed file a new ETag (a retrained model is downloaded again)', async () => {
    const dir = await mkdtemp(path.join(path.resolve('models'), '.route-test-'));
    scratch.push(dir);
    const rel = path.relative(path.resolve('models'), dir);
    const file = path.join(dir, 'x.json');
    await writeFile(file, '{"a":1}');
    const a = await get([rel, 'x.json']);
    expect(a.status).toBe(404); // a folder starting with "." is not a model path
    const plain = await mkdtemp(path.join(path.resolve('models'), 'route-test-'));
    scratch.push(plain);
    const name = path.relative(path.resolve('models'), plain);
    await writeFile(path.join(plain, 'x.json'), '{"a":1}');
    const before = await get([name, 'x.json']);
    const tag = before.headers.get('etag') ?? '';
    await writeFile(path.join(plain, 'x.json'), '{"a":2}');
    await utimes(path.join(plain, 'x.json'), new Date(), new Date(Date.now() + 5000));
    const after = await get([name, 'x.json'], { 'if-none-match': tag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(tag);
    expect(await after.text()).toBe('{"a":2}');
  });

  it('still refuses paths outside models/ and missing files with a reason', async () => {
    expect((await get(['..', 'package.json'])).status).toBe(404);
    const missing = await get(['image', 'nope', 'spec.json']);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'models/image/nope/spec.json does not exist. Is the model shipped? See models/manifest.json.' });
  });
});

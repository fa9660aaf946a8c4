import { describe, expect, it } from 'vitest';
import { countingResponse, fetchAllWithProgress } from '@/lib/core/fetch-progress';

function streamed(chunks: number[], headers: Record<string, string> = {}, status = 200): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const n of chunks) controller.enqueue(new Uint8Array(n));
      controller.close();
    },
  });
  return new Response(body, { status, headers });
}

describe('downloads with progress', () => {
  it('counts every chunk of a body and keeps status and headers', async () => {
    const seen: number[] = [];
    const r = countingResponse(streamed([3, 5, 2], { 'content-type': 'application/octet-stream' }), (n) => seen.push(n));
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect((await r.arrayBuffer()).byteLength).toBe(10);
    expect(seen).toEqual([3, 5, 2]);
  });

  it('reports received of total bytes across files, ending at the total', async () => {
    const files: Record<string, Response> = { a: streamed([100, 100], { 'content-length': '200' }), b: streamed([50], { 'content-length': '50' }) };
    const progress: Array<[number, number | undefined]> = [];
    const out = await fetchAllWithProgress(
      ['a', 'b'],
      (r, t) => progress.push([r, t]),
      (url) => Promise.resolve(files[String(url)] ?? new Response(null, { status: 404 })),
    );
    expect(out.map((b) => b.byteLength)).toEqual([200, 50]);
    expect(progress[0]).toEqual([0, 250]);
    expect(progress.at(-1)).toEqual([250, 250]);
    expect(progress.every(([r], i) => i === 0 || r >= (progress[i - 1]?.[0] ?? 0))).toBe(true);
  });

  it('has no total when a size is unknown, and names a file that failed', async () => {
    const progress: Array<number | undefined> = [];
    await fetchAllWithProgress(
      ['x'],
      (_, t) => progress.push(t),
      () => Promise.resolve(streamed([4])),
    );
    expect(progress.every((t) => t === undefined)).toBe(true);
    await expect(
      fetchAllWithProgress(
        ['gone'],
        () => undefined,
        () => Promise.resolve(new Response('no', { status: 404 })),
      ),
    ).rejects.toThrow('Could not download gone: HTTP 404.');
  });
});

/**
 * Downloads that report their bytes as they arrive, for real progress bars in the model worker
 * (data files, model weights). Plain web APIs (fetch, streams): tested in Node.
 */

/** `response` whose body calls `onBytes(n)` for every chunk read (same status and headers). */
export function countingResponse(response: Response, onBytes: (n: number) => void): Response {
  if (!response.body) return response;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      onBytes(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(counter), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The body's size from `content-length`, when the server sent one (not for compressed responses). */
export function contentLength(response: Response): number | undefined {
  const raw = response.headers.get('content-length');
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Fetches several files at once and reads them fully, reporting `(received, total)` bytes as they
 * arrive; `total` is undefined when a server did not say how big a file is.
 *
 * @throws Error naming the first URL that answered with an HTTP error.
 */
export async function fetchAllWithProgress(
  urls: readonly string[],
  onProgress: (received: number, total: number | undefined) => void,
  fetcher: typeof fetch = fetch,
): Promise<Uint8Array[]> {
  const responses = await Promise.all(urls.map((url) => fetcher(url)));
  const bad = responses.findIndex((r) => !r.ok);
  if (bad >= 0) throw new Error(`Could not download ${urls[bad]}: HTTP ${responses[bad]?.status}.`);
  const sizes = responses.map(contentLength);
  const total = sizes.every((s) => s !== undefined) ? sizes.reduce<number>((a, b) => a + (b ?? 0), 0) : undefined;
  let received = 0;
  onProgress(0, total);
  return Promise.all(
    responses.map(async (r) => {
      const counted = countingResponse(r, (n) => {
        received += n;
        onProgress(received, total);
      });
      return new Uint8Array(await counted.arrayBuffer());
    }),
  );
}

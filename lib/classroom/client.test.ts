import { describe, expect, it } from 'vitest';
import { bytesToBase64, base64ToBytes, readServerSentEvents } from './client';

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

import { describe, expect, it } from 'vitest';
import { imagesAndLabels, isGzip, MNIST_IDX_FILES, parseIdx } from '@/lib/image/idx';
import { GET, generateStaticParams } from './route';

const get = (file: string) => GET(new Request(`http://x/data/mnist/${file}`), { params: Promise.resolve({ file }) });

describe('the embedded MNIST files', () => {
  it('are served gzipped: under 2 MB on the wire for all four, and they parse back to the split', async () => {
    expect(generateStaticParams().map((p) => p.file)).toEqual(MNIST_IDX_FILES.map((f) => `${f}.gz`));
    const bytes = await Promise.all(
      MNIST_IDX_FILES.map(async (f) => {
        const r = await get(`${f}.gz`);
        expect(r.status).toBe(200);
        expect(r.headers.get('content-type')).toBe('application/gzip');
        return new Uint8Array(await r.arrayBuffer());
      }),
    );
    expect(bytes.every(isGzip)).toBe(true);
    const total = bytes.reduce((n, b) => n + b.byteLength, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
    const [images, labels] = await Promise.all([parseIdx(bytes[2] as Uint8Array), parseIdx(bytes[3] as Uint8Array)]);
    const test = imagesAndLabels(images, labels);
    expect(test.count).toBe(2000);
    expect((await get('train-images-idx3-ubyte')).status).toBe(404);
  }, 60_000);
});

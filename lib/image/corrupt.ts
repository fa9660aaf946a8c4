/**
 * Corruptions for the denoising and super-resolution lessons, and the PSNR score that measures
 * how well a model undoes them. All functions are pure (they return new arrays) and the random
 * ones take a seed, so a lesson shows the same noisy digits on every machine.
 *
 * Images are batches in one Float32Array: `n × h × w` pixels, row-major, values 0..1.
 */
import { InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';

const checkBatch = (images: Float32Array, h: number, w: number, what: string): number => {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new InvalidInputError(`${what}: image height and width must be positive whole numbers; got ${h}×${w}.`);
  }
  if (images.length % (h * w) !== 0) {
    throw new InvalidInputError(`${what}: ${images.length} pixels is not a whole number of ${h}×${w} images (${h * w} pixels each).`);
  }
  return images.length / (h * w);
};

const checkFactor = (factor: number, what: string): void => {
  if (!Number.isInteger(factor) || factor < 1) throw new InvalidInputError(`${what}: the factor must be a positive whole number; got ${factor}.`);
};

const clip01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Adds Gaussian noise: each pixel becomes `x + sigma · ε` with ε ~ N(0, 1) drawn from the seeded
 * stream, then clipped to 0..1 (so the noisy image is still a valid image).
 *
 * @param sigma standard deviation of the noise in pixel units (0.5 is heavy noise), ≥ 0.
 * @param seed 32-bit seed; the same seed gives the same noise.
 */
export function addGaussianNoise(images: Float32Array, sigma: number, seed: number): Float32Array {
  if (!Number.isFinite(sigma) || sigma < 0) throw new InvalidInputError(`Noise sigma must be a number ≥ 0; got ${sigma}.`);
  const rng = createRng(seed);
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = clip01((images[i] ?? 0) + sigma * rng.normal());
  return out;
}

/**
 * Shrinks each image by `factor` (28 → 14 with 2, 28 → 7 with 4) by area averaging: every output
 * pixel is the mean of the factor × factor block it covers, the way a camera sensor with bigger
 * pixels would see the digit.
 *
 * @returns `n × (h / factor) × (w / factor)` pixels.
 * @throws {InvalidInputError} when `factor` does not divide `h` and `w`.
 */
export function downsample(images: Float32Array, h: number, w: number, factor: number): Float32Array {
  const n = checkBatch(images, h, w, 'downsample');
  checkFactor(factor, 'downsample');
  if (h % factor !== 0 || w % factor !== 0) {
    throw new InvalidInputError(`downsample: the factor ${factor} must divide the image size ${h}×${w} (for 28×28 use 2, 4, 7, 14 or 28).`);
  }
  const oh = h / factor;
  const ow = w / factor;
  const out = new Float32Array(n * oh * ow);
  const area = factor * factor;
  for (let b = 0; b < n; b++) {
    const src = b * h * w;
    const dst = b * oh * ow;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = src + (y * factor + dy) * w + x * factor;
          for (let dx = 0; dx < factor; dx++) sum += images[row + dx] ?? 0;
        }
        out[dst + y * ow + x] = sum / area;
      }
    }
  }
  return out;
}

/**
 * Enlarges each image by `factor` by repeating every pixel in a factor × factor block (blocky,
 * the simplest baseline).
 *
 * @returns `n × (h · factor) × (w · factor)` pixels.
 */
export function upsampleNearest(images: Float32Array, h: number, w: number, factor: number): Float32Array {
  const n = checkBatch(images, h, w, 'upsampleNearest');
  checkFactor(factor, 'upsampleNearest');
  const oh = h * factor;
  const ow = w * factor;
  const out = new Float32Array(n * oh * ow);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const srcRow = b * h * w + Math.floor(y / factor) * w;
      const dstRow = b * oh * ow + y * ow;
      for (let x = 0; x < ow; x++) out[dstRow + x] = images[srcRow + Math.floor(x / factor)] ?? 0;
    }
  }
  return out;
}

/** Keys' cubic convolution kernel with a = −0.5 (the "bicubic" of image editors). */
function cubic(t: number): number {
  const a = -0.5;
  const x = Math.abs(t);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/**
 * For each output coordinate along one axis: the 4 source indices (clamped to the edge) and their
 * weights. Pixel centres are aligned ("half-pixel"): output i samples source (i + 0.5) / f − 0.5.
 */
function cubicTaps(size: number, factor: number): { index: Int32Array; weight: Float64Array } {
  const outSize = size * factor;
  const index = new Int32Array(outSize * 4);
  const weight = new Float64Array(outSize * 4);
  for (let i = 0; i < outSize; i++) {
    const s = (i + 0.5) / factor - 0.5;
    const base = Math.floor(s);
    for (let k = 0; k < 4; k++) {
      const j = base - 1 + k;
      index[i * 4 + k] = Math.min(size - 1, Math.max(0, j));
      weight[i * 4 + k] = cubic(s - j);
    }
  }
  return { index, weight };
}

/**
 * Enlarges each image by `factor` with bicubic interpolation (Keys' kernel, a = −0.5; the edge
 * pixels are repeated beyond the border; the result is clipped to 0..1). This is the classical
 * baseline a super-resolution autoencoder has to beat: smooth, but blurry.
 *
 * Pixel centres are aligned, so output pixel i of a row samples source position (i + 0.5)/factor − 0.5.
 * Away from the borders the interpolation reproduces straight ramps (and quadratics) exactly.
 *
 * @returns `n × (h · factor) × (w · factor)` pixels.
 */
export function upsampleBicubic(images: Float32Array, h: number, w: number, factor: number): Float32Array {
  const n = checkBatch(images, h, w, 'upsampleBicubic');
  checkFactor(factor, 'upsampleBicubic');
  const oh = h * factor;
  const ow = w * factor;
  const cols = cubicTaps(w, factor);
  const rows = cubicTaps(h, factor);
  const out = new Float32Array(n * oh * ow);
  const wide = new Float64Array(h * ow);
  for (let b = 0; b < n; b++) {
    const src = b * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < ow; x++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) sum += (cols.weight[x * 4 + k] ?? 0) * (images[src + y * w + (cols.index[x * 4 + k] ?? 0)] ?? 0);
        wide[y * ow + x] = sum;
      }
    }
    const dst = b * oh * ow;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) sum += (rows.weight[y * 4 + k] ?? 0) * (wide[(rows.index[y * 4 + k] ?? 0) * ow + x] ?? 0);
        out[dst + y * ow + x] = clip01(sum);
      }
    }
  }
  return out;
}

const squaredError = (a: Float32Array, b: Float32Array, from: number, to: number): number => {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    sum += d * d;
  }
  return sum;
};

const psnrOfMse = (mse: number): number => (mse === 0 ? Infinity : 10 * Math.log10(1 / mse));

/**
 * Peak signal-to-noise ratio between two images (or two whole batches), in decibels, for pixels
 * 0..1 (peak 1): `10 · log10(1 / MSE)`. Higher is better: 20 dB means a typical error of 0.1,
 * 30 dB an error of about 0.03. Identical inputs give `Infinity` (no error at all).
 *
 * @throws {InvalidInputError} when the lengths differ or are 0.
 */
export function psnr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new InvalidInputError(`psnr needs two arrays of the same length; got ${a.length} and ${b.length} pixels.`);
  if (a.length === 0) throw new InvalidInputError('psnr needs at least one pixel; got empty arrays.');
  return psnrOfMse(squaredError(a, b, 0, a.length) / a.length);
}

/**
 * PSNR of each image of two batches, in decibels (`Infinity` for an image reproduced exactly).
 *
 * @param pixelsPerImage h × w (784 for MNIST).
 * @returns one value per image.
 */
export function psnrPerImage(a: Float32Array, b: Float32Array, pixelsPerImage: number): Float64Array {
  if (a.length !== b.length) throw new InvalidInputError(`psnr needs two batches of the same length; got ${a.length} and ${b.length} pixels.`);
  if (!Number.isInteger(pixelsPerImage) || pixelsPerImage < 1 || a.length % pixelsPerImage !== 0 || a.length === 0) {
    throw new InvalidInputError(`psnr: ${a.length} pixels is not a non-empty whole number of images of ${pixelsPerImage} pixels.`);
  }
  const n = a.length / pixelsPerImage;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = psnrOfMse(squaredError(a, b, i * pixelsPerImage, (i + 1) * pixelsPerImage) / pixelsPerImage);
  return out;
}

/** Highest PSNR one image contributes to {@link meanPsnr}, in dB. */
export const PSNR_CAP_DB = 100;

/**
 * Mean PSNR over the images of two batches, the usual score of denoising and super-resolution.
 * An image reproduced exactly has infinite PSNR, which would make the mean infinite whatever the
 * other images look like, so each image counts at most `capDb` (default {@link PSNR_CAP_DB} =
 * 100 dB, an error of 0.00001 per pixel, far below what a screen can show).
 *
 * @param pixelsPerImage h × w (784 for MNIST).
 */
export function meanPsnr(a: Float32Array, b: Float32Array, pixelsPerImage: number, capDb: number = PSNR_CAP_DB): number {
  if (!(capDb > 0) || !Number.isFinite(capDb)) throw new InvalidInputError(`meanPsnr: capDb must be a positive finite number; got ${capDb}.`);
  const values = psnrPerImage(a, b, pixelsPerImage);
  let sum = 0;
  for (const v of values) sum += Math.min(v, capDb);
  return sum / values.length;
}

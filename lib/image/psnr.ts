/**
 * Peak signal-to-noise ratio, the usual score of denoising and super-resolution: `10 · log10(1 / MSE)`
 * for pixels 0..1 (peak 1), in decibels. Higher is better: 20 dB means a typical error of 0.1, 30 dB
 * an error of about 0.03. Plain arrays, no TF.js (pages use them too); `evaluate.ts` has the tensor version.
 */
import { InvalidInputError } from '../core/errors';

const psnrOfMse = (mse: number): number => (mse === 0 ? Infinity : 10 * Math.log10(1 / mse));

/**
 * PSNR of each image of two batches, in decibels (`Infinity` for an image reproduced exactly).
 *
 * @param pixelsPerImage h × w (784 for MNIST).
 * @returns one value per image.
 * @throws {InvalidInputError} when the batches differ in length or are not whole images.
 */
export function psnrPerImage(a: Float32Array, b: Float32Array, pixelsPerImage: number): Float64Array {
  if (a.length !== b.length) throw new InvalidInputError(`psnr needs two batches of the same length; got ${a.length} and ${b.length} pixels.`);
  if (!Number.isInteger(pixelsPerImage) || pixelsPerImage < 1 || a.length % pixelsPerImage !== 0 || a.length === 0) {
    throw new InvalidInputError(`psnr: ${a.length} pixels is not a non-empty whole number of images of ${pixelsPerImage} pixels.`);
  }
  const n = a.length / pixelsPerImage;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let p = i * pixelsPerImage; p < (i + 1) * pixelsPerImage; p++) {
      const d = (a[p] ?? 0) - (b[p] ?? 0);
      sum += d * d;
    }
    out[i] = psnrOfMse(sum / pixelsPerImage);
  }
  return out;
}

/** Highest PSNR one image contributes to {@link meanPsnr}, in dB. */
export const PSNR_CAP_DB = 100;

/**
 * The mean of per-image PSNRs. An image reproduced exactly has infinite PSNR, which would make the
 * mean infinite whatever the other images look like, so each counts at most `capDb` (default
 * {@link PSNR_CAP_DB} = 100 dB, an error of 0.00001 per pixel, far below what a screen can show).
 */
export function meanOfPsnrs(values: ArrayLike<number>, capDb: number = PSNR_CAP_DB): number {
  if (!(capDb > 0) || !Number.isFinite(capDb)) throw new InvalidInputError(`meanPsnr: capDb must be a positive finite number; got ${capDb}.`);
  if (values.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.min(values[i] ?? NaN, capDb);
  return sum / values.length;
}

/** The image lab's classroom entry: the digit decoded at a picked 2-D code, as a PNG (entry kind "image"). */
import type { LabEntryResult } from '../domains/types';
import { greyToPng } from './png-write';
import { IMAGE_PIXELS, IMAGE_SIZE } from './specs';

/** Checks that a digit entry can be made: a model with a 2-D code and a picked point. */
export function digitEntryProblem(options: { model: string | undefined; zDims: number | undefined; z: readonly number[] | undefined }): string | undefined {
  if (!options.model || options.zDims === undefined) return 'Wait until the model has loaded.';
  if (options.zDims !== 2) return 'Digit entries come from a model with a 2-D code: choose the VAE or the convolutional VAE.';
  if (!options.z) return 'Pick a point: click on the manifold grid to decode a code.';
  return undefined;
}

/** The entry for the digit `pixels` (IMAGE_SIZE² values in 0..1) decoded at code `z` by `model`. */
export function digitEntry(model: string, z: readonly [number, number], pixels: ArrayLike<number>): LabEntryResult {
  return {
    kind: 'image',
    png: greyToPng(
      Array.from({ length: IMAGE_PIXELS }, (_, i) => pixels[i] ?? 0),
      IMAGE_SIZE,
    ),
    latent: [...z],
    params: { model },
    summary: `the digit at z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`,
  };
}

/**
 * Where a model squeezes a digit, in a learner's words — and so what a fair linear (PCA) baseline
 * for it is. Plain data, no TF.js: the lab shows it before anything runs.
 *
 * - A plain autoencoder or VAE squeezes the digit through its code: PCA keeps the same number of
 *   numbers (the best linear code of that size).
 * - A super-resolution model's code has 784 numbers, but everything it knows about the digit comes
 *   through its small input (196 or 49 pixels): that is its real bottleneck. PCA with 784
 *   components would be the identity (a perfect "100 dB"), so PCA keeps as many numbers as the
 *   small input has; the classical answer to the same small digit, bicubic enlarging, is shown too.
 * - The denoiser's code (1,568 numbers) is larger than the image: it squeezes nothing. PCA with
 *   every component would hand back the noisy digit, so the baseline is PCA denoising with the
 *   number of components that denoises the training digits best.
 */
import { IMAGE_PIXELS, type ImageModelSpec } from './specs';

export type BaselineKind = 'code' | 'input' | 'none';

export interface Bottleneck {
  /** `code`: squeezed through the code; `input`: through a small input; `none`: not squeezed at all. */
  kind: BaselineKind;
  /** Numbers the digit is squeezed into (the code's, or the small input's pixels); for `none`, the code's size. */
  numbers: number;
  /** One or two sentences for the lab: where the squeeze is and what PCA is compared with. */
  explanation: string;
}

const n = (x: number): string => x.toLocaleString('en');

export function bottleneckOf(spec: ImageModelSpec): Bottleneck {
  if (spec.corruption.kind === 'downsample') {
    const pixels = spec.inputSize * spec.inputSize;
    return {
      kind: 'input',
      numbers: pixels,
      explanation:
        `This model's code has ${n(spec.zDims)} numbers, but all it knows about a digit comes through its ${spec.inputSize}×${spec.inputSize} input: ${pixels} numbers are its real bottleneck. ` +
        `So PCA keeps ${pixels} numbers of the clean digit (easier than the model's task: PCA picks its best ${pixels} numbers, the model must use the pixels it is given), and plain bilinear and bicubic enlarging of the same small digit are shown too.`,
    };
  }
  if (spec.zDims >= IMAGE_PIXELS) {
    return {
      kind: 'none',
      numbers: spec.zDims,
      explanation:
        `This model's code has ${n(spec.zDims)} numbers — more than the ${IMAGE_PIXELS} pixels of a digit — so it squeezes nothing: its lesson is removing noise, not compressing. ` +
        'PCA with every component would hand back the noisy digit unchanged, so the baseline is classic PCA denoising: keep the components that denoise the training digits best (chosen on noisy training digits, never the test ones).',
    };
  }
  return {
    kind: 'code',
    numbers: spec.zDims,
    explanation: `PCA keeps the best linear code of the same size (${n(spec.zDims)} number${spec.zDims === 1 ? '' : 's'}). Does the autoencoder's non-linear code do better?`,
  };
}

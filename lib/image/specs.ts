/**
 * The lesson's image models as plain data: ids, what each model sees and outputs, its code size,
 * loss and default training settings, and the lesson text the lab shows. Nothing here touches
 * TF.js, so pages can use it (the model worker builds the layers from it: `models.ts`).
 */
import { InvalidInputError } from '../core/errors';

export const IMAGE_MODEL_IDS = ['dense-ae', 'conv-ae', 'vae', 'conv-vae', 'denoise', 'superres-2x', 'superres-4x'] as const;
export type ImageModelId = (typeof IMAGE_MODEL_IDS)[number];

export function isImageModelId(value: unknown): value is ImageModelId {
  return typeof value === 'string' && (IMAGE_MODEL_IDS as readonly string[]).includes(value);
}

/**
 * How a small (low-resolution) digit was made from the full one, for the super-resolution models:
 * `box` averages each block (a camera with bigger pixels), `point` keeps one pixel per block
 * (nearest neighbour), `bilinear` and `bicubic` are the image editors' antialiased filters (a
 * triangle and Keys' cubic, widened by the factor). See `resample.ts`.
 */
export const DOWNSAMPLE_KERNELS = ['box', 'point', 'bilinear', 'bicubic'] as const;
export type DownsampleKernel = (typeof DOWNSAMPLE_KERNELS)[number];

/** What the model sees: the clean digit, a noisy copy, or a smaller copy (made with `box` unless said otherwise). */
export type Corruption = { kind: 'none' } | { kind: 'noise'; sigma: number } | { kind: 'downsample'; factor: 2 | 4 };

/** The loss the model trains on (and reports). */
export type ImageLoss = 'bce' | 'vae';

export interface ImageModelSpec {
  id: ImageModelId;
  title: string;
  /** One-paragraph lesson text shown in the lab. */
  lesson: string;
  variational: boolean;
  /** Side of the square input the encoder takes. */
  inputSize: 28 | 14 | 7;
  corruption: Corruption;
  zDims: number;
  loss: ImageLoss;
  /** Default training settings (the CLI and the browser use the same). */
  defaults: { epochs: number; batchSize: number; learningRate: number };
}

export const IMAGE_SIZE = 28;
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;

const SPECS: Record<ImageModelId, ImageModelSpec> = {
  'dense-ae': {
    id: 'dense-ae',
    title: 'Dense autoencoder',
    lesson: 'One hidden layer of 32 numbers: 784 pixels squeezed 24.5× and rebuilt. The simplest autoencoder.',
    variational: false,
    inputSize: 28,
    corruption: { kind: 'none' },
    zDims: 32,
    loss: 'bce',
    defaults: { epochs: 30, batchSize: 128, learningRate: 2e-3 },
  },
  'conv-ae': {
    id: 'conv-ae',
    title: 'Convolutional autoencoder',
    lesson: 'Convolutions with 16-8-8 filters and max-pooling shrink the digit to a 4×4×8 code (128 numbers); upsampling and convolutions rebuild it.',
    variational: false,
    inputSize: 28,
    corruption: { kind: 'none' },
    zDims: 128,
    loss: 'bce',
    defaults: { epochs: 30, batchSize: 128, learningRate: 2e-3 },
  },
  vae: {
    id: 'vae',
    title: 'Variational autoencoder (2-D)',
    lesson:
      'The encoder outputs a distribution (μ, log σ²) over a 2-D code; the KL term pulls all codes toward a standard normal, so every point of the plane decodes to a plausible digit.',
    variational: true,
    inputSize: 28,
    corruption: { kind: 'none' },
    zDims: 2,
    loss: 'vae',
    defaults: { epochs: 40, batchSize: 128, learningRate: 1e-3 },
  },
  'conv-vae': {
    id: 'conv-vae',
    title: 'Convolutional VAE (the assignment)',
    lesson: 'The same 2-D VAE with strided convolutions in the encoder and transposed convolutions in the decoder: it sees strokes, not pixels.',
    variational: true,
    inputSize: 28,
    corruption: { kind: 'none' },
    zDims: 2,
    loss: 'vae',
    defaults: { epochs: 40, batchSize: 128, learningRate: 1e-3 },
  },
  denoise: {
    id: 'denoise',
    title: 'Denoising autoencoder',
    lesson: 'Trained on digits buried in Gaussian noise to output the clean digit: it learns what a digit looks like, and drops everything else.',
    variational: false,
    inputSize: 28,
    corruption: { kind: 'noise', sigma: 0.5 },
    zDims: 7 * 7 * 32,
    loss: 'bce',
    defaults: { epochs: 20, batchSize: 128, learningRate: 2e-3 },
  },
  'superres-2x': {
    id: 'superres-2x',
    title: 'Super-resolution 14×14 → 28×28',
    lesson: 'Sees a 14×14 copy of the digit and draws the full 28×28 one: the decoder fills in detail it learned from thousands of digits.',
    variational: false,
    inputSize: 14,
    corruption: { kind: 'downsample', factor: 2 },
    zDims: 7 * 7 * 16,
    loss: 'bce',
    defaults: { epochs: 20, batchSize: 128, learningRate: 2e-3 },
  },
  'superres-4x': {
    id: 'superres-4x',
    title: 'Super-resolution 7×7 → 28×28',
    lesson: 'Only 49 pixels in, 784 out: at 4× the model must guess most of the stroke shape.',
    variational: false,
    inputSize: 7,
    corruption: { kind: 'downsample', factor: 4 },
    zDims: 7 * 7 * 16,
    loss: 'bce',
    defaults: { epochs: 20, batchSize: 128, learningRate: 2e-3 },
  },
};

export function imageModelSpec(id: ImageModelId, options: { zDims?: number; noiseSigma?: number } = {}): ImageModelSpec {
  const base = SPECS[id];
  const spec: ImageModelSpec = { ...base, corruption: { ...base.corruption } };
  if (options.zDims !== undefined) {
    if (!base.variational && id !== 'dense-ae')
      throw new InvalidInputError(`The code size of "${id}" is fixed by its architecture (${base.zDims}); only the dense models take --z.`);
    if (!Number.isInteger(options.zDims) || options.zDims < 1 || options.zDims > 256)
      throw new InvalidInputError(`The code size must be a whole number from 1 to 256; got ${options.zDims}.`);
    spec.zDims = options.zDims;
  }
  if (options.noiseSigma !== undefined) {
    if (spec.corruption.kind !== 'noise') throw new InvalidInputError(`Only the denoising model takes a noise level; "${id}" does not.`);
    if (!Number.isFinite(options.noiseSigma) || options.noiseSigma < 0 || options.noiseSigma > 2)
      throw new InvalidInputError(`The noise level σ must be from 0 to 2; got ${options.noiseSigma}.`);
    spec.corruption = { kind: 'noise', sigma: options.noiseSigma };
  }
  return spec;
}

/**
 * The lesson's autoencoders on MNIST, as pairs of TF.js layers models (encoder, decoder), so each
 * half saves as a standard `model.json` loadable with `tf.loadLayersModel`.
 *
 * Every encoder takes the model's input (28×28×1, or 14×14×1 / 7×7×1 for super-resolution, values
 * 0..1) and outputs the code `[n, zDims]` (VAEs: two outputs, μ and log-variance). Every decoder maps
 * a code to a 28×28×1 image in 0..1.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';

export const IMAGE_MODEL_IDS = ['dense-ae', 'conv-ae', 'vae', 'conv-vae', 'denoise', 'superres-2x', 'superres-4x'] as const;
export type ImageModelId = (typeof IMAGE_MODEL_IDS)[number];

export function isImageModelId(value: unknown): value is ImageModelId {
  return typeof value === 'string' && (IMAGE_MODEL_IDS as readonly string[]).includes(value);
}

/** What the model sees: the clean digit, a noisy copy, or a smaller copy. */
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
    lesson: 'The encoder outputs a distribution (μ, log σ²) over a 2-D code; the KL term pulls all codes toward a standard normal, so every point of the plane decodes to a plausible digit.',
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
    if (!base.variational && id !== 'dense-ae') throw new InvalidInputError(`The code size of "${id}" is fixed by its architecture (${base.zDims}); only the dense models take --z.`);
    if (!Number.isInteger(options.zDims) || options.zDims < 1 || options.zDims > 256) throw new InvalidInputError(`The code size must be a whole number from 1 to 256; got ${options.zDims}.`);
    spec.zDims = options.zDims;
  }
  if (options.noiseSigma !== undefined) {
    if (spec.corruption.kind !== 'noise') throw new InvalidInputError(`Only the denoising model takes a noise level; "${id}" does not.`);
    if (!Number.isFinite(options.noiseSigma) || options.noiseSigma < 0 || options.noiseSigma > 2) throw new InvalidInputError(`The noise level σ must be from 0 to 2; got ${options.noiseSigma}.`);
    spec.corruption = { kind: 'noise', sigma: options.noiseSigma };
  }
  return spec;
}

type Layer = tf.layers.Layer;

function chain(input: tf.SymbolicTensor, layers: Layer[]): tf.SymbolicTensor {
  let t = input;
  for (const layer of layers) {
    const out = layer.apply(t);
    if (Array.isArray(out) || !(out instanceof tf.SymbolicTensor)) throw new Error('Expected one symbolic tensor from a layer.');
    t = out;
  }
  return t;
}

const pool = (name: string): Layer => tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', name });
const up = (name: string, size = 2): Layer => tf.layers.upSampling2d({ size: [size, size], name });

/**
 * Builds a fresh encoder and decoder for a spec, with Glorot-normal kernels (TF.js's default) and
 * zero biases. With `seed`, every kernel's initial values come from `seed` (layer by layer), so the
 * same seed gives the same starting weights and a training run can be repeated exactly; without
 * one they are random. Caller disposes both.
 */
export function buildImageModel(spec: ImageModelSpec, seed?: number): { encoder: tf.LayersModel; decoder: tf.LayersModel } {
  let layerSeed = seed;
  const init = (): { kernelInitializer?: ReturnType<typeof tf.initializers.glorotNormal> } =>
    layerSeed === undefined ? {} : { kernelInitializer: tf.initializers.glorotNormal({ seed: (layerSeed = (layerSeed + 1) >>> 0) }) };
  const conv = (filters: number, name: string, options: { activation?: 'relu' | 'sigmoid'; padding?: 'same' | 'valid'; strides?: number } = {}): Layer =>
    tf.layers.conv2d({ filters, kernelSize: 3, activation: options.activation ?? 'relu', padding: options.padding ?? 'same', strides: options.strides ?? 1, name, ...init() });
  const dense = (units: number, name: string, activation: 'relu' | 'sigmoid' | 'linear' = 'relu'): Layer => tf.layers.dense({ units, activation, name, ...init() });
  const inShape: [number, number, number] = [spec.inputSize, spec.inputSize, 1];
  const x = tf.input({ shape: inShape, name: 'image' });
  const z = tf.input({ shape: [spec.zDims], name: 'code' });
  const outImage = (t: tf.SymbolicTensor): tf.SymbolicTensor => chain(t, [tf.layers.reshape({ targetShape: [IMAGE_SIZE, IMAGE_SIZE, 1], name: 'to_image' })]);
  let encoderOutputs: tf.SymbolicTensor[];
  let decoded: tf.SymbolicTensor;
  switch (spec.id) {
    case 'dense-ae': {
      encoderOutputs = [chain(x, [tf.layers.flatten({ name: 'flatten' }), dense(spec.zDims, 'code')])];
      decoded = outImage(chain(z, [dense(IMAGE_PIXELS, 'pixels', 'sigmoid')]));
      break;
    }
    case 'conv-ae': {
      encoderOutputs = [chain(x, [conv(16, 'conv1'), pool('pool1'), conv(8, 'conv2'), pool('pool2'), conv(8, 'conv3'), pool('pool3'), tf.layers.flatten({ name: 'flatten' })])];
      decoded = chain(z, [
        tf.layers.reshape({ targetShape: [4, 4, 8], name: 'to_map' }),
        conv(8, 'deconv1'),
        up('up1'),
        conv(8, 'deconv2'),
        up('up2'),
        conv(16, 'deconv3', { padding: 'valid' }),
        up('up3'),
        conv(1, 'pixels', { activation: 'sigmoid' }),
      ]);
      break;
    }
    case 'vae': {
      const h = chain(x, [tf.layers.flatten({ name: 'flatten' }), dense(512, 'hidden')]);
      encoderOutputs = [chain(h, [dense(spec.zDims, 'z_mean', 'linear')]), chain(h, [dense(spec.zDims, 'z_log_var', 'linear')])];
      decoded = outImage(chain(z, [dense(512, 'hidden'), dense(IMAGE_PIXELS, 'pixels', 'sigmoid')]));
      break;
    }
    case 'conv-vae': {
      // Keras's example VAE squeezes the conv features through 16 units; with 8,000 digits that encoder
      // underfit (amortisation gap on training digits 1.75 vs the dense VAE's 0.63), so 256 here.
      const h = chain(x, [conv(32, 'conv1', { strides: 2 }), conv(64, 'conv2', { strides: 2 }), tf.layers.flatten({ name: 'flatten' }), dense(256, 'hidden')]);
      encoderOutputs = [chain(h, [dense(spec.zDims, 'z_mean', 'linear')]), chain(h, [dense(spec.zDims, 'z_log_var', 'linear')])];
      decoded = chain(z, [
        dense(7 * 7 * 64, 'hidden'),
        tf.layers.reshape({ targetShape: [7, 7, 64], name: 'to_map' }),
        tf.layers.conv2dTranspose({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'deconv1', ...init() }),
        tf.layers.conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'deconv2', ...init() }),
        tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid', name: 'pixels', ...init() }),
      ]);
      break;
    }
    case 'denoise': {
      encoderOutputs = [chain(x, [conv(32, 'conv1'), pool('pool1'), conv(32, 'conv2'), pool('pool2'), tf.layers.flatten({ name: 'flatten' })])];
      decoded = chain(z, [
        tf.layers.reshape({ targetShape: [7, 7, 32], name: 'to_map' }),
        conv(32, 'deconv1'),
        up('up1'),
        conv(32, 'deconv2'),
        up('up2'),
        conv(1, 'pixels', { activation: 'sigmoid' }),
      ]);
      break;
    }
    case 'superres-2x':
    case 'superres-4x': {
      const layers: Layer[] = [conv(32, 'conv1'), conv(32, 'conv2')];
      if (spec.id === 'superres-2x') layers.push(pool('pool1'));
      layers.push(conv(16, 'code_map'), tf.layers.flatten({ name: 'flatten' }));
      encoderOutputs = [chain(x, layers)];
      decoded = chain(z, [
        tf.layers.reshape({ targetShape: [7, 7, 16], name: 'to_map' }),
        conv(64, 'deconv1'),
        up('up1'),
        conv(32, 'deconv2'),
        up('up2'),
        conv(16, 'deconv3'),
        conv(1, 'pixels', { activation: 'sigmoid' }),
      ]);
      break;
    }
  }
  const [first] = encoderOutputs;
  if (!first) throw new Error('An encoder needs at least one output.');
  const encoder = tf.model({ inputs: x, outputs: encoderOutputs.length === 1 ? first : encoderOutputs, name: `${spec.id}-encoder` });
  const decoder = tf.model({ inputs: z, outputs: decoded, name: `${spec.id}-decoder` });
  return { encoder, decoder };
}

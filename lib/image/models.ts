/**
 * The lesson's autoencoders on MNIST, as pairs of TF.js layers models (encoder, decoder), so each
 * half saves as a standard `model.json` loadable with `tf.loadLayersModel`.
 *
 * Every encoder takes the model's input (28×28×1, or 14×14×1 / 7×7×1 for super-resolution, values
 * 0..1) and outputs the code `[n, zDims]` (VAEs: two outputs, μ and log-variance). Every decoder maps
 * a code to a 28×28×1 image in 0..1.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../core/random';
import { IMAGE_PIXELS, IMAGE_SIZE, type ImageModelSpec } from './specs';

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
  let layer = 0;
  const init = (): { kernelInitializer?: ReturnType<typeof tf.initializers.glorotNormal> } =>
    seed === undefined ? {} : { kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(seed, 'layer', layer++) }) };
  const conv = (filters: number, name: string, options: { activation?: 'relu' | 'sigmoid'; padding?: 'same' | 'valid'; strides?: number } = {}): Layer =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      activation: options.activation ?? 'relu',
      padding: options.padding ?? 'same',
      strides: options.strides ?? 1,
      name,
      ...init(),
    });
  const dense = (units: number, name: string, activation: 'relu' | 'sigmoid' | 'linear' = 'relu'): Layer =>
    tf.layers.dense({ units, activation, name, ...init() });
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
      encoderOutputs = [
        chain(x, [conv(16, 'conv1'), pool('pool1'), conv(8, 'conv2'), pool('pool2'), conv(8, 'conv3'), pool('pool3'), tf.layers.flatten({ name: 'flatten' })]),
      ];
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

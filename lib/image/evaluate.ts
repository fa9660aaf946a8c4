/**
 * Test-split metrics of an image model, as `eval:image`, the model cards and the targets use them:
 * the loss the model trains on, PSNR against the clean digit and, for the corrupting models, the
 * baselines it must beat (the corrupted input itself; for super-resolution bilinear and bicubic
 * enlarging of the same small digit, for every way of making the small digit).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../core/random';
import { blockUpsampleTensor, corruptImages } from './corrupt';
import type { ImageAutoencoder } from './image-model';
import { bce, meanKl, sampleCode } from './losses';
import { meanOfPsnrs, psnrPerImage } from './psnr';
import { alignmentFor, upsample } from './resample';
import { DOWNSAMPLE_KERNELS, IMAGE_PIXELS, type DownsampleKernel } from './specs';
import { imagesTensor, range, toFloat32, type ImageData } from './tensors';

/** Super-resolution on small digits made with one filter: the model against plain enlarging. */
export interface KernelMetrics {
  kernel: DownsampleKernel;
  /** Mean PSNR of the model's output vs clean, dB. */
  psnr: number;
  /** The small digit enlarged by repeating pixels, dB. */
  nearestPsnr: number;
  bilinearPsnr: number;
  bicubicPsnr: number;
}

export interface ImageMetrics {
  model: string;
  testImages: number;
  /** BCE per pixel of the output against the clean digit (autoencoders' loss). */
  bce: number;
  /** 784·MSE + KL per digit (VAEs' loss, on a sampled code as in the lesson; KL is 0 and no sampling for plain autoencoders). */
  vaeLoss: number;
  /** Mean PSNR of output vs clean, dB (super-resolution: on box-averaged small digits). */
  psnr: number;
  /** Mean PSNR of the corrupted input vs clean (noisy; or nearest-upsampled small copy), dB. */
  inputPsnr?: number;
  /** Super-resolution baseline: bicubic upsampling of the box-averaged small copy vs clean, dB. */
  bicubicPsnr?: number;
  /** Super-resolution: the same comparison for every downsampling filter. */
  perKernel?: KernelMetrics[];
}

const BATCH = 500;

async function kernelMetrics(model: ImageAutoencoder, test: ImageData, factor: 2 | 4, kernel: DownsampleKernel): Promise<KernelMetrics> {
  const psnrs = { psnr: [] as number[], nearestPsnr: [] as number[], bilinearPsnr: [] as number[], bicubicPsnr: [] as number[] };
  const size = model.spec.inputSize;
  for (let start = 0; start < test.count; start += BATCH) {
    const idx = range(start, Math.min(test.count, start + BATCH));
    const clean = imagesTensor(test, idx);
    const small = corruptImages(clean, model.spec.corruption, 0, { kernel });
    const out = tf.tidy(() => {
      const [code] = model.encodeRaw(small);
      if (!code) throw new Error('The encoder gave no output.');
      return model.decodeRaw(code);
    });
    const cleanArr = await toFloat32(clean);
    const smallArr = await toFloat32(small);
    const outArr = await toFloat32(out);
    psnrs.psnr.push(...psnrPerImage(cleanArr, outArr, IMAGE_PIXELS));
    // Plain enlarging done right for this kind of small digit (point-sampled pixels go back where they came from).
    for (const k of ['nearest', 'bilinear', 'bicubic'] as const)
      psnrs[`${k}Psnr`].push(...psnrPerImage(cleanArr, upsample(smallArr, size, factor, k, alignmentFor(kernel)), IMAGE_PIXELS));
  }
  return {
    kernel,
    psnr: meanOfPsnrs(psnrs.psnr),
    nearestPsnr: meanOfPsnrs(psnrs.nearestPsnr),
    bilinearPsnr: meanOfPsnrs(psnrs.bilinearPsnr),
    bicubicPsnr: meanOfPsnrs(psnrs.bicubicPsnr),
  };
}

/**
 * Test-set metrics (deterministic: the noise and sampled codes come from `seed`, default 7).
 * Super-resolution models are also measured on small digits made with each filter of
 * `DOWNSAMPLE_KERNELS` (`perKernel`), against nearest, bilinear and bicubic enlarging.
 */
export async function evaluateImageModel(model: ImageAutoencoder, test: ImageData, options: { seed?: number } = {}): Promise<ImageMetrics> {
  const spec = model.spec;
  let bceSum = 0;
  let vaeSum = 0;
  let psnrSum = 0;
  let inputPsnrSum = 0;
  for (let start = 0; start < test.count; start += BATCH) {
    const idx = range(start, Math.min(test.count, start + BATCH));
    const seed = deriveSeed(options.seed ?? 7, 'evaluate', start);
    const values = tf.tidy(() => {
      const clean = imagesTensor(test, idx);
      const input = corruptImages(clean, spec.corruption, seed);
      const [mean, logVar] = model.encodeRaw(input);
      if (!mean) throw new Error('The encoder gave no output.');
      const out = model.decodeRaw(mean);
      const n = idx.length;
      // The VAE loss is measured like the lesson's Keras notebook: on a sampled code (seeded here).
      const sampled = logVar ? model.decodeRaw(sampleCode(mean, logVar, deriveSeed(seed, 'code'))) : out;
      const mse = tf.mean(tf.square(tf.sub(clean, sampled)));
      const kl = logVar ? meanKl(mean, logVar) : tf.scalar(0);
      const inputFull = spec.corruption.kind === 'downsample' ? blockUpsampleTensor(input) : input;
      return tf.stack([
        tf.mul(bce(clean, out), n),
        tf.mul(tf.add(tf.mul(mse, IMAGE_PIXELS), kl), n),
        tf.mul(psnrTensor(clean, out), n),
        tf.mul(psnrTensor(clean, inputFull), n),
      ]);
    });
    const v = await values.data();
    values.dispose();
    bceSum += v[0] ?? NaN;
    vaeSum += v[1] ?? NaN;
    psnrSum += v[2] ?? NaN;
    inputPsnrSum += v[3] ?? NaN;
  }
  const n = test.count;
  const metrics: ImageMetrics = { model: spec.id, testImages: n, bce: bceSum / n, vaeLoss: vaeSum / n, psnr: psnrSum / n };
  if (spec.corruption.kind !== 'none') metrics.inputPsnr = inputPsnrSum / n;
  if (spec.corruption.kind === 'downsample') {
    const perKernel: KernelMetrics[] = [];
    for (const kernel of DOWNSAMPLE_KERNELS) perKernel.push(await kernelMetrics(model, test, spec.corruption.factor, kernel));
    metrics.perKernel = perKernel;
    metrics.bicubicPsnr = perKernel.find((k) => k.kernel === 'box')?.bicubicPsnr;
  }
  return metrics;
}

/** Mean PSNR (peak 1) between two batches of images `[n, h, w, c]`, as a scalar in dB. Caller disposes. */
export function psnrTensor(a: tf.Tensor4D, b: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const mse = tf.maximum(tf.mean(tf.square(tf.sub(a, b)), [1, 2, 3]), 1e-10);
    return tf.mean(tf.mul(-10 / Math.LN10, tf.log(mse))) as tf.Scalar;
  });
}

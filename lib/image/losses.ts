/**
 * The losses the image models train on (per the lesson): autoencoders — binary cross-entropy per
 * pixel against the clean digit; VAEs — 784·MSE + KL per digit (the Keras notebook's loss), with the
 * reparameterisation trick.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError } from '../core/errors';
import { createRng, deriveSeed } from '../core/random';
import { corruptImages } from './corrupt';
import type { ImageAutoencoder } from './image-model';
import { IMAGE_PIXELS } from './specs';
import { imagesTensor, range, type ImageData } from './tensors';

/** Binary cross-entropy per pixel (mean), predictions clipped away from 0 and 1. Call inside tidy. */
export function bce(target: tf.Tensor, pred: tf.Tensor): tf.Scalar {
  const p = tf.clipByValue(pred, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))))) as tf.Scalar;
}

/** KL(q(z|x) ‖ N(0, I)) per digit, averaged over the batch. Call inside tidy. */
export function meanKl(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar)), 1))) as tf.Scalar;
}

/** `mean + σ·ε` with ε drawn from `seed` (the reparameterisation trick). Call inside tidy. */
export function sampleCode(mean: tf.Tensor2D, logVar: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.tensor2d(createRng(seed).normalArray(mean.size), mean.shape))) as tf.Tensor2D;
}

/**
 * The model's loss on a batch (a scalar; call inside tidy or a gradient function). `noiseSeed`
 * seeds the reparameterisation noise of VAEs; `klWeight` scales their KL term (1, the true loss,
 * unless warming up).
 */
export function imageLoss(model: ImageAutoencoder, input: tf.Tensor4D, target: tf.Tensor4D, noiseSeed: number, training: boolean, klWeight = 1): tf.Scalar {
  const [mean, logVar] = model.encodeRaw(input, training);
  if (!mean) throw new Error('The encoder gave no output.');
  if (!model.spec.variational || !logVar) return bce(target, model.decodeRaw(mean, training));
  const recon = model.decodeRaw(sampleCode(mean, logVar, noiseSeed), training);
  const mse = tf.mean(tf.square(tf.sub(target, recon)));
  const kl = meanKl(mean, logVar);
  return tf.add(tf.mul(mse, IMAGE_PIXELS), klWeight === 1 ? kl : tf.mul(kl, klWeight)) as tf.Scalar;
}

/** Mean loss over a whole set in batches (deterministic: fixed noise seeds). */
export async function datasetLoss(
  model: ImageAutoencoder,
  data: ImageData,
  options: { batchSize?: number; seed?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const batch = options.batchSize ?? 500;
  let total = 0;
  for (let start = 0; start < data.count; start += batch) {
    if (options.signal?.aborted) throw new CancelledError('Evaluating the model');
    const idx = range(start, Math.min(data.count, start + batch));
    const seed = deriveSeed(options.seed ?? 7, 'evaluate', start);
    const loss = tf.tidy(() => {
      const clean = imagesTensor(data, idx);
      const input = corruptImages(clean, model.spec.corruption, seed);
      return tf.mul(imageLoss(model, input, clean, deriveSeed(seed, 'code'), false), idx.length);
    });
    total += (await loss.data())[0] ?? NaN;
    loss.dispose();
  }
  return total / data.count;
}

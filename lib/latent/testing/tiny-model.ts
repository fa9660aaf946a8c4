/**
 * A tiny linear autoencoder with seeded random weights, for testing the latent tools and the
 * contract suite without training anything. Input `[n, inputDims]` in 0..1, code `[n, zDims]`.
 * With a temperature, decode adds seeded Gaussian noise scaled by it (so determinism by seed is
 * testable).
 */
import * as tf from '@tensorflow/tfjs';
import type { DecodeOptions } from '../../core/latent-model';
import { createRng } from '../../core/random';
import { LatentModelBase } from '../base-model';

export class TinyLinearModel extends LatentModelBase<tf.Tensor2D> {
  readonly name = 'tiny-linear';
  readonly zDims: number;
  private readonly encoderKernel: tf.Tensor2D;
  private readonly decoderKernel: tf.Tensor2D;

  constructor(
    readonly inputDims = 12,
    zDims = 3,
    seed = 7,
  ) {
    super();
    this.zDims = zDims;
    const rng = createRng(seed);
    this.encoderKernel = tf.tensor2d(rng.normalArray(inputDims * zDims), [inputDims, zDims]);
    this.decoderKernel = tf.tensor2d(rng.normalArray(zDims * inputDims), [zDims, inputDims]);
  }

  protected async encodeBatch(x: tf.Tensor2D): Promise<tf.Tensor2D> {
    return tf.tidy(() => tf.matMul(x, this.encoderKernel) as tf.Tensor2D);
  }

  protected async decodeBatch(z: tf.Tensor2D, options: DecodeOptions): Promise<tf.Tensor2D> {
    const noise = options.temperature && options.temperature > 0 ? createRng(options.seed ?? 0).normalArray(z.shape[0] * this.inputDims) : undefined;
    return tf.tidy(() => {
      const logits = tf.matMul(z, this.decoderKernel);
      const noisy = noise ? logits.add(tf.tensor2d(noise, [z.shape[0], this.inputDims]).mul(options.temperature ?? 0)) : logits;
      return tf.sigmoid(noisy) as tf.Tensor2D;
    });
  }

  protected disposeWeights(): void {
    this.encoderKernel.dispose();
    this.decoderKernel.dispose();
  }
}

/**
 * An image autoencoder (any of the lesson's models) behind the {@link LatentModel} contract.
 *
 * `encode` takes the model's input — the clean digit, or for super-resolution the small copy —
 * as `[n, s, s, 1]` in 0..1 and gives the code (μ for VAEs). `decode` gives `[n, 28, 28, 1]`.
 * `corrupt` makes a model input from clean digits (noise or downsampling), seeded.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import type { DecodeOptions } from '../core/latent-model';
import { createRng } from '../core/random';
import { corruptImages, type CorruptOptions } from './corrupt';
import { LatentModelBase } from '../latent/base-model';
import type { RefinementProblem } from '../latent/refine';
import { buildImageModel } from './models';
import { IMAGE_SIZE, type ImageModelSpec } from './specs';

export class ImageAutoencoder extends LatentModelBase<tf.Tensor4D> {
  readonly name: string;
  readonly zDims: number;

  constructor(
    readonly spec: ImageModelSpec,
    readonly encoder: tf.LayersModel,
    readonly decoder: tf.LayersModel,
  ) {
    super();
    this.name = spec.id;
    this.zDims = spec.zDims;
    const inShape = encoder.inputs[0]?.shape;
    if (!inShape || inShape[1] !== spec.inputSize || inShape[2] !== spec.inputSize || inShape[3] !== 1) {
      throw new InvalidInputError(
        `The encoder of "${spec.id}" must take ${spec.inputSize}×${spec.inputSize}×1 images; it takes [${inShape?.join(', ') ?? '?'}].`,
      );
    }
    const outputs = encoder.outputs.length;
    if (outputs !== (spec.variational ? 2 : 1) || encoder.outputs[0]?.shape[1] !== spec.zDims) {
      throw new InvalidInputError(
        `The encoder of "${spec.id}" must output ${spec.variational ? 'μ and log-variance' : 'one code'} of size ${spec.zDims}; it has ${outputs} output(s) of size ${String(encoder.outputs[0]?.shape[1])}.`,
      );
    }
    const zIn = decoder.inputs[0]?.shape[1];
    const out = decoder.outputs[0]?.shape;
    if (zIn !== spec.zDims || !out || out[1] !== IMAGE_SIZE || out[2] !== IMAGE_SIZE || out[3] !== 1) {
      throw new InvalidInputError(
        `The decoder of "${spec.id}" must map codes of size ${spec.zDims} to 28×28×1 images; it maps ${String(zIn)} to [${out?.join(', ') ?? '?'}].`,
      );
    }
  }

  /** A new, untrained model; with `seed`, its initial weights are the same every time. */
  static create(spec: ImageModelSpec, seed?: number): ImageAutoencoder {
    const { encoder, decoder } = buildImageModel(spec, seed);
    return new ImageAutoencoder(spec, encoder, decoder);
  }

  /** Every trainable variable (encoder then decoder). */
  get trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableWeights, ...this.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  }

  /** The encoder's trainable variables only (to train it with the decoder frozen). */
  get encoderVariables(): tf.Variable[] {
    return this.encoder.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  private checkInput(x: tf.Tensor4D): void {
    const s = this.spec.inputSize;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 1) {
      throw new InvalidInputError(`"${this.spec.id}" takes images of shape [n, ${s}, ${s}, 1]; got [${x.shape.join(', ')}].`);
    }
  }

  /** Encoder outputs for training or inspection: [code] or [μ, logVar]. Call inside tidy. */
  encodeRaw(x: tf.Tensor4D, training = false): tf.Tensor2D[] {
    const out = this.encoder.apply(x, { training });
    const list = Array.isArray(out) ? out : [out];
    return list.map((t) => {
      if (!(t instanceof tf.Tensor)) throw new Error('The encoder returned a symbolic tensor for a concrete input.');
      return t as tf.Tensor2D;
    });
  }

  /** Decoder output for training. Call inside tidy. */
  decodeRaw(z: tf.Tensor2D, training = false): tf.Tensor4D {
    const out = this.decoder.apply(z, { training });
    if (Array.isArray(out) || !(out instanceof tf.Tensor)) throw new Error('The decoder must have one output.');
    return out as tf.Tensor4D;
  }

  /** μ and log-variance (VAEs) or the code with a zero log-variance. Caller disposes both. */
  async encodeDistribution(x: tf.Tensor4D): Promise<{ mean: tf.Tensor2D; logVar: tf.Tensor2D }> {
    this.assertUsable();
    this.checkInput(x);
    return tf.tidy(() => {
      const [mean, logVar] = this.encodeRaw(x);
      if (!mean) throw new Error('The encoder gave no output.');
      return { mean, logVar: logVar ?? tf.zerosLike(mean) };
    });
  }

  /** Refining codes needs the decoder to rebuild the encoder's own input: not for denoising or super-resolution. */
  override get canRefine(): boolean {
    return this.spec.corruption.kind === 'none';
  }

  /**
   * μ, σ and the per-digit reconstruction loss of `x` from a code (the model's own: 784·MSE for
   * VAEs, summed binary cross-entropy for autoencoders), for refined codes.
   */
  protected override refinementProblem(x: tf.Tensor4D): Promise<RefinementProblem | undefined> {
    if (!this.canRefine) return Promise.resolve(undefined);
    this.checkInput(x);
    const target = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    const [mu, sigma] = tf.tidy(() => {
      const [mean, logVar] = this.encodeRaw(x);
      if (!mean) throw new Error('The encoder gave no output.');
      return [mean, logVar ? tf.exp(tf.mul(logVar, 0.5)) : tf.onesLike(mean)] as [tf.Tensor2D, tf.Tensor2D];
    });
    const variational = this.spec.variational;
    const loss = (z: tf.Tensor2D): tf.Tensor1D => {
      const out = tf.reshape(this.decodeRaw(z), target.shape);
      if (variational) return tf.sum(tf.square(tf.sub(target, out)), 1) as tf.Tensor1D;
      const p = tf.clipByValue(out, 1e-7, 1 - 1e-7);
      return tf.neg(tf.sum(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))), 1)) as tf.Tensor1D;
    };
    return Promise.resolve({ mu, sigma, loss, dispose: () => tf.dispose([mu, sigma, target]) });
  }

  protected encodeBatch(x: tf.Tensor4D): Promise<tf.Tensor2D> {
    this.checkInput(x);
    return Promise.resolve(
      tf.tidy(() => {
        const [code] = this.encodeRaw(x);
        if (!code) throw new Error('The encoder gave no output.');
        return code;
      }),
    );
  }

  protected decodeBatch(z: tf.Tensor2D, options: DecodeOptions): Promise<tf.Tensor4D> {
    return Promise.resolve(
      tf.tidy(() => {
        const probs = this.decodeRaw(z);
        const t = options.temperature ?? 0;
        if (t === 0) return probs;
        // Bernoulli pixels, sharpened or flattened by the temperature, from a seeded stream.
        const logits = tf.div(tf.sub(tf.log(tf.add(probs, 1e-6)), tf.log(tf.sub(1 + 1e-6, probs))), t);
        const rng = createRng(options.seed ?? 1);
        const u = tf.tensor(
          Float32Array.from({ length: probs.size }, () => rng.next()),
          probs.shape,
        );
        return tf.cast(tf.less(u, tf.sigmoid(logits)), 'float32') as tf.Tensor4D;
      }),
    );
  }

  /**
   * The model input for clean 28×28 digits (see `corrupt.ts`): a noisy copy (denoiser; `sigma`
   * overrides the model's noise level), a smaller copy (super-resolution; made with `kernel`,
   * default `box`) or the digits themselves (a clone). Caller disposes.
   */
  corrupt(clean: tf.Tensor4D, seed: number, options: CorruptOptions = {}): tf.Tensor4D {
    return corruptImages(clean, this.spec.corruption, seed, options);
  }

  protected disposeWeights(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}

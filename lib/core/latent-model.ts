/**
 * The one latent-model contract that image and music models both implement, so the latent tools
 * (interpolation strips, projections, metrics, the comparison page) are written once.
 *
 * An autoencoder squeezes an input x through a small code z (`encode`) and rebuilds it
 * (`decode`). A variational autoencoder also makes the codes of all inputs look like draws from
 * a standard normal distribution, so decoding *random* normal codes (`sample`) gives new, plausible
 * items, and walking in a straight line (or along the sphere: slerp) between two codes
 * (`interpolate`) morphs one item into another.
 *
 * Tensor shapes: inputs and outputs are batches `X` whose first axis is the batch; codes are
 * `[batch, zDims]`. Every returned tensor belongs to the caller, who must dispose it. Methods are
 * async so long decodes can yield to the event loop.
 */
import type * as tf from '@tensorflow/tfjs';

export type InterpolationMode = 'lerp' | 'slerp';

export const INTERPOLATION_MODES: readonly InterpolationMode[] = ['lerp', 'slerp'];

export interface DecodeOptions {
  /**
   * Sampling temperature for models with a categorical or Bernoulli output: undefined or 0 means
   * deterministic (argmax / mean); higher values give more surprising output.
   */
  temperature?: number;
  /** Seed for any randomness in decoding (temperature sampling), for reproducible results. */
  seed?: number;
}

export interface SampleOptions extends DecodeOptions {
  /** Seed for drawing the random codes. Same seed → same samples. */
  seed?: number;
}

/** The contract. `X` is the model's batch tensor type (e.g. images `[n, 28, 28, 1]`). */
export interface LatentModel<X extends tf.Tensor = tf.Tensor> {
  /** Short identifier shown in the UI, e.g. "vae" or "mel_2bar". */
  readonly name: string;
  /** Size of the code z. */
  readonly zDims: number;
  /** True once `dispose()` ran; every other call then throws `DisposedError`. */
  readonly isDisposed: boolean;
  /** Codes for a batch: `[batch, zDims]` (for VAEs the mean μ). */
  encode(x: X): Promise<tf.Tensor2D>;
  /** Items for a batch of codes `[batch, zDims]`. */
  decode(z: tf.Tensor2D, options?: DecodeOptions): Promise<X>;
  /** `n` new items decoded from standard-normal codes drawn with `options.seed`. */
  sample(n: number, options?: SampleOptions): Promise<X>;
  /**
   * `steps` items morphing from `a` to `b` (each a batch of one): encode both, interpolate the codes
   * (the first and last equal the codes of a and b), decode all.
   */
  interpolate(a: X, b: X, steps: number, mode?: InterpolationMode, options?: DecodeOptions): Promise<X>;
  /** Frees every tensor the model owns. Safe to call twice. */
  dispose(): void;
}

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

/** Straight line (lerp) or along the sphere (slerp): how codes are walked between two ends. */
export const INTERPOLATION_MODES = ['lerp', 'slerp'] as const;
export type InterpolationMode = (typeof INTERPOLATION_MODES)[number];

/** Points of an interpolation strip that the labs and the classroom offer, both ends included. */
export const INTERPOLATION_STEPS = { min: 2, max: 32 } as const;

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

/**
 * Refined codes (test-time inference). The encoder's μ is one network's guess for every input; from
 * it, `steps` Adam steps on z lower the decoder's loss of rebuilding *this* input (the amortisation
 * gap: Cremer et al. 2018; semi-amortized VAEs: Kim et al. 2018). `priorWeight` adds a pull toward μ,
 * ½·priorWeight·Σ((z − μ)/σ)², so the code does not wander far from where the encoder put it.
 */
export interface RefineOptions {
  /** Adam steps (K), 1–1000. */
  steps: number;
  /** Adam's learning rate (default: the model's, 0.3 unless it says otherwise; MusicVAE 0.5). */
  learningRate?: number;
  /**
   * Scale each number's step by the encoder's σ for it, relative to the item's mean σ: the code moves
   * most where the encoder is least sure (default: the model's choice; MusicVAE yes, others no). On
   * mel_2bar this reaches K = 50's accuracy in about 25 steps (docs/music-labs.md).
   */
  scaleBySigma?: boolean;
  /** Weight of the pull toward μ, in units of σ (default 0: none). */
  priorWeight?: number;
  /**
   * Stop each item as soon as it is done (default true): its greedy decode rebuilds the input exactly
   * (models that can tell), or its loss stopped improving. `steps` is then the most an item takes;
   * each item's report says how many it used. False runs every item for all `steps`.
   */
  earlyStop?: boolean;
  /** Called after each step with the steps done and the batch's mean loss. */
  onProgress?: (done: number, total: number, loss: number) => void;
  /** Stops the refinement with a `CancelledError`. */
  signal?: AbortSignal;
}

/** The largest refinement allowed (a guard against absurd requests). */
export const MAX_REFINE_STEPS = 1000;

/** Per item: how refinement changed the loss and how far the code moved. */
export interface RefinementReport {
  /** Loss at μ (reconstruction only, the quantity the steps lower). */
  lossBefore: number;
  /** Loss at the returned code. */
  lossAfter: number;
  /** Length of (z − μ)/σ: how far the code moved, measured in the encoder's own σ (√zDims is a typical draw). */
  distanceSigma: number;
  /** Adam steps this item took (fewer than asked when it stopped early). */
  steps: number;
  /** Why it stopped: all steps done, rebuilt exactly, or its loss stopped improving. */
  stopped: 'steps' | 'exact' | 'plateau';
}

export interface EncodeOptions {
  /** Refine each code from μ with the decoder's loss of the input itself (models that support it). */
  refine?: RefineOptions;
}

/** The contract. `X` is the model's batch tensor type (e.g. images `[n, 28, 28, 1]`). */
export interface LatentModel<X extends tf.Tensor = tf.Tensor> {
  /** Short identifier shown in the UI, e.g. "vae" or "mel_2bar". */
  readonly name: string;
  /** Size of the code z. */
  readonly zDims: number;
  /** True once `dispose()` ran; every other call then throws `DisposedError`. */
  readonly isDisposed: boolean;
  /**
   * Codes for a batch: `[batch, zDims]` (for VAEs the mean μ; with `options.refine`, μ refined by
   * gradient steps on the decoder's loss of `x` — models that cannot refine throw `InvalidInputError`).
   */
  encode(x: X, options?: EncodeOptions): Promise<tf.Tensor2D>;
  /** Whether `encode` accepts `refine` for this model. */
  readonly canRefine: boolean;
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

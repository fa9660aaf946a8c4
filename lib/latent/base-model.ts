/**
 * A base class that gives any encoder/decoder pair the whole {@link LatentModel} contract:
 * subclasses implement `encodeBatch`, `decodeBatch` and `disposeWeights`; sampling, interpolation,
 * input checks and idempotent disposal are shared here.
 */
import type * as tf from '@tensorflow/tfjs';
import { DisposedError, InvalidInputError } from '../core/errors';
import type { DecodeOptions, EncodeOptions, InterpolationMode, LatentModel, RefinementReport, RefineOptions, SampleOptions } from '../core/latent-model';
import { randomSeed, validateSeed } from '../core/random';
import { interpolateCodesTensor, MAX_LATENT_BATCH, randomCodesTensor } from './interpolate';
import { checkRefineOptions, refineCodesTensor, type RefinementProblem } from './refine';

export abstract class LatentModelBase<X extends tf.Tensor> implements LatentModel<X> {
  abstract readonly name: string;
  abstract readonly zDims: number;
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Codes for a validated, non-empty batch. Caller disposes the result. */
  protected abstract encodeBatch(x: X): Promise<tf.Tensor2D>;
  /** Items for a validated batch of codes `[n, zDims]`. Caller disposes the result. */
  protected abstract decodeBatch(z: tf.Tensor2D, options: DecodeOptions): Promise<X>;
  /** Frees the model's own tensors/layers. Called once. */
  protected abstract disposeWeights(): void;

  /**
   * For models that can refine codes: μ, σ and the differentiable per-item loss of rebuilding `x`
   * (see lib/latent/refine). Models that cannot return undefined (the default).
   */
  protected refinementProblem(_x: X): Promise<RefinementProblem | undefined> {
    return Promise.resolve(undefined);
  }

  /** Whether `encode` accepts `refine` (see {@link refinementProblem}). */
  get canRefine(): boolean {
    return false;
  }

  protected assertUsable(): void {
    if (this.disposed) throw new DisposedError(`The model "${this.name}" was disposed; load it again to use it.`);
  }

  private checkOptions(options: DecodeOptions): void {
    const t = options.temperature;
    if (t !== undefined && (!Number.isFinite(t) || t < 0 || t > 10)) {
      throw new InvalidInputError(`temperature must be a number from 0 to 10; got ${String(t)}.`);
    }
    if (options.seed !== undefined) validateSeed(options.seed);
  }

  private checkBatch(x: X): void {
    this.assertUsable();
    if (x.rank < 1 || x.shape[0] === 0) throw new InvalidInputError(`encode needs a non-empty batch; got shape [${x.shape.join(', ')}].`);
    if ((x.shape[0] ?? 0) > MAX_LATENT_BATCH) throw new InvalidInputError(`encode takes at most ${MAX_LATENT_BATCH} items at once; got ${x.shape[0]}.`);
  }

  async encode(x: X, options: EncodeOptions = {}): Promise<tf.Tensor2D> {
    if (options.refine) return (await this.encodeRefined(x, options.refine)).z;
    this.checkBatch(x);
    return this.encodeBatch(x);
  }

  /**
   * Refined codes `[batch, zDims]` (caller disposes) and, per item, the loss at μ and at the code and
   * how far it moved in σ. See {@link RefineOptions}.
   *
   * @throws {InvalidInputError} for models that cannot refine or bad options; `CancelledError` on abort.
   */
  async encodeRefined(x: X, refine: RefineOptions): Promise<{ z: tf.Tensor2D; reports: RefinementReport[] }> {
    this.checkBatch(x);
    checkRefineOptions(refine);
    const problem = await this.refinementProblem(x);
    if (!problem)
      throw new InvalidInputError(
        `"${this.name}" cannot refine its codes: its decoder does not rebuild the encoder's input (or it has no differentiable decoder).`,
      );
    try {
      return await refineCodesTensor(problem, refine);
    } finally {
      problem.dispose();
    }
  }

  async decode(z: tf.Tensor2D, options: DecodeOptions = {}): Promise<X> {
    this.assertUsable();
    this.checkOptions(options);
    if (z.rank !== 2 || z.shape[1] !== this.zDims || z.shape[0] === 0) {
      throw new InvalidInputError(`decode needs codes of shape [n, ${this.zDims}]; got [${z.shape.join(', ')}].`);
    }
    if (z.shape[0] > MAX_LATENT_BATCH) throw new InvalidInputError(`decode takes at most ${MAX_LATENT_BATCH} codes at once; got ${z.shape[0]}.`);
    return this.decodeBatch(z, options);
  }

  async sample(n: number, options: SampleOptions = {}): Promise<X> {
    this.assertUsable();
    this.checkOptions(options);
    const seed = options.seed ?? randomSeed();
    const z = randomCodesTensor(n, this.zDims, seed);
    try {
      // Decoding randomness gets its own stream, derived from the same seed.
      return await this.decodeBatch(z, { ...options, seed: (seed + 1) >>> 0 });
    } finally {
      z.dispose();
    }
  }

  async interpolate(a: X, b: X, steps: number, mode: InterpolationMode = 'lerp', options: DecodeOptions = {}): Promise<X> {
    this.assertUsable();
    this.checkOptions(options);
    if (a.shape[0] !== 1 || b.shape[0] !== 1) {
      throw new InvalidInputError(`interpolate takes two single items (batch size 1); got batches of ${a.shape[0]} and ${b.shape[0]}.`);
    }
    const za = await this.encodeBatch(a);
    let zb: tf.Tensor2D | undefined;
    let path: tf.Tensor2D | undefined;
    try {
      zb = await this.encodeBatch(b);
      path = interpolateCodesTensor(za, zb, steps, mode);
      return await this.decodeBatch(path, options);
    } finally {
      za.dispose();
      zb?.dispose();
      path?.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeWeights();
  }
}

/**
 * A MidiMe-style small VAE over a frozen MusicVAE's codes (Dinculescu, Engel & Roberts 2019;
 * magenta-js `MidiMe`): the big model's encoder turns each of the user's windows into its code z
 * (μ, Z numbers); this small model learns those codes through a much smaller code (4 numbers by
 * default) with dense layers. Sampling goes small code → z → the big model's decoder, so every
 * sample comes from the region of z the user's music occupies; the big model itself never changes.
 *
 * In a learner's words: the big model already knows "music"; the small one only learns "which
 * corner of the big model's map your music lives in".
 *
 * Loss per code: Σ (z − ẑ)² + β·KL(N(μₛ, σₛ²) ‖ N(0, 1)), Adam; as magenta-js's defaults: layers
 * [1024, 256, 64] (mirrored in the decoder), ReLU, a 4-number code, β = 1.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedValues } from '../core/checkpoint-write';
import { InvalidInputError, TrainingDivergedError } from '../core/errors';
import { AdjustableAdam } from '../core/optimizers';
import { createRng } from '../core/random';

export interface LatentVaeSpec {
  /** Size of the big model's code z. */
  inputDims: number;
  /** Size of the small code. */
  latentDims: number;
  /** Hidden layers of the encoder (the decoder mirrors them). */
  layers: number[];
  beta: number;
  learningRate: number;
  seed: number;
}

export const LATENT_VAE_DEFAULTS: Omit<LatentVaeSpec, 'inputDims'> = { latentDims: 4, layers: [1024, 256, 64], beta: 1, learningRate: 1e-3, seed: 1 };

/** The dense layers of both halves, in order, as [name, rows, cols]. */
function layerShapes(spec: LatentVaeSpec): [string, number, number][] {
  const enc = [spec.inputDims, ...spec.layers];
  const dec = [spec.latentDims, ...[...spec.layers].reverse(), spec.inputDims];
  const out: [string, number, number][] = [];
  for (let i = 0; i + 1 < enc.length; i++) out.push([`midime/encoder/dense_${i}`, enc[i] as number, enc[i + 1] as number]);
  const last = enc[enc.length - 1] as number;
  out.push(['midime/encoder/mu', last, spec.latentDims], ['midime/encoder/log_var', last, spec.latentDims]);
  for (let i = 0; i + 1 < dec.length; i++) out.push([`midime/decoder/dense_${i}`, dec[i] as number, dec[i + 1] as number]);
  return out;
}

export interface LatentStepStats {
  step: number;
  loss: number;
  reconstruction: number;
  kl: number;
}

export class LatentVae {
  readonly variables = new Map<string, tf.Variable>();
  private readonly optimizer: AdjustableAdam;
  step = 0;

  constructor(
    readonly spec: LatentVaeSpec,
    initial?: readonly NamedValues[],
  ) {
    if (spec.inputDims < 1 || spec.latentDims < 1 || spec.layers.some((n) => !Number.isInteger(n) || n < 1 || n > 4096))
      throw new InvalidInputError(
        `A latent model needs positive layer sizes; got input ${spec.inputDims}, layers [${spec.layers.join(', ')}], code ${spec.latentDims}.`,
      );
    const given = new Map((initial ?? []).map((v) => [v.name, v] as const));
    const rng = createRng(spec.seed);
    const add = (name: string, shape: number[], fill: () => number): void => {
      const size = shape.reduce((a, b) => a * b, 1);
      const start = given.get(name);
      if (start && start.values.length !== size)
        throw new InvalidInputError(`Variable "${name}" has ${start.values.length} values; [${shape.join(', ')}] needs ${size}.`);
      const init = tf.tensor(start?.values ?? Float32Array.from({ length: size }, fill), shape);
      this.variables.set(name, tf.variable(init, true));
      init.dispose();
    };
    for (const [name, rows, cols] of layerShapes(spec)) {
      const limit = Math.sqrt(6 / (rows + cols));
      add(`${name}/kernel`, [rows, cols], () => (rng.next() * 2 - 1) * limit);
      add(`${name}/bias`, [cols], () => 0);
    }
    this.optimizer = new AdjustableAdam(spec.learningRate);
  }

  private dense(name: string, x: tf.Tensor2D, relu: boolean): tf.Tensor2D {
    const k = this.variables.get(`${name}/kernel`);
    const b = this.variables.get(`${name}/bias`);
    if (!k || !b) throw new InvalidInputError(`Missing variable ${name}.`);
    const y = tf.add(tf.matMul(x, k as tf.Tensor2D), b) as tf.Tensor2D;
    return relu ? tf.relu(y) : y;
  }

  /** Small-code mean and log-variance `[B, latentDims]` for big codes `[B, inputDims]`. Inside a tidy. */
  private encodeTensors(z: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    let h = z;
    this.spec.layers.forEach((_, i) => (h = this.dense(`midime/encoder/dense_${i}`, h, true)));
    return { mu: this.dense('midime/encoder/mu', h, false), logVar: this.dense('midime/encoder/log_var', h, false) };
  }

  /** Big codes `[B, inputDims]` from small codes `[B, latentDims]`. Caller disposes (use inside a tidy). */
  decodeTensor(small: tf.Tensor2D): tf.Tensor2D {
    const n = this.spec.layers.length;
    let h = small;
    for (let i = 0; i <= n; i++) h = this.dense(`midime/decoder/dense_${i}`, h, i < n);
    return h;
  }

  /** The big codes rebuilt through the small code's mean (`[B, inputDims]` → same). Caller disposes. */
  reconstructTensor(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decodeTensor(this.encodeTensors(z).mu));
  }

  /** `n` big codes from random small codes (seeded). Caller disposes. */
  sampleTensor(n: number, seed: number): tf.Tensor2D {
    return tf.tidy(() => this.decodeTensor(tf.tensor2d(createRng(seed).normalArray(n * this.spec.latentDims), [n, this.spec.latentDims])));
  }

  /**
   * One Adam step on a batch of big codes `[B, inputDims]` (not disposed). Throws
   * {@link TrainingDivergedError} without changing any weight when the loss is not finite.
   */
  async trainStep(z: tf.Tensor2D, seed: number): Promise<LatentStepStats> {
    const [B] = z.shape;
    const eps = tf.tensor2d(createRng(seed).normalArray(B * this.spec.latentDims), [B, this.spec.latentDims]);
    let parts: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const { mu, logVar } = this.encodeTensors(z);
      const small = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D;
      const recon = tf.sum(tf.square(tf.sub(z, this.decodeTensor(small))), 1);
      const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 1), 0.5);
      parts = [tf.keep(tf.mean(recon)), tf.keep(tf.mean(kl))];
      return tf.mean(tf.add(recon, tf.mul(kl, this.spec.beta))) as tf.Scalar;
    }, [...this.variables.values()]);
    eps.dispose();
    try {
      const [loss, reconstruction, kl] = await Promise.all([value, ...parts].map(async (t) => (await t.data())[0] ?? NaN));
      if (!Number.isFinite(loss ?? NaN))
        throw new TrainingDivergedError(`The latent model diverged at step ${this.step + 1} (loss ${loss}); its weights were left at the last good step.`);
      this.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      this.step++;
      return { step: this.step, loss: loss ?? NaN, reconstruction: reconstruction ?? NaN, kl: kl ?? NaN };
    } finally {
      tf.dispose([value, ...parts, ...Object.values(grads)]);
    }
  }

  /** The weights as plain data (names `midime/…`). */
  async toNamedValues(): Promise<NamedValues[]> {
    const out: NamedValues[] = [];
    for (const [name, v] of this.variables) out.push({ name, shape: v.shape.slice(), values: Float32Array.from(await v.data()) });
    return out;
  }

  /** Adam's state, for exact resumption. */
  async optimizerValues(): Promise<NamedValues[]> {
    const out: NamedValues[] = [];
    // Adam's first weight is its step count, made afresh for each call: ours to dispose.
    const weights = await this.optimizer.getWeights();
    try {
      for (const [i, w] of weights.entries())
        out.push({ name: `slot_${String(i).padStart(5, '0')}`, shape: w.tensor.shape.slice(), values: Float32Array.from(await w.tensor.data()) });
    } finally {
      weights[0]?.tensor.dispose();
    }
    return out;
  }

  /** Restores Adam's state saved by {@link optimizerValues}. */
  async setOptimizerValues(values: readonly NamedValues[]): Promise<void> {
    const tensors = [...values].sort((a, b) => (a.name < b.name ? -1 : 1)).map((v) => ({ name: v.name, tensor: tf.tensor(v.values, v.shape) }));
    try {
      await this.optimizer.setWeights(tensors);
    } finally {
      tf.dispose(tensors.map((t) => t.tensor));
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.optimizer.dispose();
  }
}

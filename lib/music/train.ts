/**
 * Training a MusicVAE the way Magenta does (Roberts et al., 2018): a β-VAE whose loss is the
 * decoder's cross-entropy with teacher forcing plus β·max(KL − free bits, 0), β warmed up as
 * (1 − rate^step)·maxβ, Adam with an exponentially decaying learning rate, and gradients clipped
 * by their global norm. Variables carry Magenta's names and layout, so a trained model is a
 * Magenta checkpoint (see `toNamedValues`).
 *
 * In a learner's words: the reconstruction term asks "rebuild the melody from its code"; the KL
 * term asks "keep the codes of all melodies looking like random normal numbers", which is what
 * makes sampling and interpolation work. Free bits let each code keep some information for free.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedValues } from '../core/checkpoint-write';
import { InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import { VariableTrainer } from '../core/variable-trainer';
import type { MusicConverter } from './converters/types';
import { lstmSequence } from './lstm-train';
import { sampledPrevious } from './scheduled-sampling';
import type { Batch, EvalStats, Shard, StepStats, StepSums } from './train-batch';
import { betaAt, learningRateAt, samplingProbabilityAt, type TrainHyperparams } from './train-options';
import { decoderLstmPrefix, encoderLstmPrefix, MUSIC_VAE_VARS as VARS } from './variable-names';

const ENC = (dir: 'fw' | 'bw'): string => encoderLstmPrefix(dir);
const DEC = decoderLstmPrefix;

/** Adds the basic-LSTM forget bias (1.0) to the f quarter of a `[4H]` bias. */
function withForgetBias(bias: tf.Tensor): tf.Tensor {
  const h = (bias.shape[0] ?? 0) / 4;
  return tf.add(bias, tf.concat([tf.zeros([2 * h]), tf.ones([h]), tf.zeros([h])]));
}

/** The MusicVAE's trainer: its variables, Adam and the guarded step are {@link VariableTrainer}'s. */
export class MusicVaeTrainer extends VariableTrainer {
  /**
   * @param initial starting weights by Magenta name (missing ones are initialised at random).
   * @param frozen variables (by Magenta name) kept as they are: no gradient, no update — e.g. the
   *   encoder, for fine-tuning the decoder only.
   */
  constructor(
    readonly converter: MusicConverter,
    readonly hparams: TrainHyperparams,
    initial?: readonly NamedValues[],
    frozen: (name: string) => boolean = () => false,
  ) {
    const { encoderUnits: e, decoderUnits, zDims: z } = hparams;
    if (decoderUnits.length === 0 || [e, z, ...decoderUnits].some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
      throw new InvalidInputError(
        `Layer sizes must be whole numbers from 1 to 4096 (and at least one decoder layer); got encoder ${e}, decoder [${decoderUnits.join(', ')}], z ${z}.`,
      );
    }
    super(hparams.learningRate);
    const given = new Map((initial ?? []).map((v) => [v.name, v] as const));
    const rng = createRng(hparams.seed);
    const add = (name: string, shape: number[], kind: 'kernel' | 'bias'): void => {
      const size = shape.reduce((a, b) => a * b, 1);
      const start = given.get(name);
      let values: Float32Array;
      if (start) {
        if (start.values.length !== size)
          throw new InvalidInputError(`Variable "${name}" has ${start.values.length} values; [${shape.join(', ')}] needs ${size}.`);
        values = start.values;
      } else if (kind === 'kernel') {
        const limit = Math.sqrt(6 / ((shape[0] ?? 1) + (shape[1] ?? 1)));
        values = Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * limit);
      } else {
        values = new Float32Array(size);
      }
      // TF.js variable names are global: keep Magenta's names in our map, let TF.js pick unique ones.
      const init = tf.tensor(values, shape);
      this.variables.set(name, tf.variable(init, !frozen(name)));
      init.dispose(); // the variable keeps its own reference to the data
    };
    const d = converter.inputDepth;
    const c = converter.outputDepth;
    for (const dir of ['fw', 'bw'] as const) {
      add(ENC(dir) + 'kernel', [d + e, 4 * e], 'kernel');
      add(ENC(dir) + 'bias', [4 * e], 'bias');
    }
    add(VARS.muKernel, [2 * e, z], 'kernel');
    add(VARS.muBias, [z], 'bias');
    add(VARS.sigmaKernel, [2 * e, z], 'kernel');
    add(VARS.sigmaBias, [z], 'bias');
    const total = decoderUnits.reduce((a, b) => a + b, 0);
    add(VARS.zInitKernel, [z, 2 * total], 'kernel');
    add(VARS.zInitBias, [2 * total], 'bias');
    decoderUnits.forEach((h, i) => {
      add(DEC(i) + 'kernel', [(i === 0 ? c + z : (decoderUnits[i - 1] ?? 0)) + h, 4 * h], 'kernel');
      add(DEC(i) + 'bias', [4 * h], 'bias');
    });
    add(VARS.outKernel, [decoderUnits[decoderUnits.length - 1] ?? 0, c], 'kernel');
    add(VARS.outBias, [c], 'bias');
  }

  private v(name: string): tf.Variable {
    const t = this.variables.get(name);
    if (!t) throw new InvalidInputError(`Missing variable ${name}.`);
    return t;
  }

  /** β at a step: warms up from 0 to maxBeta. */
  beta(step = this.step): number {
    return betaAt(this.hparams, step);
  }

  /** The scheduled-sampling probability at a step (0 when off). */
  samplingProbability(step = this.step): number {
    return samplingProbabilityAt(this.hparams, step);
  }

  learningRate(step = this.step): number {
    return learningRateAt(this.hparams, step);
  }

  /** Runs an LSTM layer with kernel `[in + H, 4H]` over time-major inputs `[T, B, in]`. */
  private layer(prefix: string, inputs: tf.Tensor3D, c0: tf.Tensor2D, h0: tf.Tensor2D, extra?: tf.Tensor2D): tf.Tensor3D {
    const [T, B, width] = inputs.shape;
    const kernel = this.v(prefix + 'kernel');
    const h = (kernel.shape[1] ?? 0) / 4;
    const rows = kernel.shape[0] ?? 0;
    const wx = tf.slice(kernel, [0, 0], [width, 4 * h]) as tf.Tensor2D;
    const wh = tf.slice(kernel, [rows - h, 0], [h, 4 * h]) as tf.Tensor2D;
    let xw = tf.add(tf.matMul(tf.reshape(inputs, [T * B, width]) as tf.Tensor2D, wx), withForgetBias(this.v(prefix + 'bias'))).reshape([T, B, 4 * h]);
    // Inputs that are the same at every step (z for decoder layer 0) are projected once.
    if (extra) xw = tf.add(xw, tf.matMul(extra, tf.slice(kernel, [width, 0], [extra.shape[1], 4 * h]) as tf.Tensor2D).expandDims(0));
    return lstmSequence(xw as tf.Tensor3D, wh, c0, h0);
  }

  /** Encoder: μ and σ `[B, Z]` for encoder inputs `[B, T, D]`. */
  private encodeTensors(x: tf.Tensor3D): { mu: tf.Tensor2D; sigma: tf.Tensor2D } {
    const [B, T] = x.shape;
    const e = this.hparams.encoderUnits;
    const timeMajor = tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
    const zeros = tf.zeros([B, e]) as tf.Tensor2D;
    const last = (hs: tf.Tensor3D): tf.Tensor2D => tf.reshape(tf.slice(hs, [T - 1, 0, 0], [1, B, e]), [B, e]) as tf.Tensor2D;
    const hFw = last(this.layer(ENC('fw'), timeMajor, zeros, zeros));
    const hBw = last(this.layer(ENC('bw'), tf.reverse(timeMajor, 0) as tf.Tensor3D, zeros, zeros));
    const both = tf.concat([hFw, hBw], 1) as tf.Tensor2D;
    return {
      mu: tf.add(tf.matMul(both, this.v(VARS.muKernel) as tf.Tensor2D), this.v(VARS.muBias)) as tf.Tensor2D,
      sigma: tf.softplus(tf.add(tf.matMul(both, this.v(VARS.sigmaKernel) as tf.Tensor2D), this.v(VARS.sigmaBias))) as tf.Tensor2D,
    };
  }

  /** Teacher-forced decoder logits `[T·B, C]` for codes `z` and previous-step one-hots `[T, B, C]`. */
  private decodeLogits(z: tf.Tensor2D, previous: tf.Tensor3D): tf.Tensor2D {
    const units = this.hparams.decoderUnits;
    const init = tf.split(
      tf.tanh(tf.add(tf.matMul(z, this.v(VARS.zInitKernel) as tf.Tensor2D), this.v(VARS.zInitBias))),
      units.flatMap((u) => [u, u]),
      1,
    );
    let hs = this.layer(DEC(0), previous, init[0] as tf.Tensor2D, init[1] as tf.Tensor2D, z);
    for (let l = 1; l < units.length; l++) hs = this.layer(DEC(l), hs, init[2 * l] as tf.Tensor2D, init[2 * l + 1] as tf.Tensor2D);
    const [T, B, H] = hs.shape;
    return tf.add(tf.matMul(tf.reshape(hs, [T * B, H]) as tf.Tensor2D, this.v(VARS.outKernel) as tf.Tensor2D), this.v(VARS.outBias)) as tf.Tensor2D;
  }

  /** Per-example reconstruction (summed over steps) and accuracy, from logits. */
  private reconstruction(logits: tf.Tensor2D, batch: Batch): { recon: tf.Tensor1D; accuracy: tf.Scalar } {
    const [T, B, C] = batch.targets.shape;
    const ce = tf.losses.softmaxCrossEntropy(tf.reshape(batch.targets, [T * B, C]), logits, undefined, undefined, tf.Reduction.NONE);
    const recon = tf.sum(tf.reshape(ce, [T, B]), 0) as tf.Tensor1D;
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.reshape(batch.labels, [T * B])), 'float32')) as tf.Scalar;
    return { recon, accuracy };
  }

  /** @internal exposed for tests: see ./scheduled-sampling. */
  sampledPrevious(batch: Batch, z: tf.Tensor2D, p: number, seed: number, shard?: Shard): Promise<{ previous: tf.Tensor3D; sampledSteps: number }> {
    return sampledPrevious({ variable: (name) => this.v(name), decoderUnits: this.hparams.decoderUnits }, batch, z, p, seed, shard);
  }

  /**
   * Gradients of the loss on a batch, or on one shard of it (items `offset`… of a batch of `total`,
   * as in data-parallel training): the loss is the shard's summed per-item loss divided by `total`,
   * so the shards' gradients add up to the whole batch's. The reparameterisation noise and the
   * scheduled-sampling draws are those of the whole batch, cut to the shard, so N shards give the
   * same update as one batch. The caller disposes `grads`.
   */
  async computeGradients(
    batch: Batch,
    seed: number,
    shard: Shard = { offset: 0, total: batch.x.shape[0] },
  ): Promise<{ grads: tf.NamedTensorMap; sums: StepSums }> {
    const beta = this.beta();
    const freeNats = this.hparams.freeBits * Math.LN2;
    const [B, T] = batch.x.shape;
    const Z = this.hparams.zDims;
    if (shard.offset < 0 || shard.offset + B > shard.total)
      throw new InvalidInputError(`A shard of ${B} items at ${shard.offset} does not fit a batch of ${shard.total}.`);
    const noise = this.hparams.latentNoise ?? 1;
    const eps = tf.tensor2d(
      createRng(seed)
        .normalArray(shard.total * Z)
        .subarray(shard.offset * Z, (shard.offset + B) * Z)
        .map((e) => e * noise),
      [B, Z],
    );
    const p = this.samplingProbability();
    let previous = batch.previous;
    if (p > 0) {
      const z0 = tf.tidy(() => {
        const { mu, sigma } = this.encodeTensors(batch.x);
        return tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;
      });
      try {
        previous = (await this.sampledPrevious(batch, z0, p, (seed ^ 0x9e3779b9) >>> 0, shard)).previous;
      } finally {
        z0.dispose();
      }
    }
    let parts: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const { mu, sigma } = this.encodeTensors(batch.x);
      const z = tf.add(mu, tf.mul(sigma, eps)) as tf.Tensor2D;
      // KL(N(μ, σ²) ‖ N(0, 1)) per example, summed over the code's dimensions.
      const kl = tf.sum(tf.sub(tf.div(tf.add(tf.square(sigma), tf.square(mu)), 2), tf.add(tf.log(sigma), 0.5)), 1);
      const { recon, accuracy } = this.reconstruction(this.decodeLogits(z, previous), batch);
      const klCost = tf.relu(tf.sub(kl, freeNats));
      const perItem = tf.add(recon, tf.mul(klCost, beta));
      parts = [tf.keep(tf.sum(perItem)), tf.keep(tf.sum(recon)), tf.keep(tf.sum(kl)), tf.keep(tf.mul(accuracy, B * T))];
      return tf.div(tf.sum(perItem), shard.total) as tf.Scalar;
    });
    eps.dispose();
    if (previous !== batch.previous) previous.dispose();
    try {
      const [loss, reconstruction, kl, correct] = await Promise.all(parts.map(async (t) => (await t.data())[0] ?? NaN));
      return { grads, sums: { items: B, steps: B * T, loss: loss ?? NaN, reconstruction: reconstruction ?? NaN, kl: kl ?? NaN, correct: correct ?? NaN } };
    } catch (error) {
      tf.dispose(grads);
      throw error;
    } finally {
      tf.dispose([value, ...parts]);
    }
  }

  /**
   * Applies gradients (the whole batch's; `sums` its statistics, added over shards): checks they are
   * finite, clips by global norm, runs one Adam step at the scheduled learning rate. Does not
   * dispose `grads`. Throws {@link TrainingDivergedError} (without changing any weight) on a
   * non-finite loss or gradient.
   */
  async applyGradients(grads: tf.NamedTensorMap, sums: StepSums): Promise<StepStats> {
    const beta = this.beta();
    const lr = this.learningRate();
    const p = this.samplingProbability();
    const loss = sums.loss / sums.items;
    const gradNorm = await this.applyClippedGradients(grads, loss, {
      learningRate: lr,
      clipNorm: this.hparams.clipNorm,
      advice: 'Try a lower learning rate or a smaller β.',
    });
    return {
      step: this.step,
      loss,
      reconstruction: sums.reconstruction / sums.items,
      kl: sums.kl / sums.items,
      beta,
      accuracy: sums.correct / sums.steps,
      gradNorm,
      learningRate: lr,
      samplingProbability: p,
    };
  }

  /**
   * One optimisation step on a batch. Returns plain numbers. Throws {@link TrainingDivergedError}
   * (without changing any weight) if the loss or the gradients are not finite.
   */
  async trainStep(batch: Batch, seed: number): Promise<StepStats> {
    const { grads, sums } = await this.computeGradients(batch, seed);
    try {
      return await this.applyGradients(grads, sums);
    } finally {
      tf.dispose(grads);
    }
  }

  /** Reconstruction, KL and teacher-forced accuracy decoding from μ (no sampling), without training. */
  async evaluate(batch: Batch): Promise<EvalStats> {
    const out = tf.tidy(() => {
      const { mu, sigma } = this.encodeTensors(batch.x);
      const kl = tf.mean(tf.sum(tf.sub(tf.div(tf.add(tf.square(sigma), tf.square(mu)), 2), tf.add(tf.log(sigma), 0.5)), 1));
      const { recon, accuracy } = this.reconstruction(this.decodeLogits(mu, batch.previous), batch);
      return [tf.mean(recon), kl, accuracy];
    });
    const [reconstruction, kl, accuracy] = await Promise.all(out.map(async (t) => (await t.data())[0] ?? NaN));
    tf.dispose(out);
    return { reconstruction: reconstruction ?? NaN, kl: kl ?? NaN, accuracy: accuracy ?? NaN };
  }
}

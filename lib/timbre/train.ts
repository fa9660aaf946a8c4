/**
 * Training the timbre autoencoder: a β-VAE whose reconstruction term is the multi-scale spectral
 * distance between each note and its decode (spectral-loss.ts), plus β·KL(q(z|x) ‖ N(0, I)) with β
 * warmed up linearly. Adam with an exponentially decaying learning rate (lib/core/optimizers),
 * gradients clipped by their global norm, and a NaN guard that refuses a non-finite step without
 * touching the weights — the recipe of the music trainer (lib/music/train.ts), on this domain's
 * network. Variables carry the checkpoint's names, so a trained model is a loadable checkpoint.
 *
 * In a learner's words: the reconstruction term asks "does the decoded note look like the input in
 * spectrograms at six zoom levels?"; the KL term asks "do the codes of all notes look like random
 * normal numbers?", which is what lets us decode random codes and walk between two sounds.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedValues } from '../core/checkpoint-write';
import { InvalidInputError, TrainingDivergedError } from '../core/errors';
import { createRng } from '../core/random';
import { VariableTrainer } from '../core/variable-trainer';
import { FEATURE_DIMS } from './features';
import { conditionTensor, decoderForward, encoderForward, FAMILY_CLASSES, familyLogits, gainTensor, initialWeightValues, type TimbreConfig } from './network';
import { spectralLossTensor, type SpectralTarget } from './spectral-loss';
import { FRAMES, hzToMidi } from './spec';
import { HarmonicNoiseSynth } from './synth';
import { TimbreModel } from './timbre-model';

export interface TimbreHyperparams {
  zDims: number;
  harmonics: number;
  noiseBands: number;
  /** Final weight of the KL term (per note, in nats, against the spectral distance). */
  maxBeta: number;
  /** β grows linearly from 0 to maxBeta over this many steps. */
  betaWarmupSteps: number;
  learningRate: number;
  /** lr(step) = (learningRate − minLearningRate)·decayRate^step + minLearningRate. */
  decayRate: number;
  minLearningRate: number;
  clipNorm: number;
  batchSize: number;
  seed: number;
  /**
   * Weight of the auxiliary family loss (cross-entropy of a linear classifier on μ, per note); 0 =
   * no classifier. It pulls codes of one family together, so the latent map is organised by
   * instrument family, and gives the model a family prediction.
   */
  familyWeight?: number;
}

export const DEFAULT_TIMBRE_HPARAMS: TimbreHyperparams = {
  zDims: 16,
  harmonics: 96,
  noiseBands: 40,
  maxBeta: 0.002,
  betaWarmupSteps: 3000,
  learningRate: 1e-3,
  decayRate: 0.99995,
  minLearningRate: 3e-5,
  clipNorm: 5,
  batchSize: 16,
  seed: 1,
};

export { TrainingDivergedError };

/** One batch: encoder features, conditions and the targets' spectra, as plain data. */
export interface TimbreBatch {
  /** `[B · FRAMES · FEATURE_DIMS]` raw features. */
  features: Float32Array;
  f0Hz: number[];
  loudnessDb: number[];
  /** The targets' log-magnitudes at `sizes`. */
  targets: SpectralTarget[];
  /** The FFT sizes of `targets` (see {@link trainingSizes}). */
  sizes: readonly number[];
  /** Family index (0–15) per note, for the auxiliary family loss. */
  families?: number[];
}

/**
 * The FFT sizes a training step uses: even steps 2048, 512 and 128, odd steps 1024, 256 and 64.
 * Over any two steps the loss sees all six sizes of the distance, at half the cost per step (the
 * FFTs of the loss are most of a step's work). Evaluation always uses all six.
 */
export function trainingSizes(step: number): readonly number[] {
  return step % 2 === 0 ? [2048, 512, 128] : [1024, 256, 64];
}

export interface TimbreStepStats {
  step: number;
  loss: number;
  /** Mean spectral distance of the batch at this step's sizes (three of the six: about half the full distance). */
  distance: number;
  kl: number;
  beta: number;
  gradNorm: number;
  learningRate: number;
  /** Mean family cross-entropy and accuracy of the classifier on μ (NaN without one). */
  familyLoss: number;
  familyAccuracy: number;
}

/** Per-dimension mean and standard deviation of features `[n · FRAMES · FEATURE_DIMS]`. */
export function featureStats(all: readonly Float32Array[]): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(FEATURE_DIMS);
  const sq = new Float64Array(FEATURE_DIMS);
  let count = 0;
  for (const f of all) {
    for (let i = 0; i < f.length; i++) {
      const d = i % FEATURE_DIMS;
      const v = f[i] ?? 0;
      mean[d] = (mean[d] ?? 0) + v;
      sq[d] = (sq[d] ?? 0) + v * v;
    }
    count += f.length / FEATURE_DIMS;
  }
  const m = new Float32Array(FEATURE_DIMS);
  const s = new Float32Array(FEATURE_DIMS);
  for (let d = 0; d < FEATURE_DIMS; d++) {
    m[d] = (mean[d] ?? 0) / Math.max(1, count);
    s[d] = Math.sqrt(Math.max(1e-6, (sq[d] ?? 0) / Math.max(1, count) - (m[d] ?? 0) ** 2));
  }
  return { mean: m, std: s };
}

/** The timbre VAE's trainer: its variables, Adam and the guarded step are {@link VariableTrainer}'s. */
export class TimbreTrainer extends VariableTrainer {
  readonly synth: HarmonicNoiseSynth;

  constructor(
    readonly config: TimbreConfig,
    readonly hparams: TimbreHyperparams,
    initial?: readonly NamedValues[],
  ) {
    if (config.zDims !== hparams.zDims || config.harmonics !== hparams.harmonics || config.noiseBands !== hparams.noiseBands)
      throw new InvalidInputError("The trainer's hyperparameters and the model config disagree on zDims, harmonics or noiseBands.");
    super(hparams.learningRate);
    const given = new Map((initial ?? []).map((v) => [v.name, v] as const));
    for (const { name, shape, values: fresh, trainable } of initialWeightValues(config, hparams.seed)) {
      const start = given.get(name);
      if (start && start.values.length !== fresh.length)
        throw new InvalidInputError(`Variable "${name}" has ${start.values.length} values; [${shape.join(', ')}] needs ${fresh.length}.`);
      const t = tf.tensor(start?.values ?? fresh, shape);
      this.variables.set(name, tf.variable(t, trainable));
      t.dispose();
    }
    this.synth = new HarmonicNoiseSynth({ harmonics: config.harmonics, noiseBands: config.noiseBands, noiseSeed: config.noiseSeed });
  }

  private readonly get = (name: string): tf.Tensor => {
    const v = this.variables.get(name);
    if (!v) throw new InvalidInputError(`Missing variable ${name}.`);
    return v;
  };

  /** Sets the encoder's feature standardisation (not trained). */
  setFeatureStats(mean: Float32Array, std: Float32Array): void {
    tf.tidy(() => {
      this.variables.get('encoder/feature_mean')?.assign(tf.tensor1d(mean));
      this.variables.get('encoder/feature_std')?.assign(tf.tensor1d(std));
    });
  }

  beta(step = this.step): number {
    const { maxBeta, betaWarmupSteps } = this.hparams;
    return betaWarmupSteps > 0 ? maxBeta * Math.min(1, step / betaWarmupSteps) : maxBeta;
  }

  learningRate(step = this.step): number {
    const { learningRate, decayRate, minLearningRate } = this.hparams;
    return (learningRate - minLearningRate) * decayRate ** step + minLearningRate;
  }

  private inputs(batch: TimbreBatch): { features: tf.Tensor3D; cond: tf.Tensor2D; masks: tf.Tensor2D; gains: tf.Tensor1D } {
    const B = batch.f0Hz.length;
    if (batch.features.length !== B * FRAMES * FEATURE_DIMS || batch.targets.length !== B || batch.loudnessDb.length !== B)
      throw new InvalidInputError(`A batch of ${B} needs ${B} targets, loudness values and ${B * FRAMES * FEATURE_DIMS} feature values.`);
    return {
      features: tf.tensor3d(batch.features, [B, FRAMES, FEATURE_DIMS]),
      cond: conditionTensor(this.config, batch.f0Hz.map(hzToMidi), batch.loudnessDb),
      masks: this.synth.masksTensor(batch.f0Hz),
      gains: gainTensor(batch.loudnessDb),
    };
  }

  /**
   * One optimisation step: the batch's mean of (distance + β·KL), reparameterised with seeded
   * noise. Throws {@link TrainingDivergedError} (weights untouched) on a non-finite loss or gradient.
   */
  async trainStep(batch: TimbreBatch, seed: number): Promise<TimbreStepStats> {
    const B = batch.f0Hz.length;
    const beta = this.beta();
    const lr = this.learningRate();
    const eps = createRng(seed).normalArray(B * this.config.zDims);
    const trainable = [...this.variables.values()].filter((v) => v.trainable);
    const familyWeight = this.hparams.familyWeight ?? 0;
    if (familyWeight > 0 && batch.families?.length !== B)
      throw new InvalidInputError(`The family loss needs a family per note (${B}); got ${batch.families?.length ?? 0}.`);
    const parts: tf.Tensor[] = [];
    const { value, grads } = tf.tidy(() => {
      const { features, cond, masks, gains } = this.inputs(batch);
      return tf.variableGrads(() => {
        const { mu, logVar } = encoderForward(this.config, this.get, features, cond);
        const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), tf.tensor2d(eps, [B, this.config.zDims]))) as tf.Tensor2D;
        const kl = tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mu)), tf.add(logVar, 1)), 1));
        const { harmonics, noise } = decoderForward(this.config, this.get, z, cond, masks, gains);
        const distance = spectralLossTensor(this.synth.render(harmonics, noise, batch.f0Hz), batch.targets, batch.sizes);
        let perItem = tf.add(distance, tf.mul(kl, beta));
        parts.push(tf.keep(tf.mean(distance)), tf.keep(tf.mean(kl)));
        if (familyWeight > 0 && batch.families) {
          const logits = familyLogits(this.get, mu);
          const labels = tf.oneHot(tf.tensor1d(batch.families, 'int32'), FAMILY_CLASSES);
          const ce = tf.losses.softmaxCrossEntropy(tf.cast(labels, 'float32'), logits, undefined, undefined, tf.Reduction.NONE);
          perItem = tf.add(perItem, tf.mul(ce, familyWeight));
          parts.push(tf.keep(tf.mean(ce)), tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(batch.families, 'int32')), 'float32'))));
        }
        return tf.mean(perItem) as tf.Scalar;
      }, trainable);
    });
    try {
      const [loss, distance, kl, familyLoss, familyAccuracy] = await Promise.all([value, ...parts].map(async (t) => (await t.data())[0] ?? NaN));
      const gradNorm = await this.applyClippedGradients(grads, loss ?? NaN, {
        learningRate: lr,
        clipNorm: this.hparams.clipNorm,
        advice: 'Try a lower learning rate.',
      });
      return {
        step: this.step,
        loss: loss ?? NaN,
        distance: distance ?? NaN,
        kl: kl ?? NaN,
        beta,
        gradNorm,
        learningRate: lr,
        familyLoss: familyLoss ?? NaN,
        familyAccuracy: familyAccuracy ?? NaN,
      };
    } finally {
      tf.dispose([value, ...parts, ...Object.values(grads)]);
    }
  }

  /** A model that shares nothing with the trainer (weights copied), for evaluation. Caller disposes it. */
  snapshotModel(name = 'timbre'): TimbreModel {
    const weights: tf.NamedTensorMap = {};
    for (const [n, v] of this.variables) weights[n] = tf.clone(v);
    return new TimbreModel(this.config, weights, { name });
  }

  override dispose(): void {
    super.dispose();
    this.synth.dispose();
  }
}

/**
 * The timbre autoencoder's networks as plain functions of a set of named weights, so training
 * (TF.js variables) and inference (a loaded checkpoint) run exactly the same code.
 *
 * Encoder (features → q(z | x, pitch, loudness)): the 128 frames × 96 features of a note are
 * standardised, cut into 16 groups of 8 frames, each group squeezed to 128 numbers by one shared
 * dense layer, then all groups plus the two conditions go through a dense layer of 256 to μ and
 * log σ² of a small code z (16 numbers).
 *
 * Decoder ((z, pitch, loudness) → synthesizer knobs, per frame): a learned vector per frame (when in
 * the note we are: attack, sustain, release) plus a projection of z and the conditions, then two
 * more dense layers, then per frame: overall amplitude, the share of each partial (a softmax over
 * the partials below Nyquist) and the noise-band amplitudes. Amplitudes are multiplied by the
 * note's loudness (as a linear gain), so the network learns shapes, not levels.
 */
import * as tf from '@tensorflow/tfjs';
import { z as zod } from 'zod';
import { InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import { FEATURE_DIMS } from './features';
import { FRAMES, HOP, NOTE_SAMPLES, SAMPLE_RATE } from './spec';

export const TIMBRE_MODEL_TYPE = 'TimbreDDSP';

/** config.json of a timbre model. */
export const timbreConfigSchema = zod.object({
  type: zod.literal(TIMBRE_MODEL_TYPE),
  version: zod.literal(1),
  sampleRate: zod.literal(SAMPLE_RATE),
  frames: zod.literal(FRAMES),
  hop: zod.literal(HOP),
  noteSamples: zod.literal(NOTE_SAMPLES),
  featureDims: zod.literal(FEATURE_DIMS),
  zDims: zod.number().int().min(1).max(512),
  harmonics: zod.number().int().min(1).max(512),
  noiseBands: zod.number().int().min(1).max(256),
  noiseSeed: zod.number().int().nonnegative(),
  encoder: zod.object({ groupFrames: zod.number().int().positive(), groupUnits: zod.number().int().positive(), hiddenUnits: zod.number().int().positive() }),
  decoder: zod.object({ hiddenUnits: zod.number().int().positive(), layers: zod.number().int().min(1).max(8) }),
  /** Condition scaling: pitch → (pitch − center)/scale, loudness (dB) → (dB − center)/scale. */
  conditions: zod.object({
    pitchCenter: zod.number(),
    pitchScale: zod.number().positive(),
    loudnessCenter: zod.number(),
    loudnessScale: zod.number().positive(),
  }),
  /** Pitch and loudness used when a decode gives none (e.g. `sample` without options). */
  defaultPitch: zod.number(),
  defaultLoudnessDb: zod.number(),
  /**
   * A linear family classifier on μ (16 GM families), trained as an auxiliary loss so that codes of
   * one family sit together; `TimbreModel.predictFamilies` reads it. Absent in older configs.
   */
  familyClassifier: zod.boolean().default(false),
});
export type TimbreConfig = zod.infer<typeof timbreConfigSchema>;

/** The default architecture (see the file comment); tests shrink it with `overrides`. */
export function defaultTimbreConfig(
  overrides: Partial<Pick<TimbreConfig, 'zDims' | 'harmonics' | 'noiseBands' | 'encoder' | 'decoder' | 'familyClassifier'>> = {},
): TimbreConfig {
  return {
    type: TIMBRE_MODEL_TYPE,
    version: 1,
    sampleRate: SAMPLE_RATE,
    frames: FRAMES,
    hop: HOP,
    noteSamples: NOTE_SAMPLES,
    featureDims: FEATURE_DIMS,
    zDims: overrides.zDims ?? 16,
    harmonics: overrides.harmonics ?? 96,
    noiseBands: overrides.noiseBands ?? 40,
    noiseSeed: 1,
    encoder: overrides.encoder ?? { groupFrames: 8, groupUnits: 128, hiddenUnits: 256 },
    decoder: overrides.decoder ?? { hiddenUnits: 256, layers: 3 },
    conditions: { pitchCenter: 60, pitchScale: 12, loudnessCenter: -30, loudnessScale: 10 },
    defaultPitch: 60,
    defaultLoudnessDb: -30,
    familyClassifier: overrides.familyClassifier ?? false,
  };
}

/** Classes of the family classifier: GM's 16 families, by index (see gm.ts). */
export const FAMILY_CLASSES = 16;

/** Every weight of a model: name → shape, in a fixed order. `trainable` false for the feature statistics. */
export function weightShapes(c: TimbreConfig): { name: string; shape: number[]; trainable: boolean; init: 'glorot' | 'zeros' | 'ones' | 'small' }[] {
  const groups = FRAMES / c.encoder.groupFrames;
  const out = 1 + c.harmonics + c.noiseBands;
  const hd = c.decoder.hiddenUnits;
  const list: { name: string; shape: number[]; trainable: boolean; init: 'glorot' | 'zeros' | 'ones' | 'small' }[] = [
    { name: 'encoder/feature_mean', shape: [FEATURE_DIMS], trainable: false, init: 'zeros' },
    { name: 'encoder/feature_std', shape: [FEATURE_DIMS], trainable: false, init: 'ones' },
    { name: 'encoder/group/kernel', shape: [c.encoder.groupFrames * FEATURE_DIMS, c.encoder.groupUnits], trainable: true, init: 'glorot' },
    { name: 'encoder/group/bias', shape: [c.encoder.groupUnits], trainable: true, init: 'zeros' },
    { name: 'encoder/hidden/kernel', shape: [groups * c.encoder.groupUnits + 2, c.encoder.hiddenUnits], trainable: true, init: 'glorot' },
    { name: 'encoder/hidden/bias', shape: [c.encoder.hiddenUnits], trainable: true, init: 'zeros' },
    { name: 'encoder/mu/kernel', shape: [c.encoder.hiddenUnits, c.zDims], trainable: true, init: 'glorot' },
    { name: 'encoder/mu/bias', shape: [c.zDims], trainable: true, init: 'zeros' },
    { name: 'encoder/logvar/kernel', shape: [c.encoder.hiddenUnits, c.zDims], trainable: true, init: 'small' },
    { name: 'encoder/logvar/bias', shape: [c.zDims], trainable: true, init: 'zeros' },
    { name: 'decoder/time', shape: [FRAMES, hd], trainable: true, init: 'small' },
    { name: 'decoder/in/kernel', shape: [c.zDims + 2, hd], trainable: true, init: 'glorot' },
    { name: 'decoder/in/bias', shape: [hd], trainable: true, init: 'zeros' },
  ];
  for (let l = 1; l < c.decoder.layers; l++) {
    list.push({ name: `decoder/hidden_${l}/kernel`, shape: [hd, hd], trainable: true, init: 'glorot' });
    list.push({ name: `decoder/hidden_${l}/bias`, shape: [hd], trainable: true, init: 'zeros' });
  }
  list.push({ name: 'decoder/out/kernel', shape: [hd, out], trainable: true, init: 'glorot' });
  list.push({ name: 'decoder/out/bias', shape: [out], trainable: true, init: 'zeros' });
  if (c.familyClassifier) {
    list.push({ name: 'classifier/kernel', shape: [c.zDims, FAMILY_CLASSES], trainable: true, init: 'glorot' });
    list.push({ name: 'classifier/bias', shape: [FAMILY_CLASSES], trainable: true, init: 'zeros' });
  }
  return list;
}

/**
 * Fresh weights for a config, seeded: Glorot-uniform kernels, zero biases, small (±0.01) time
 * embeddings and σ kernels, feature statistics 0 and 1 (set them from data before training).
 */
export function initialWeightValues(c: TimbreConfig, seed: number): { name: string; shape: number[]; values: Float32Array; trainable: boolean }[] {
  const rng = createRng(seed);
  return weightShapes(c).map(({ name, shape, trainable, init }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (init === 'glorot') {
      const limit = Math.sqrt(6 / ((shape[0] ?? 1) + (shape[1] ?? 1)));
      values = Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * limit);
    } else if (init === 'small') {
      values = Float32Array.from({ length: size }, () => (rng.next() * 2 - 1) * 0.01);
    } else {
      values = new Float32Array(size).fill(init === 'ones' ? 1 : 0);
    }
    return { name, shape, values, trainable };
  });
}

/** Where the network reads its weights from (a variable map in training, a checkpoint at inference). */
export type WeightGetter = (name: string) => tf.Tensor;

/** Conditions as network inputs `[B, 2]`: normalised pitch (fractional MIDI) and loudness (dBFS). */
export function conditionTensor(c: TimbreConfig, pitch: readonly number[], loudnessDb: readonly number[]): tf.Tensor2D {
  if (pitch.length !== loudnessDb.length) throw new InvalidInputError(`Got ${pitch.length} pitches and ${loudnessDb.length} loudness values.`);
  const k = c.conditions;
  const data = new Float32Array(pitch.length * 2);
  pitch.forEach((p, i) => {
    // The network saw pitches 36–84: outside (a bit beyond) that it gets the nearest it knows.
    data[2 * i] = (Math.min(90, Math.max(30, p)) - k.pitchCenter) / k.pitchScale;
    data[2 * i + 1] = (Math.min(0, Math.max(-80, loudnessDb[i] ?? c.defaultLoudnessDb)) - k.loudnessCenter) / k.loudnessScale;
  });
  return tf.tensor2d(data, [pitch.length, 2]);
}

function dense(x: tf.Tensor, w: WeightGetter, name: string): tf.Tensor {
  return tf.add(tf.matMul(x as tf.Tensor2D, w(`${name}/kernel`) as tf.Tensor2D), w(`${name}/bias`));
}

/**
 * μ and log σ² `[B, Z]` of q(z | features, conditions). `features` `[B, FRAMES, FEATURE_DIMS]` raw
 * (standardised here), `cond` `[B, 2]`. Allocates in the caller's tidy.
 */
export function encoderForward(c: TimbreConfig, w: WeightGetter, features: tf.Tensor3D, cond: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  const [batch] = features.shape;
  const g = c.encoder.groupFrames;
  const groups = FRAMES / g;
  const x = tf.div(tf.sub(features, w('encoder/feature_mean')), w('encoder/feature_std'));
  const grouped = tf.reshape(x, [batch * groups, g * FEATURE_DIMS]);
  const h1 = tf.relu(dense(grouped, w, 'encoder/group'));
  const flat = tf.concat([tf.reshape(h1, [batch, groups * c.encoder.groupUnits]), cond], 1);
  const h2 = tf.relu(dense(flat, w, 'encoder/hidden'));
  const mu = dense(h2, w, 'encoder/mu') as tf.Tensor2D;
  const logVar = tf.clipByValue(dense(h2, w, 'encoder/logvar'), -10, 4) as tf.Tensor2D;
  return { mu, logVar };
}

/** Family logits `[B, 16]` of codes `[B, Z]` (configs with a family classifier). Allocates in the caller's tidy. */
export function familyLogits(w: WeightGetter, z: tf.Tensor2D): tf.Tensor2D {
  return dense(z, w, 'classifier') as tf.Tensor2D;
}

/**
 * DDSP's positive nonlinearity: 2·sigmoid(x)^ln 10 + 1e-7 (smooth, in (0, 2], steep enough to reach
 * quiet levels). ln sigmoid(x) is written −softplus(−x): TF.js 4.22's `logSigmoid` gradient fails
 * inside `variableGrads` (its custom gradient reads a disposed tensor).
 */
export function scaledSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(2, tf.exp(tf.mul(-Math.LN10, tf.softplus(tf.neg(x))))), 1e-7);
}

/**
 * Synthesizer knobs for codes `z` `[B, Z]`, conditions `[B, 2]`, partial masks `[B, K]` (1 = below
 * Nyquist) and linear gains `[B]`: partial amplitudes `[B, F, K]` and noise-band amplitudes
 * `[B, F, bands]`. Allocates in the caller's tidy.
 */
export function decoderForward(
  c: TimbreConfig,
  w: WeightGetter,
  z: tf.Tensor2D,
  cond: tf.Tensor2D,
  masks: tf.Tensor2D,
  gains: tf.Tensor1D,
): { harmonics: tf.Tensor3D; noise: tf.Tensor3D } {
  const [batch] = z.shape;
  const hd = c.decoder.hiddenUnits;
  const K = c.harmonics;
  const nb = c.noiseBands;
  const itemPart = dense(tf.concat([z, cond], 1), w, 'decoder/in'); // [B, hd]
  let h = tf.relu(tf.add(tf.reshape(itemPart, [batch, 1, hd]), tf.reshape(w('decoder/time'), [1, FRAMES, hd])));
  h = tf.reshape(h, [batch * FRAMES, hd]);
  for (let l = 1; l < c.decoder.layers; l++) h = tf.relu(dense(h, w, `decoder/hidden_${l}`));
  const out = tf.reshape(dense(h, w, 'decoder/out'), [batch, FRAMES, 1 + K + nb]) as tf.Tensor3D;
  return synthKnobs(out, masks, gains, K, nb);
}

/**
 * The decoder's last step, shared with the synthesizer's ceiling (baselines.ts): raw outputs
 * `[B, F, 1 + K + bands]` → partial amplitudes `[B, F, K]` (an overall level times each partial's
 * share, a softmax over the partials below Nyquist) and noise-band amplitudes `[B, F, bands]`, both
 * scaled by the note's gain. Allocates in the caller's tidy.
 */
export function synthKnobs(out: tf.Tensor3D, masks: tf.Tensor2D, gains: tf.Tensor1D, K: number, nb: number): { harmonics: tf.Tensor3D; noise: tf.Tensor3D } {
  const [batch] = out.shape;
  const gain = tf.reshape(gains, [batch, 1, 1]);
  const amp = tf.mul(scaledSigmoid(tf.slice(out, [0, 0, 0], [-1, -1, 1])), gain);
  const maskB = tf.reshape(masks, [batch, 1, K]);
  // Partials above Nyquist get −1e4 before the softmax: a share of exactly 0.
  const logits = tf.add(tf.slice(out, [0, 0, 1], [-1, -1, K]), tf.mul(tf.sub(maskB, 1), 1e4));
  const shares = tf.softmax(logits);
  const harmonics = tf.mul(amp, shares) as tf.Tensor3D;
  const noise = tf.mul(scaledSigmoid(tf.sub(tf.slice(out, [0, 0, 1 + K], [-1, -1, nb]), 4)), gain) as tf.Tensor3D;
  return { harmonics, noise };
}

/** Linear gains `[B]` from loudness in dBFS (the level of the note's loudest frame). */
export function gainTensor(loudnessDb: readonly number[]): tf.Tensor1D {
  return tf.tensor1d(loudnessDb.map((db) => 10 ** (Math.min(6, Math.max(-100, db)) / 20)));
}

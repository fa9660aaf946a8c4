/**
 * The timbre autoencoder behind the shared {@link LatentModel} contract: a VAE whose encoder reads a
 * note's spectrogram features and whose decoder drives a harmonic-plus-noise synthesizer
 * (DDSP-style; see network.ts and synth.ts). Pitch and loudness are conditions — measured from the
 * input when encoding, given (or defaulted) when decoding — so the code z holds the timbre.
 *
 * Two levels, like the music models:
 * - tensor level (the contract): `X` is audio `[batch, 20 480]`, mono, 16 kHz, −1..1. `encode`
 *   measures each note's pitch and loudness itself; `decode`, `sample` and `interpolate` take
 *   {@link TimbreDecodeOptions} (pitch and loudness per item; defaults from config.json);
 * - note level: {@link TimbreModel.encodeNotes} / {@link TimbreModel.decodeNotes} with plain arrays
 *   and explicit conditions (what the CLI, the evaluation and the lab use).
 *
 * Loads from a {@link WeightSource}: a URL in the browser, a folder in Node (`fsSource`).
 */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpointTensors, type WeightSource } from '../core/checkpoint';
import { CheckpointError, InvalidInputError } from '../core/errors';
import type { DecodeOptions, InterpolationMode, RefinementReport, RefineOptions, SampleOptions } from '../core/latent-model';
import { randomSeed } from '../core/random';
import { LatentModelBase } from '../latent/base-model';
import { interpolateCodesTensor, randomCodesTensor } from '../latent/interpolate';
import { checkRefineOptions, refineCodesTensor, type RefinementProblem } from '../latent/refine';
import { peakLoudnessDb } from './dsp';
import { FEATURE_DIMS, noteFeatures } from './features';
import {
  conditionTensor,
  decoderForward,
  encoderForward,
  FAMILY_CLASSES,
  familyLogits,
  gainTensor,
  timbreConfigSchema,
  weightShapes,
  type TimbreConfig,
  type WeightGetter,
} from './network';
import { GM_FAMILIES, type GmFamily } from './gm';
import { estimatePitch } from './pitch';
import { spectralLossTensor, spectralTarget } from './spectral-loss';
import { FRAMES, hzToMidi, midiToHz, NOTE_SAMPLES } from './spec';
import { HarmonicNoiseSynth } from './synth';

/** Pitch and loudness of the notes to decode: one value for all, or one per code. */
export interface TimbreDecodeOptions extends DecodeOptions {
  /** MIDI pitch (fractional allowed), default config.defaultPitch (60 = C4). */
  pitch?: number | readonly number[];
  /** Level of the loudest frame in dBFS, default config.defaultLoudnessDb (−30). */
  loudnessDb?: number | readonly number[];
}

/** Conditions of one note. */
export interface NoteConditions {
  /** Fundamental in Hz (decoding plays exactly this). */
  f0Hz: number;
  loudnessDb: number;
}

/** A note to encode: its samples (16 kHz, {@link NOTE_SAMPLES}) and, when already known, its conditions and features. */
export interface NoteInput {
  samples: Float32Array;
  conditions?: NoteConditions;
  features?: Float32Array;
}

export interface TimbreLoadOptions {
  name?: string;
}

/** Conditions measured from samples (pitch estimate, or the default pitch when none is found). */
export function measureConditions(samples: Float32Array, config: TimbreConfig): NoteConditions {
  const estimate = estimatePitch(samples);
  return { f0Hz: estimate?.hz ?? midiToHz(config.defaultPitch), loudnessDb: peakLoudnessDb(samples) };
}

export class TimbreModel extends LatentModelBase<tf.Tensor2D> {
  readonly name: string;
  readonly zDims: number;
  readonly config: TimbreConfig;
  readonly synth: HarmonicNoiseSynth;
  private readonly weights: tf.NamedTensorMap;
  private readonly get: WeightGetter;

  /** Builds a model from loaded weights (ownership passes to the model). */
  constructor(config: TimbreConfig, weights: tf.NamedTensorMap, options: TimbreLoadOptions & { location?: string } = {}) {
    super();
    const location = options.location ?? 'the checkpoint';
    for (const { name, shape } of weightShapes(config)) {
      const t = weights[name];
      if (!t)
        throw new CheckpointError(`${location} has no variable "${name}" (expected shape [${shape.join(', ')}]). Is it a timbre model?`, { variable: name });
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new CheckpointError(`Variable "${name}" of ${location} has shape [${t.shape.join(', ')}]; config.json implies [${shape.join(', ')}].`, {
          variable: name,
        });
    }
    this.config = config;
    this.zDims = config.zDims;
    this.name = options.name ?? 'timbre';
    this.weights = weights;
    this.get = (n) => {
      const t = this.weights[n];
      if (!t) throw new CheckpointError(`Missing weight ${n}.`, { variable: n });
      return t;
    };
    this.synth = new HarmonicNoiseSynth({ harmonics: config.harmonics, noiseBands: config.noiseBands, noiseSeed: config.noiseSeed });
  }

  /** Loads `config.json` and the weights from a checkpoint folder or URL. */
  static async load(source: WeightSource, options: TimbreLoadOptions = {}): Promise<TimbreModel> {
    const parsed = timbreConfigSchema.safeParse(await source.readJson('config.json'));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CheckpointError(
        `config.json of ${source.location} is not a timbre model config: ${issue?.message ?? 'invalid'} at ${issue?.path.join('.') ?? '?'}. Expected type "TimbreDDSP" version 1.`,
        { file: 'config.json' },
      );
    }
    const vars = await loadCheckpointTensors(source, { maxBytes: 64 * 1024 * 1024 });
    try {
      const name = options.name ?? source.location.replace(/\/+$/, '').split(/[\\/]/).pop() ?? 'timbre';
      return new TimbreModel(parsed.data, vars, { name, location: source.location });
    } catch (error) {
      tf.dispose(vars);
      throw error;
    }
  }

  /** Parameters (feature statistics included). */
  get parameterCount(): number {
    return Object.values(this.weights).reduce((a, t) => a + t.size, 0);
  }

  override get canRefine(): boolean {
    return true;
  }

  private checkAudio(x: tf.Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== NOTE_SAMPLES)
      throw new InvalidInputError(`Timbre model input must be audio of shape [batch, ${NOTE_SAMPLES}] (1.28 s at 16 kHz); got [${x.shape.join(', ')}].`);
  }

  /** Notes (samples, conditions, features) of an audio batch: conditions measured, features computed. */
  private async notesOf(x: tf.Tensor2D): Promise<Required<NoteInput>[]> {
    this.checkAudio(x);
    const flat = await x.data();
    return Array.from({ length: x.shape[0] }, (_, b) => {
      const samples = Float32Array.from(flat.subarray(b * NOTE_SAMPLES, (b + 1) * NOTE_SAMPLES));
      const conditions = measureConditions(samples, this.config);
      return { samples, conditions, features: noteFeatures(samples, conditions.f0Hz) };
    });
  }

  private complete(notes: readonly NoteInput[]): Required<NoteInput>[] {
    return notes.map((n, i) => {
      if (n.samples.length !== NOTE_SAMPLES)
        throw new InvalidInputError(`Note ${i + 1} has ${n.samples.length} samples; the model takes ${NOTE_SAMPLES} (1.28 s at 16 kHz).`);
      const conditions = n.conditions ?? measureConditions(n.samples, this.config);
      const features = n.features ?? noteFeatures(n.samples, conditions.f0Hz);
      if (features.length !== FRAMES * FEATURE_DIMS)
        throw new InvalidInputError(`Note ${i + 1} has ${features.length} feature values; expected ${FRAMES * FEATURE_DIMS}.`);
      return { samples: n.samples, conditions, features };
    });
  }

  /** μ and log σ² `[B, Z]` for notes with features and conditions. Caller disposes both. */
  posteriorTensors(notes: readonly Required<NoteInput>[]): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
    this.assertUsable();
    const feats = new Float32Array(notes.length * FRAMES * FEATURE_DIMS);
    notes.forEach((n, i) => feats.set(n.features, i * FRAMES * FEATURE_DIMS));
    return tf.tidy(() => {
      const cond = conditionTensor(
        this.config,
        notes.map((n) => hzToMidi(n.conditions.f0Hz)),
        notes.map((n) => n.conditions.loudnessDb),
      );
      return encoderForward(this.config, this.get, tf.tensor3d(feats, [notes.length, FRAMES, FEATURE_DIMS]), cond);
    });
  }

  protected async encodeBatch(x: tf.Tensor2D): Promise<tf.Tensor2D> {
    const notes = await this.notesOf(x);
    const { mu, logVar } = this.posteriorTensors(notes);
    logVar.dispose();
    return mu;
  }

  /** q(z|x) for an audio batch: μ and log σ² (caller disposes both); for the Compare lab's posterior analyses. */
  async encodeDistribution(x: tf.Tensor2D): Promise<{ mean: tf.Tensor2D; logVar: tf.Tensor2D }> {
    this.assertUsable();
    const { mu, logVar } = this.posteriorTensors(await this.notesOf(x));
    return { mean: mu, logVar };
  }

  /** The per-item conditions of a decode of `n` codes. */
  conditionsFor(n: number, options: TimbreDecodeOptions): NoteConditions[] {
    const pick = (v: number | readonly number[] | undefined, fallback: number, what: string): number[] => {
      if (v === undefined) return new Array<number>(n).fill(fallback);
      if (typeof v === 'number') return new Array<number>(n).fill(v);
      if (v.length !== n) throw new InvalidInputError(`Give one ${what} per code (${n}); got ${v.length}.`);
      return [...v];
    };
    const pitch = pick(options.pitch, this.config.defaultPitch, 'pitch');
    const loud = pick(options.loudnessDb, this.config.defaultLoudnessDb, 'loudness');
    pitch.forEach((p) => {
      if (!Number.isFinite(p) || p < 12 || p > 108)
        throw new InvalidInputError(`A pitch must be a MIDI number from 12 to 108; got ${p}. The model was trained on 36–84.`);
    });
    loud.forEach((l) => {
      if (!Number.isFinite(l) || l < -100 || l > 0) throw new InvalidInputError(`Loudness must be from −100 to 0 dBFS; got ${l}.`);
    });
    return pitch.map((p, i) => ({ f0Hz: midiToHz(p), loudnessDb: loud[i] ?? this.config.defaultLoudnessDb }));
  }

  /**
   * Audio `[B, NOTE_SAMPLES]` for codes and conditions. Differentiable in z; allocates in the
   * caller's tidy (the result is the caller's).
   */
  renderTensor(z: tf.Tensor2D, conditions: readonly NoteConditions[]): tf.Tensor2D {
    this.assertUsable();
    const f0 = conditions.map((c) => c.f0Hz);
    const cond = conditionTensor(
      this.config,
      f0.map(hzToMidi),
      conditions.map((c) => c.loudnessDb),
    );
    const masks = this.synth.masksTensor(f0);
    const gains = gainTensor(conditions.map((c) => c.loudnessDb));
    const { harmonics, noise } = decoderForward(this.config, this.get, z, cond, masks, gains);
    return this.synth.render(harmonics, noise, f0);
  }

  protected async decodeBatch(z: tf.Tensor2D, options: TimbreDecodeOptions): Promise<tf.Tensor2D> {
    const conditions = this.conditionsFor(z.shape[0], options);
    return tf.tidy(() => this.renderTensor(z, conditions));
  }

  /** Audio for codes `[n, zDims]` at the given pitch and loudness (see {@link TimbreDecodeOptions}). Caller disposes. */
  override decode(z: tf.Tensor2D, options: TimbreDecodeOptions = {}): Promise<tf.Tensor2D> {
    return super.decode(z, options);
  }

  /** `n` notes from random codes at the given pitch and loudness. Caller disposes. */
  override sample(n: number, options: SampleOptions & TimbreDecodeOptions = {}): Promise<tf.Tensor2D> {
    return super.sample(n, options);
  }

  /** `steps` notes morphing from note a to note b (both decoded with `options`' pitch and loudness). */
  override interpolate(
    a: tf.Tensor2D,
    b: tf.Tensor2D,
    steps: number,
    mode: InterpolationMode = 'lerp',
    options: TimbreDecodeOptions = {},
  ): Promise<tf.Tensor2D> {
    return super.interpolate(a, b, steps, mode, options);
  }

  protected override async refinementProblem(x: tf.Tensor2D): Promise<RefinementProblem> {
    return this.refinementProblemFor(await this.notesOf(x));
  }

  /**
   * μ, σ and the per-item multi-scale spectral distance between each note and the decode of a code
   * at that note's own conditions (see spectral-loss.ts; its gradient is computed with FFTs).
   */
  refinementProblemFor(notes: readonly Required<NoteInput>[]): RefinementProblem {
    const { mu, logVar } = this.posteriorTensors(notes);
    const sigma = tf.tidy(() => tf.exp(tf.mul(0.5, logVar)) as tf.Tensor2D);
    logVar.dispose();
    const targets = notes.map((n) => spectralTarget(n.samples));
    const conditions = notes.map((n) => n.conditions);
    return {
      mu,
      sigma,
      loss: (z) => spectralLossTensor(this.renderTensor(z, conditions), targets),
      dispose: () => tf.dispose([mu, sigma]),
    };
  }

  // ---- note level ---------------------------------------------------------------------------------

  /**
   * Codes (μ, or refined with `refine`) of notes given as samples with optional known conditions and
   * features. Returns plain arrays; with `refine`, also each note's loss before and after.
   */
  async encodeNotes(
    notes: readonly NoteInput[],
    options: { refine?: RefineOptions } = {},
  ): Promise<{ z: Float32Array[]; conditions: NoteConditions[]; refinements?: RefinementReport[] }> {
    this.assertUsable();
    if (notes.length === 0) throw new InvalidInputError('Give at least one note to encode.');
    const full = this.complete(notes);
    let z: tf.Tensor2D;
    let refinements: RefinementReport[] | undefined;
    if (options.refine) {
      checkRefineOptions(options.refine);
      const problem = this.refinementProblemFor(full);
      try {
        const out = await refineCodesTensor(problem, options.refine);
        z = out.z;
        refinements = out.reports;
      } finally {
        problem.dispose();
      }
    } else {
      const { mu, logVar } = this.posteriorTensors(full);
      logVar.dispose();
      z = mu;
    }
    try {
      const flat = await z.data();
      return {
        z: full.map((_, i) => Float32Array.from(flat.subarray(i * this.zDims, (i + 1) * this.zDims))),
        conditions: full.map((n) => n.conditions),
        ...(refinements ? { refinements } : {}),
      };
    } finally {
      z.dispose();
    }
  }

  /** Audio (one Float32Array of {@link NOTE_SAMPLES} per code) for plain codes and conditions. */
  async decodeNotes(codes: readonly ArrayLike<number>[], conditions: readonly NoteConditions[]): Promise<Float32Array[]> {
    this.assertUsable();
    if (codes.length === 0) throw new InvalidInputError('Give at least one code.');
    if (codes.length !== conditions.length) throw new InvalidInputError(`Got ${codes.length} codes and ${conditions.length} conditions.`);
    const flat = new Float32Array(codes.length * this.zDims);
    codes.forEach((c, i) => {
      if (c.length !== this.zDims) throw new InvalidInputError(`Code ${i + 1} has ${c.length} numbers; this model's codes have ${this.zDims}.`);
      flat.set(Array.from(c), i * this.zDims);
    });
    const audio = tf.tidy(() => this.renderTensor(tf.tensor2d(flat, [codes.length, this.zDims]), conditions));
    try {
      const data = await audio.data();
      return codes.map((_, i) => Float32Array.from(data.subarray(i * NOTE_SAMPLES, (i + 1) * NOTE_SAMPLES)));
    } finally {
      audio.dispose();
    }
  }

  /** Whether this model has the family classifier (see {@link predictFamilies}). */
  get hasFamilyClassifier(): boolean {
    return this.config.familyClassifier;
  }

  /**
   * The family the model's classifier on z reads in each code: the most likely of GM's 16 families
   * and its probability. Throws {@link InvalidInputError} for models trained without the classifier.
   */
  async predictFamilies(codes: readonly ArrayLike<number>[]): Promise<{ family: GmFamily; probability: number }[]> {
    this.assertUsable();
    if (!this.config.familyClassifier) throw new InvalidInputError(`"${this.name}" was trained without a family classifier; it cannot name families.`);
    if (codes.length === 0) return [];
    const flat = new Float32Array(codes.length * this.zDims);
    codes.forEach((c, i) => flat.set(Array.from(c), i * this.zDims));
    const probs = tf.tidy(() => tf.softmax(familyLogits(this.get, tf.tensor2d(flat, [codes.length, this.zDims]))));
    try {
      const p = await probs.data();
      return codes.map((_, i) => {
        const row = p.subarray(i * FAMILY_CLASSES, (i + 1) * FAMILY_CLASSES);
        let best = 0;
        for (let k = 1; k < FAMILY_CLASSES; k++) if ((row[k] ?? 0) > (row[best] ?? 0)) best = k;
        return { family: GM_FAMILIES[best] as GmFamily, probability: row[best] ?? 0 };
      });
    } finally {
      probs.dispose();
    }
  }

  /** `steps` codes from a to b (lerp or slerp), as plain arrays. */
  async interpolateCodes(a: ArrayLike<number>, b: ArrayLike<number>, steps: number, mode: InterpolationMode = 'lerp'): Promise<Float32Array[]> {
    this.assertUsable();
    const path = tf.tidy(() => interpolateCodesTensor(tf.tensor1d(Array.from(a)), tf.tensor1d(Array.from(b)), steps, mode));
    try {
      const flat = await path.data();
      return Array.from({ length: steps }, (_, i) => Float32Array.from(flat.subarray(i * this.zDims, (i + 1) * this.zDims)));
    } finally {
      path.dispose();
    }
  }

  /** `n` standard-normal codes drawn with `seed`, as plain arrays. */
  async randomCodes(n: number, seed = randomSeed()): Promise<Float32Array[]> {
    const z = randomCodesTensor(n, this.zDims, seed);
    try {
      const flat = await z.data();
      return Array.from({ length: n }, (_, i) => Float32Array.from(flat.subarray(i * this.zDims, (i + 1) * this.zDims)));
    } finally {
      z.dispose();
    }
  }

  protected disposeWeights(): void {
    tf.dispose(this.weights);
    this.synth.dispose();
  }
}

/**
 * MusicVAE for 2-bar melodies and drum patterns (Roberts et al., 2018), in TF.js 4, reading and
 * running Magenta's checkpoint format unchanged.
 *
 * Encoder: a bidirectional LSTM reads the 32 steps; its two final states are projected to μ (and
 * σ, used in training). Decoder: `tanh(dense(z))` gives the initial states of a stack of LSTMs
 * that write one class per step (a melody event, or a drum-hit combination), each step fed the
 * previous step's choice and z. See lstm.ts for how the loops are arranged for speed.
 *
 * Two levels of API, like magenta-js: tensor level (the {@link LatentModel} contract; `X` is the
 * encoder input `[batch, numSteps, inputDepth]`) and sequence level (NoteSequences in, out).
 * Temperature sampling uses the Gumbel-max trick with a seeded stream, so results are identical
 * on every backend for a given seed, and no Multinomial kernel is needed (WASM has none).
 */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpointTensors, type WeightSource } from '../core/checkpoint';
import { CheckpointError, InvalidInputError } from '../core/errors';
import type { DecodeOptions, InterpolationMode, RefinementReport, RefineOptions } from '../core/latent-model';
import { randomSeed, validateSeed } from '../core/random';
import { LatentModelBase } from '../latent/base-model';
import { bilinearGridTensor, codesAtTensor, interpolateCodesTensor, randomCodesTensor } from '../latent/interpolate';
import type { RefinementProblem } from '../latent/refine';
import type { ConversionReport, MusicConverter } from './converters/types';
import { SequenceError } from './errors';
import { compareLabels, type Fidelity } from './fidelity';
import { checkMusicVaeVariables, converterFromConfig, musicVaeConfigSchema, type MusicVaeConfig, type MusicVaeSizes } from './music-vae-config';
import { musicVaeRefinementProblem, prepareRefineWeights, type RefineWeights } from './music-vae-refine';
import { decodeLabelsWithWeights, encoderStates, inferenceTensors, meanFromStates, prepareInferenceWeights, type InferenceWeights } from './music-vae-weights';
import { DEFAULT_QPM, DEFAULT_STEPS_PER_QUARTER, type QuantizedNoteSequence } from './note-sequence';

export { checkMusicVaeVariables, converterFromConfig, musicVaeConfigSchema, type MusicVaeConfig, type MusicVaeSizes } from './music-vae-config';
export { compareLabels, type Fidelity } from './fidelity';

export interface MusicVaeLoadOptions {
  /** Name shown in the UI; defaults to the folder name. */
  name?: string;
  /** Refuse a checkpoint of the other kind, with a clear message (e.g. a drum model in the melody lab). */
  expectKind?: 'melody' | 'drums';
  /** Keep raw variables (incl. encoder/sigma) for training and export. */
  keepVariables?: boolean;
}

export interface SequenceDecodeOptions extends DecodeOptions {
  /** Tempo of the returned sequences. */
  qpm?: number;
}

/** Options of the sequence-level calls that encode the user's inputs. */
export interface SequenceEncodeOptions {
  /** Refine the inputs' codes from μ (see {@link RefineOptions}); without it the encoder's μ is used. */
  refine?: RefineOptions;
}

/** The result of encoding sequences: codes plus what the converter had to change. */
export interface EncodedSequences {
  z: Float32Array[];
  reports: ConversionReport[];
  /** Per input, when refined: loss before/after and the distance moved in σ. */
  refinements?: RefinementReport[];
}

export class MusicVAE extends LatentModelBase<tf.Tensor3D> {
  readonly name: string;
  readonly zDims: number;
  readonly converter: MusicConverter;
  readonly config: MusicVaeConfig;
  readonly sizes: MusicVaeSizes;
  /** Raw checkpoint variables when loaded with `keepVariables`, else undefined. */
  readonly variables: tf.NamedTensorMap | undefined;
  private readonly w: InferenceWeights;
  /** The decoder's weights as refinement uses them, made at the first refinement (weights never change). */
  private refineWeights: RefineWeights | undefined;

  /** Builds a model from already-loaded variables (ownership passes to the model). */
  constructor(config: MusicVaeConfig, vars: tf.NamedTensorMap, options: MusicVaeLoadOptions & { location?: string } = {}) {
    super();
    const location = options.location ?? 'the checkpoint';
    this.config = config;
    this.converter = converterFromConfig(config, location);
    if (options.expectKind && options.expectKind !== this.converter.kind) {
      throw new CheckpointError(
        `${location} is a ${this.converter.kind} model (${this.converter.type}), but a ${options.expectKind} model is needed here. ` +
          `Choose a ${options.expectKind === 'melody' ? 'melody model such as mel_2bar_small' : 'drum model such as drums_2bar_lokl_small'}.`,
        { file: 'config.json' },
      );
    }
    this.sizes = checkMusicVaeVariables(vars, this.converter, location);
    this.zDims = this.sizes.zDims;
    this.name = options.name ?? 'MusicVAE';
    this.w = prepareInferenceWeights(vars, this.sizes, this.converter, location);
    if (options.keepVariables) {
      this.variables = vars;
    } else {
      this.variables = undefined;
      tf.dispose(vars);
    }
  }

  /**
   * Loads a Magenta-format checkpoint folder (`config.json`, `weights_manifest.json`, shards) from a
   * {@link WeightSource} (a URL or, in Node, a folder). Any layer sizes; quantized weights too.
   */
  static async load(source: WeightSource, options: MusicVaeLoadOptions = {}): Promise<MusicVAE> {
    const rawConfig = await source.readJson('config.json');
    const parsed = musicVaeConfigSchema.safeParse(rawConfig);
    if (!parsed.success) {
      throw new CheckpointError(
        `config.json of ${source.location} is not a MusicVAE config: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? '?'}.`,
        {
          file: 'config.json',
        },
      );
    }
    converterFromConfig(parsed.data, source.location); // fail on unsupported types before downloading weights
    const vars = await loadCheckpointTensors(source);
    try {
      const name = options.name ?? source.location.replace(/\/+$/, '').split(/[\\/]/).pop() ?? 'MusicVAE';
      return new MusicVAE(parsed.data, vars, { ...options, name, location: source.location });
    } catch (error) {
      tf.dispose(vars);
      throw error;
    }
  }

  /** Number of parameters used at inference (σ excluded). */
  get parameterCount(): number {
    return inferenceTensors(this.w).reduce((a, t) => a + t.size, 0);
  }

  override get canRefine(): boolean {
    return true;
  }

  /** μ, σ and the loss of rebuilding `x` as a function of z (see ./music-vae-refine). */
  protected override async refinementProblem(x: tf.Tensor3D): Promise<RefinementProblem> {
    this.checkInput(x);
    this.refineWeights ??= prepareRefineWeights(this.w, this.sizes);
    return musicVaeRefinementProblem(this.w, this.refineWeights, this.sizes, this.converter, x, (z) => this.decodeLabels(z));
  }

  private checkInput(x: tf.Tensor): void {
    const { numSteps, inputDepth } = this.converter;
    if (x.rank !== 3 || x.shape[1] !== numSteps || x.shape[2] !== inputDepth) {
      throw new InvalidInputError(`MusicVAE input must have shape [batch, ${numSteps}, ${inputDepth}]; got [${x.shape.join(', ')}].`);
    }
  }

  protected async encodeBatch(x: tf.Tensor3D): Promise<tf.Tensor2D> {
    this.checkInput(x);
    return tf.tidy(() => meanFromStates(this.w, encoderStates(this.w, x)));
  }

  /** True when the checkpoint has `encoder/sigma`, so {@link encodeDistribution} works. */
  get hasSigma(): boolean {
    return this.w.sigma !== undefined;
  }

  /**
   * q(z|x) for a batch: μ and log σ² `[batch, zDims]` each (σ = softplus(encoder/sigma), as Magenta
   * trains it), from one pass of the encoder. Caller disposes both. Throws when the checkpoint has
   * no `encoder/sigma` variables.
   */
  async encodeDistribution(x: tf.Tensor3D): Promise<{ mean: tf.Tensor2D; logVar: tf.Tensor2D }> {
    this.assertUsable();
    this.checkInput(x);
    const sigma = this.w.sigma;
    if (!sigma) throw new CheckpointError(`${this.name} has no encoder/sigma variables, so its codes have no σ.`, { variable: 'encoder/sigma/kernel' });
    return tf.tidy(() => {
      const both = encoderStates(this.w, x);
      const mean = meanFromStates(this.w, both);
      const s = tf.softplus(tf.add(tf.matMul(both, sigma.kernel), sigma.bias));
      return { mean, logVar: tf.mul(2, tf.log(tf.maximum(s, 1e-12))) as tf.Tensor2D };
    });
  }

  /**
   * Decoded class labels `[batch, numSteps]` (int32) for codes `z`. Argmax without a temperature;
   * with one, Gumbel-max sampling from softmax(logits / T) with a seeded stream. Caller disposes.
   */
  decodeLabelsTensor(z: tf.Tensor2D, options: DecodeOptions = {}): tf.Tensor2D {
    this.assertUsable();
    if (z.rank !== 2 || z.shape[1] !== this.zDims) throw new InvalidInputError(`Codes must have shape [n, ${this.zDims}]; got [${z.shape.join(', ')}].`);
    return decodeLabelsWithWeights(this.w, this.sizes, this.converter, z, options);
  }

  /** Decoded class labels per item, as plain arrays (reads the tensor with `await data()`). */
  async decodeLabels(z: tf.Tensor2D, options: DecodeOptions = {}): Promise<Int32Array[]> {
    const labels = this.decodeLabelsTensor(z, options);
    try {
      const flat = (await labels.data()) as Int32Array;
      const steps = this.converter.numSteps;
      return Array.from({ length: z.shape[0] }, (_, i) => flat.slice(i * steps, (i + 1) * steps));
    } finally {
      labels.dispose();
    }
  }

  protected async decodeBatch(z: tf.Tensor2D, options: DecodeOptions): Promise<tf.Tensor3D> {
    const labels = await this.decodeLabels(z, options);
    const { numSteps, inputDepth } = this.converter;
    const out = new Float32Array(labels.length * numSteps * inputDepth);
    labels.forEach((l, i) => out.set(this.converter.labelsToInput(l), i * numSteps * inputDepth));
    return tf.tensor3d(out, [labels.length, numSteps, inputDepth]);
  }

  protected disposeWeights(): void {
    tf.dispose(inferenceTensors(this.w));
    this.refineWeights?.dispose();
    this.refineWeights = undefined;
    if (this.w.sigma) tf.dispose([this.w.sigma.kernel, this.w.sigma.bias]);
    if (this.variables) tf.dispose(this.variables);
  }

  // ---- sequence level -------------------------------------------------------------------------

  /** Encoder input `[n, numSteps, inputDepth]` for 2-bar sequences, with conversion reports. Caller disposes. */
  sequencesToInputTensor(seqs: readonly QuantizedNoteSequence[]): { x: tf.Tensor3D; reports: ConversionReport[] } {
    if (seqs.length === 0) throw new InvalidInputError('Give at least one sequence.');
    const { numSteps, inputDepth } = this.converter;
    const data = new Float32Array(seqs.length * numSteps * inputDepth);
    const reports: ConversionReport[] = [];
    seqs.forEach((s, i) => {
      if (s.quantizationInfo.stepsPerQuarter !== DEFAULT_STEPS_PER_QUARTER) {
        throw new SequenceError(
          `Sequence ${i + 1} is quantized at ${s.quantizationInfo.stepsPerQuarter} steps per quarter; MusicVAE needs ${DEFAULT_STEPS_PER_QUARTER}.`,
        );
      }
      const { input, report } = this.converter.toInput(s);
      data.set(input, i * numSteps * inputDepth);
      reports.push(report);
    });
    return { x: tf.tensor3d(data, [seqs.length, numSteps, inputDepth]), reports };
  }

  /** μ (or, with `refine`, refined codes) for each 2-bar sequence, as plain arrays. */
  async encodeSequences(seqs: readonly QuantizedNoteSequence[], options: SequenceEncodeOptions = {}): Promise<EncodedSequences> {
    this.assertUsable();
    const { x, reports } = this.sequencesToInputTensor(seqs);
    try {
      const { z, reports: refinements } = options.refine ? await this.encodeRefined(x, options.refine) : { z: await this.encode(x), reports: undefined };
      try {
        const flat = await z.data();
        return {
          z: seqs.map((_, i) => Float32Array.from(flat.subarray(i * this.zDims, (i + 1) * this.zDims))),
          reports,
          ...(refinements ? { refinements } : {}),
        };
      } finally {
        z.dispose();
      }
    } finally {
      x.dispose();
    }
  }

  /**
   * Codes for the user's inputs plus how faithfully each comes back (greedy decode vs the input),
   * refined when `options.refine` is given.
   */
  async encodeWithFidelity(seqs: readonly QuantizedNoteSequence[], options: SequenceEncodeOptions = {}): Promise<EncodedSequences & { fidelity: Fidelity[] }> {
    const encoded = await this.encodeSequences(seqs, options);
    const decoded = await this.decodeLabelsOf(encoded.z);
    const fidelity = seqs.map((s, i) => {
      const f: Fidelity = compareLabels(this.converter.toLabels(s), decoded[i] ?? []);
      const r = encoded.refinements?.[i];
      return r ? { ...f, refinement: r } : f;
    });
    return { ...encoded, fidelity };
  }

  /** Greedy class labels for plain codes. */
  private async decodeLabelsOf(codes: readonly ArrayLike<number>[]): Promise<Int32Array[]> {
    const z = this.codesTensor(codes);
    try {
      return await this.decodeLabels(z);
    } finally {
      z.dispose();
    }
  }

  private codesTensor(codes: readonly ArrayLike<number>[]): tf.Tensor2D {
    if (codes.length === 0) throw new InvalidInputError('Give at least one code.');
    const flat = new Float32Array(codes.length * this.zDims);
    codes.forEach((c, i) => {
      if (c.length !== this.zDims) throw new InvalidInputError(`Code ${i + 1} has ${c.length} numbers; this model's codes have ${this.zDims}.`);
      flat.set(Array.from(c), i * this.zDims);
    });
    return tf.tensor2d(flat, [codes.length, this.zDims]);
  }

  private async labelsFor(z: tf.Tensor2D, options: SequenceDecodeOptions): Promise<QuantizedNoteSequence[]> {
    const labels = await this.decodeLabels(z, options);
    return labels.map((l) => this.converter.labelsToSequence(l, options.qpm ?? DEFAULT_QPM));
  }

  /** Sequences decoded from codes (argmax, or sampled with `temperature` and `seed`). */
  async decodeSequences(codes: readonly ArrayLike<number>[], options: SequenceDecodeOptions = {}): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    const z = this.codesTensor(codes);
    try {
      return await this.labelsFor(z, options);
    } finally {
      z.dispose();
    }
  }

  /** `n` new sequences from random codes (seeded). */
  async sampleSequences(n: number, options: SequenceDecodeOptions = {}): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    const seed = validateSeed(options.seed ?? randomSeed());
    const z = randomCodesTensor(n, this.zDims, seed);
    try {
      return await this.labelsFor(z, { ...options, seed: (seed + 1) >>> 0 });
    } finally {
      z.dispose();
    }
  }

  /** `steps` sequences morphing from `a` to `b` through latent space (lerp or slerp). */
  async interpolateSequences(
    a: QuantizedNoteSequence,
    b: QuantizedNoteSequence,
    steps: number,
    mode: InterpolationMode = 'lerp',
    options: SequenceDecodeOptions & SequenceEncodeOptions = {},
  ): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    const { z } = await this.encodeSequences([a, b], options.refine ? { refine: options.refine } : {});
    return this.interpolateCodeSequences(z[0] as Float32Array, z[1] as Float32Array, steps, mode, options);
  }

  /**
   * `steps` sequences on the path between two codes. The two ends are always decoded greedily (they
   * are the reconstructions of the inputs); a temperature applies to the steps between.
   */
  async interpolateCodeSequences(
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    steps: number,
    mode: InterpolationMode = 'lerp',
    options: SequenceDecodeOptions = {},
  ): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    const ends = this.codesTensor([a, b]);
    let path: tf.Tensor2D | undefined;
    try {
      path = tf.tidy(() => interpolateCodesTensor(ends.slice([0, 0], [1, -1]), ends.slice([1, 0], [1, -1]), steps, mode));
      const out = await this.labelsFor(path, options);
      if ((options.temperature ?? 0) > 0 && out.length >= 2) {
        const [first, last] = await this.labelsFor(ends, { qpm: options.qpm });
        if (first && last) [out[0], out[out.length - 1]] = [first, last];
      }
      return out;
    } finally {
      tf.dispose([ends, path]);
    }
  }

  /**
   * A rows×cols grid blending four corner sequences (top-left, top-right, bottom-left,
   * bottom-right) bilinearly in latent space, row-major.
   */
  async gridSequences(
    corners: readonly [QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence],
    rows: number,
    cols: number,
    options: SequenceDecodeOptions & SequenceEncodeOptions = {},
  ): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    const { z } = await this.encodeSequences(corners, options.refine ? { refine: options.refine } : {});
    return this.gridCodeSequences(z, rows, cols, options);
  }

  /** The rows×cols blend of four corner codes (see {@link gridSequences}). */
  async gridCodeSequences(
    corners: readonly ArrayLike<number>[],
    rows: number,
    cols: number,
    options: SequenceDecodeOptions = {},
  ): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    if (corners.length !== 4) throw new InvalidInputError(`A blend grid needs 4 corner codes; got ${corners.length}.`);
    const zs = this.codesTensor(corners);
    let grid: tf.Tensor2D | undefined;
    try {
      grid = bilinearGridTensor(zs, rows, cols);
      return await this.labelsFor(grid, options);
    } finally {
      tf.dispose([zs, grid]);
    }
  }

  /**
   * `n` variations of `seq`: its code slerped toward random codes by (1 − similarity); similarity 1
   * gives the input back, 0 gives unrelated samples.
   */
  async similarSequences(
    seq: QuantizedNoteSequence,
    n: number,
    similarity: number,
    options: SequenceDecodeOptions & SequenceEncodeOptions = {},
  ): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    if (!Number.isFinite(similarity) || similarity < 0 || similarity > 1) throw new InvalidInputError(`similarity must be between 0 and 1; got ${similarity}.`);
    const { z } = await this.encodeSequences([seq], options.refine ? { refine: options.refine } : {});
    return this.similarCodeSequences(z[0] as Float32Array, n, similarity, options);
  }

  /** `n` variations of a code (see {@link similarSequences}). */
  async similarCodeSequences(code: ArrayLike<number>, n: number, similarity: number, options: SequenceDecodeOptions = {}): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    if (!Number.isFinite(similarity) || similarity < 0 || similarity > 1) throw new InvalidInputError(`similarity must be between 0 and 1; got ${similarity}.`);
    const seed = validateSeed(options.seed ?? randomSeed());
    let z0: tf.Tensor2D | undefined;
    let codes: tf.Tensor2D | undefined;
    try {
      z0 = this.codesTensor([code]);
      const origin = z0;
      const random = randomCodesTensor(n, this.zDims, seed);
      try {
        codes = tf.tidy(() => {
          const rows: tf.Tensor[] = [];
          for (let i = 0; i < n; i++) rows.push(codesAtTensor(origin, random.slice([i, 0], [1, -1]), [1 - similarity], 'slerp'));
          return tf.concat(rows, 0) as tf.Tensor2D;
        });
      } finally {
        random.dispose();
      }
      return await this.labelsFor(codes, { ...options, seed: (seed + 1) >>> 0 });
    } finally {
      tf.dispose([z0, codes]);
    }
  }
}

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
import { z as zod } from 'zod';
import { loadCheckpointTensors, type WeightSource } from '../core/checkpoint';
import { CheckpointError, InvalidInputError } from '../core/errors';
import type { DecodeOptions, InterpolationMode, RefinementReport, RefineOptions } from '../core/latent-model';
import { createRng, randomSeed, validateSeed } from '../core/random';
import { LatentModelBase } from '../latent/base-model';
import { bilinearGridTensor, codesAtTensor, interpolateCodesTensor, randomCodesTensor } from '../latent/interpolate';
import type { RefinementProblem } from '../latent/refine';
import { DrumsConverter } from './converters/drums';
import { MelodyConverter } from './converters/melody';
import type { ConversionReport, MusicConverter } from './converters/types';
import { SequenceError } from './errors';
import { DEFAULT_QPM, DEFAULT_STEPS_PER_QUARTER, type QuantizedNoteSequence } from './note-sequence';
import { bidirectionalFinalStates, lstmFromPreactivations, lstmStep, lstmTensors, prepareLstm, type LstmGates } from './lstm';
import { fixedMatMul, lstmSequence } from './lstm-train';
import { decoderLstmPrefix, encoderLstmPrefix, MUSIC_VAE_VARS as VARS } from './variable-names';

const converterSpecSchema = zod.object({ type: zod.string(), args: zod.record(zod.string(), zod.unknown()).default({}) });

/** Magenta's config.json for a MusicVAE checkpoint (fields we use; others are ignored). */
export const musicVaeConfigSchema = zod.looseObject({
  type: zod.string(),
  dataConverter: converterSpecSchema,
  useBooleanDecoder: zod.boolean().optional(),
  conditionOnKey: zod.boolean().optional(),
  chordEncoder: zod.string().optional(),
});
export type MusicVaeConfig = zod.infer<typeof musicVaeConfigSchema>;

const SUPPORTED =
  'Latent Lab runs flat melody and drum MusicVAEs (dataConverter MelodyConverter or DrumsConverter, like mel_2bar_small and drums_2bar_*_small)';

/** Builds the converter named by a config.json, or says why it cannot. */
export function converterFromConfig(config: MusicVaeConfig, location = 'this checkpoint'): MusicConverter {
  if (config.type !== 'MusicVAE') throw new CheckpointError(`config.json of ${location} says type "${config.type}", not "MusicVAE".`, { file: 'config.json' });
  if (config.chordEncoder || config.conditionOnKey || config.useBooleanDecoder) {
    throw new CheckpointError(`${location} is a conditioned or multi-label MusicVAE. ${SUPPORTED}.`, { file: 'config.json' });
  }
  const { type, args } = config.dataConverter;
  if (args.numSegments !== undefined && args.numSegments !== null) {
    throw new CheckpointError(`${location} is a hierarchical MusicVAE (numSegments ${String(args.numSegments)}). ${SUPPORTED}.`, { file: 'config.json' });
  }
  const numSteps = typeof args.numSteps === 'number' ? args.numSteps : 32;
  if (type === 'MelodyConverter') {
    const minPitch = typeof args.minPitch === 'number' ? args.minPitch : 21;
    const maxPitch = typeof args.maxPitch === 'number' ? args.maxPitch : 108;
    return new MelodyConverter({ numSteps, minPitch, maxPitch });
  }
  if (type === 'DrumsConverter') {
    const classes = zod.array(zod.array(zod.number().int())).optional().safeParse(args.pitchClasses);
    return new DrumsConverter({ numSteps, ...(classes.success && classes.data ? { pitchClasses: classes.data } : {}) });
  }
  throw new CheckpointError(`${location} uses the data converter "${type}". ${SUPPORTED}.`, { file: 'config.json' });
}

const ENC = encoderLstmPrefix;
const DEC = decoderLstmPrefix;

/** Layer sizes of a MusicVAE, as read from (or written to) its checkpoint. */
export interface MusicVaeSizes {
  encoderUnits: number;
  decoderUnits: number[];
  zDims: number;
}

function need(vars: tf.NamedTensorMap, name: string, shape: number[] | undefined, location: string): tf.Tensor {
  const t = vars[name];
  if (!t)
    throw new CheckpointError(
      `${location} has no variable "${name}"${shape ? ` (expected shape [${shape.join(', ')}])` : ''}. Is it a flat MusicVAE checkpoint?`,
      { variable: name },
    );
  if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new CheckpointError(
      `Variable "${name}" of ${location} has shape [${t.shape.join(', ')}] but [${shape.join(', ')}] was expected from the other variables and config.json.`,
      { variable: name },
    );
  }
  return t;
}

/** Reads the layer sizes from the variables and checks that every shape fits them and the converter. */
export function checkMusicVaeVariables(vars: tf.NamedTensorMap, converter: MusicConverter, location = 'the checkpoint'): MusicVaeSizes {
  if (vars[ENC('fw', 1) + 'kernel']) throw new CheckpointError(`${location} has a multi-layer encoder. ${SUPPORTED}.`, { variable: ENC('fw', 1) + 'kernel' });
  const encBias = need(vars, ENC('fw') + 'bias', undefined, location);
  if (encBias.rank !== 1 || encBias.shape[0] % 4 !== 0)
    throw new CheckpointError(`"${ENC('fw')}bias" must be a vector of 4·units values; got [${encBias.shape.join(', ')}].`, { variable: ENC('fw') + 'bias' });
  const e = encBias.shape[0] / 4;
  const muBias = need(vars, VARS.muBias, undefined, location);
  const zDims = muBias.shape[0] ?? 0;
  for (const dir of ['fw', 'bw'] as const) {
    need(vars, ENC(dir) + 'kernel', [converter.inputDepth + e, 4 * e], location);
    need(vars, ENC(dir) + 'bias', [4 * e], location);
  }
  need(vars, VARS.muKernel, [2 * e, zDims], location);
  const decoderUnits: number[] = [];
  for (let i = 0; vars[DEC(i) + 'kernel'] || vars[DEC(i) + 'bias']; i++) {
    const bias = need(vars, DEC(i) + 'bias', undefined, location);
    const h = (bias.shape[0] ?? 0) / 4;
    const input = i === 0 ? converter.outputDepth + zDims : (decoderUnits[i - 1] ?? 0);
    need(vars, DEC(i) + 'kernel', [input + h, 4 * h], location);
    decoderUnits.push(h);
  }
  if (decoderUnits.length === 0) need(vars, DEC(0) + 'kernel', undefined, location);
  const total = decoderUnits.reduce((a, b) => a + b, 0);
  need(vars, VARS.zInitKernel, [zDims, 2 * total], location);
  need(vars, VARS.zInitBias, [2 * total], location);
  const last = decoderUnits[decoderUnits.length - 1] ?? 0;
  need(vars, VARS.outKernel, [last, converter.outputDepth], location);
  need(vars, VARS.outBias, [converter.outputDepth], location);
  return { encoderUnits: e, decoderUnits, zDims };
}

type InferenceWeights = {
  encFw: LstmGates;
  encBw: LstmGates;
  muKernel: tf.Tensor2D;
  muBias: tf.Tensor1D;
  /** σ = softplus(h·sigmaKernel + sigmaBias); absent from checkpoints that dropped it. */
  sigma: { kernel: tf.Tensor2D; bias: tf.Tensor1D } | undefined;
  zInitKernel: tf.Tensor2D;
  zInitBias: tf.Tensor1D;
  /**
   * Decoder cells; layer l ≥ 1 reads concat(h below, h). Layer 0 reads concat(previous one-hot, z, h):
   * its kernel rows are split per gate [i, j, f, o] into `classRows`, `zRows` (multiplied once per
   * decode, not once per step) and `hRows`.
   */
  dec: LstmGates[];
  dec0: { classRows: tf.Tensor2D[]; zRows: tf.Tensor2D[]; hRows: tf.Tensor2D[] };
  outKernel: tf.Tensor2D;
  outBias: tf.Tensor1D;
};

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

/** How faithfully a code rebuilds its input: greedy (argmax) decode compared step by step. */
export interface Fidelity {
  /** Steps whose decoded class equals the input's (out of `totalSteps`). */
  matchingSteps: number;
  totalSteps: number;
  /** Steps where the input has an event (note-on/off, a drum hit), and how many of those match. */
  eventSteps: number;
  matchingEventSteps: number;
  /** Present when the code was refined. */
  refinement?: RefinementReport;
}

/** The result of encoding sequences: codes plus what the converter had to change. */
export interface EncodedSequences {
  z: Float32Array[];
  reports: ConversionReport[];
  /** Per input, when refined: loss before/after and the distance moved in σ. */
  refinements?: RefinementReport[];
}

/** Matching steps between an input's labels and a decode's labels (see {@link Fidelity}). */
export function compareLabels(input: ArrayLike<number>, decoded: ArrayLike<number>): Omit<Fidelity, 'refinement'> {
  let matchingSteps = 0;
  let eventSteps = 0;
  let matchingEventSteps = 0;
  for (let t = 0; t < input.length; t++) {
    const hit = input[t] === decoded[t];
    if (hit) matchingSteps++;
    if ((input[t] ?? 0) !== 0) {
      eventSteps++;
      if (hit) matchingEventSteps++;
    }
  }
  return { matchingSteps, totalSteps: input.length, eventSteps, matchingEventSteps };
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
    const v = (n: string): tf.Tensor => vars[n] as tf.Tensor;
    this.w = tf.tidy(() => ({
      encFw: prepareLstm(v(ENC('fw') + 'kernel') as tf.Tensor2D, v(ENC('fw') + 'bias') as tf.Tensor1D),
      encBw: prepareLstm(v(ENC('bw') + 'kernel') as tf.Tensor2D, v(ENC('bw') + 'bias') as tf.Tensor1D),
      muKernel: tf.clone(v(VARS.muKernel)) as tf.Tensor2D,
      muBias: tf.clone(v(VARS.muBias)) as tf.Tensor1D,
      sigma: vars[VARS.sigmaKernel] && vars[VARS.sigmaBias] ? this.sigmaWeights(vars, location) : undefined,
      zInitKernel: tf.clone(v(VARS.zInitKernel)) as tf.Tensor2D,
      zInitBias: tf.clone(v(VARS.zInitBias)) as tf.Tensor1D,
      dec: this.sizes.decoderUnits.map((_, i) => prepareLstm(v(DEC(i) + 'kernel') as tf.Tensor2D, v(DEC(i) + 'bias') as tf.Tensor1D)),
      dec0: (() => {
        const k0 = v(DEC(0) + 'kernel') as tf.Tensor2D;
        const h0 = this.sizes.decoderUnits[0] ?? 0;
        const [classRows, zRows, hRows] = tf.split(k0, [this.converter.outputDepth, this.zDims, h0], 0);
        const byGate = (t: tf.Tensor | undefined): tf.Tensor2D[] => tf.split(t as tf.Tensor2D, 4, 1) as tf.Tensor2D[];
        return { classRows: byGate(classRows), zRows: byGate(zRows), hRows: byGate(hRows) };
      })(),
      outKernel: tf.clone(v(VARS.outKernel)) as tf.Tensor2D,
      outBias: tf.clone(v(VARS.outBias)) as tf.Tensor1D,
    }));
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
    return this.inferenceTensors().reduce((a, t) => a + t.size, 0);
  }

  private inferenceTensors(): tf.Tensor[] {
    const w = this.w;
    const dec0 = [...w.dec0.classRows, ...w.dec0.zRows, ...w.dec0.hRows];
    // Layer 0's full kernels are not needed after the split.
    return [
      ...lstmTensors(w.encFw),
      ...lstmTensors(w.encBw),
      w.muKernel,
      w.muBias,
      w.zInitKernel,
      w.zInitBias,
      ...w.dec.flatMap(lstmTensors),
      ...dec0,
      w.outKernel,
      w.outBias,
    ];
  }

  private sigmaWeights(vars: tf.NamedTensorMap, location: string): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
    const e = this.sizes.encoderUnits;
    return {
      kernel: tf.clone(need(vars, VARS.sigmaKernel, [2 * e, this.zDims], location)) as tf.Tensor2D,
      bias: tf.clone(need(vars, VARS.sigmaBias, [this.zDims], location)) as tf.Tensor1D,
    };
  }

  override get canRefine(): boolean {
    return true;
  }

  /**
   * μ, σ and the teacher-forced cross-entropy of the input's own classes as a function of z, for
   * refined codes. The decoder runs as in training (all steps' inputs known), through the
   * hand-written back-propagation of lstm-train.ts, with everything that does not depend on z (the
   * previous-step one-hots times their kernel rows) computed once.
   */
  protected override async refinementProblem(x: tf.Tensor3D): Promise<RefinementProblem> {
    this.checkInput(x);
    const { numSteps: T, inputDepth: D, outputDepth: C } = this.converter;
    const B = x.shape[0];
    const flat = await x.data();
    const labels = Array.from({ length: B }, (_, b) => this.converter.inputToLabels(flat.subarray(b * T * D, (b + 1) * T * D)));
    const w = this.w;
    const units = this.sizes.decoderUnits;
    const keep = tf.tidy(() => {
      const [hFw, hBw] = bidirectionalFinalStates(tf.cast(x, 'float32') as tf.Tensor3D, w.encFw, w.encBw);
      const both = tf.concat([hFw, hBw], 1);
      const mu = tf.add(tf.matMul(both, w.muKernel), w.muBias) as tf.Tensor2D;
      const sigma = (w.sigma ? tf.softplus(tf.add(tf.matMul(both, w.sigma.kernel), w.sigma.bias)) : tf.onesLike(mu)) as tf.Tensor2D;
      // Time-major one-hots of the targets and of each step's previous class (zeros at step 0).
      const targets = new Float32Array(T * B * C);
      const previous = new Float32Array(T * B * C);
      labels.forEach((l, b) => {
        for (let t = 0; t < T; t++) {
          const c = l[t] ?? 0;
          targets[(t * B + b) * C + c] = 1;
          if (t + 1 < T) previous[((t + 1) * B + b) * C + c] = 1;
        }
      });
      const g0 = w.dec[0] as LstmGates;
      const cat = (parts: tf.Tensor2D[]): tf.Tensor2D => tf.concat(parts, 1) as tf.Tensor2D;
      const bias0 = tf.concat([g0.bi, g0.bj, g0.bf, g0.bo]);
      const base0 = tf.add(tf.matMul(tf.tensor2d(previous, [T * B, C]), cat(w.dec0.classRows)), bias0).reshape([T, B, 4 * (units[0] ?? 0)]);
      const upper = w.dec.slice(1).map((g, i) => {
        const kernel = cat([g.wi, g.wj, g.wf, g.wo]);
        const input = units[i] ?? 0;
        const wx = tf.slice(kernel, [0, 0], [input, 4 * g.hidden]) as tf.Tensor2D;
        return {
          wx,
          wxT: tf.transpose(wx) as tf.Tensor2D,
          wh: tf.slice(kernel, [input, 0], [g.hidden, 4 * g.hidden]) as tf.Tensor2D,
          bias: tf.concat([g.bi, g.bj, g.bf, g.bo]),
        };
      });
      const wz0 = cat(w.dec0.zRows);
      return {
        mu,
        sigma,
        targets: tf.tensor2d(targets, [T * B, C]),
        base0,
        wz0,
        wz0T: tf.transpose(wz0) as tf.Tensor2D,
        wh0: cat(w.dec0.hRows),
        zInitT: tf.transpose(w.zInitKernel) as tf.Tensor2D,
        outT: tf.transpose(w.outKernel) as tf.Tensor2D,
        upper,
      };
    });
    // Every weight is fixed: products with them use precomputed transposes and skip weight gradients.
    const loss = (z: tf.Tensor2D): tf.Tensor1D => {
      const init = tf.split(
        tf.tanh(tf.add(fixedMatMul(z, w.zInitKernel, keep.zInitT), w.zInitBias)),
        units.flatMap((u) => [u, u]),
        1,
      );
      const xw0 = tf.add(keep.base0, fixedMatMul(z, keep.wz0, keep.wz0T).expandDims(0)) as tf.Tensor3D;
      let hs = lstmSequence(xw0, keep.wh0, init[0] as tf.Tensor2D, init[1] as tf.Tensor2D, { fixedKernel: true });
      keep.upper.forEach((layer, i) => {
        const [, , H] = hs.shape;
        const xw = tf.add(fixedMatMul(tf.reshape(hs, [T * B, H]) as tf.Tensor2D, layer.wx, layer.wxT), layer.bias).reshape([T, B, -1]) as tf.Tensor3D;
        hs = lstmSequence(xw, layer.wh, init[2 * (i + 1)] as tf.Tensor2D, init[2 * (i + 1) + 1] as tf.Tensor2D, { fixedKernel: true });
      });
      const [, , H] = hs.shape;
      const logits = tf.add(fixedMatMul(tf.reshape(hs, [T * B, H]) as tf.Tensor2D, w.outKernel, keep.outT), w.outBias) as tf.Tensor2D;
      const ce = tf.losses.softmaxCrossEntropy(keep.targets, logits, undefined, undefined, tf.Reduction.NONE);
      return tf.sum(tf.reshape(ce, [T, B]), 0) as tf.Tensor1D;
    };
    // The code kept is the one whose greedy decode rebuilds the most steps (what the user hears); the
    // candidates arrive stacked (row r is item r mod batch) and are decoded together.
    const score = async (z: tf.Tensor2D): Promise<number[]> =>
      (await this.decodeLabels(z)).map((decoded, r) => compareLabels(labels[r % labels.length] ?? [], decoded).matchingSteps);
    return {
      mu: keep.mu,
      sigma: keep.sigma,
      loss,
      score,
      dispose: () =>
        tf.dispose([
          keep.mu,
          keep.sigma,
          keep.targets,
          keep.base0,
          keep.wz0,
          keep.wz0T,
          keep.wh0,
          keep.zInitT,
          keep.outT,
          ...keep.upper.flatMap((u) => [u.wx, u.wxT, u.wh, u.bias]),
        ]),
    };
  }

  private checkInput(x: tf.Tensor): void {
    const { numSteps, inputDepth } = this.converter;
    if (x.rank !== 3 || x.shape[1] !== numSteps || x.shape[2] !== inputDepth) {
      throw new InvalidInputError(`MusicVAE input must have shape [batch, ${numSteps}, ${inputDepth}]; got [${x.shape.join(', ')}].`);
    }
  }

  protected async encodeBatch(x: tf.Tensor3D): Promise<tf.Tensor2D> {
    this.checkInput(x);
    return tf.tidy(() => {
      const [hFw, hBw] = bidirectionalFinalStates(tf.cast(x, 'float32') as tf.Tensor3D, this.w.encFw, this.w.encBw);
      return tf.add(tf.matMul(tf.concat([hFw, hBw], 1), this.w.muKernel), this.w.muBias) as tf.Tensor2D;
    });
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
      const [hFw, hBw] = bidirectionalFinalStates(tf.cast(x, 'float32') as tf.Tensor3D, this.w.encFw, this.w.encBw);
      const both = tf.concat([hFw, hBw], 1);
      const mean = tf.add(tf.matMul(both, this.w.muKernel), this.w.muBias) as tf.Tensor2D;
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
    const batch = z.shape[0];
    const steps = this.converter.numSteps;
    const classes = this.converter.outputDepth;
    const temperature = options.temperature ?? 0;
    // Gumbel noise for every step, drawn up front from the seed (−log(−log u)).
    let noise: Float32Array | undefined;
    if (temperature > 0) {
      const rng = createRng(options.seed ?? randomSeed());
      noise = new Float32Array(steps * batch * classes);
      for (let i = 0; i < noise.length; i++) noise[i] = -Math.log(-Math.log(rng.next() * (1 - 2e-7) + 1e-7));
    }
    const w = this.w;
    return tf.tidy(() => {
      const units = this.sizes.decoderUnits;
      const init = tf.split(
        tf.tanh(tf.add(tf.matMul(z, w.zInitKernel), w.zInitBias)),
        units.flatMap((u) => [u, u]),
        1,
      );
      const c = units.map((_, i) => init[2 * i] as tf.Tensor2D);
      const h = units.map((_, i) => init[2 * i + 1] as tf.Tensor2D);
      // One tensor per step straight from the array (slicing one big tensor is slow on WASM).
      const gumbel = noise
        ? Array.from({ length: steps }, (_, t) => tf.tensor2d(noise.subarray(t * batch * classes, (t + 1) * batch * classes), [batch, classes]))
        : undefined;
      const invT = temperature > 0 ? tf.scalar(1 / temperature) : undefined;
      const g0 = w.dec[0] as LstmGates;
      const biases0 = [g0.bi, g0.bj, g0.bf, g0.bo];
      // z's contribution to layer 0 is the same at every step: compute it once.
      const zPart = w.dec0.zRows.map((rows, k) => tf.add(tf.matMul(z, rows), biases0[k] as tf.Tensor1D));
      // The previous step's one-hot times the class rows picks one row per item. A gather does that
      // for free on CPU/WebGL/WebGPU; WASM's Gather kernel costs ~150 µs for 16 rows, ten times a
      // one-hot matMul, so there the one-hot is multiplied (both are exact).
      const gatherRows = tf.getBackend() !== 'wasm';
      let previous: tf.Tensor1D | undefined;
      const labels: tf.Tensor1D[] = [];
      for (let t = 0; t < steps; t++) {
        const prevLabel = previous;
        // oneHot straight to float32 is broken on WASM (tfjs 4.22 writes int32 bits): cast instead.
        const prevOneHot = prevLabel && !gatherRows ? (tf.cast(tf.oneHot(prevLabel, classes), 'float32') as tf.Tensor2D) : undefined;
        const pre = w.dec0.hRows.map((rows, k) => {
          const g = tf.add(tf.matMul(h[0] as tf.Tensor2D, rows), zPart[k] as tf.Tensor);
          const classRows = w.dec0.classRows[k] as tf.Tensor2D;
          if (!prevLabel) return g;
          return tf.add(g, prevOneHot ? tf.matMul(prevOneHot, classRows) : tf.gather(classRows, prevLabel));
        }) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        [c[0], h[0]] = lstmFromPreactivations(pre, c[0] as tf.Tensor2D);
        for (let l = 1; l < units.length; l++) {
          [c[l], h[l]] = lstmStep(tf.concat([h[l - 1] as tf.Tensor2D, h[l] as tf.Tensor2D], 1) as tf.Tensor2D, c[l] as tf.Tensor2D, w.dec[l] as LstmGates);
        }
        let logits: tf.Tensor = tf.add(tf.matMul(h[units.length - 1] as tf.Tensor2D, w.outKernel), w.outBias);
        if (invT && gumbel) logits = tf.add(tf.mul(logits, invT), gumbel[t] as tf.Tensor);
        previous = tf.argMax(logits, 1) as tf.Tensor1D;
        labels.push(previous);
      }
      return tf.stack(labels, 1) as tf.Tensor2D;
    });
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
    tf.dispose(this.inferenceTensors());
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

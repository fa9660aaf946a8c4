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
import type { DecodeOptions, InterpolationMode } from '../core/latent-model';
import { createRng, randomSeed, validateSeed } from '../core/random';
import { LatentModelBase } from '../latent/base-model';
import { bilinearGridTensor, codesAtTensor, interpolateCodesTensor, randomCodesTensor } from '../latent/interpolate';
import { DrumsConverter } from './converters/drums';
import { MelodyConverter } from './converters/melody';
import type { ConversionReport, MusicConverter } from './converters/types';
import { SequenceError } from './errors';
import { DEFAULT_QPM, DEFAULT_STEPS_PER_QUARTER, type QuantizedNoteSequence } from './note-sequence';
import { bidirectionalFinalStates, lstmFromPreactivations, lstmStep, lstmTensors, prepareLstm, type LstmGates } from './lstm';

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

const SUPPORTED = 'Latent Lab runs flat melody and drum MusicVAEs (dataConverter MelodyConverter or DrumsConverter, like mel_2bar_small and drums_2bar_*_small)';

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

const ENC = (dir: 'fw' | 'bw', layer = 0): string => `encoder/cell_${layer}/bidirectional_rnn/${dir}/multi_rnn_cell/cell_0/lstm_cell/`;
const DEC = (i: number): string => `decoder/multi_rnn_cell/cell_${i}/lstm_cell/`;

/** Layer sizes of a MusicVAE, as read from (or written to) its checkpoint. */
export interface MusicVaeSizes {
  encoderUnits: number;
  decoderUnits: number[];
  zDims: number;
}

function need(vars: tf.NamedTensorMap, name: string, shape: number[] | undefined, location: string): tf.Tensor {
  const t = vars[name];
  if (!t) throw new CheckpointError(`${location} has no variable "${name}"${shape ? ` (expected shape [${shape.join(', ')}])` : ''}. Is it a flat MusicVAE checkpoint?`, { variable: name });
  if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new CheckpointError(`Variable "${name}" of ${location} has shape [${t.shape.join(', ')}] but [${shape.join(', ')}] was expected from the other variables and config.json.`, { variable: name });
  }
  return t;
}

/** Reads the layer sizes from the variables and checks that every shape fits them and the converter. */
export function checkMusicVaeVariables(vars: tf.NamedTensorMap, converter: MusicConverter, location = 'the checkpoint'): MusicVaeSizes {
  if (vars[ENC('fw', 1) + 'kernel']) throw new CheckpointError(`${location} has a multi-layer encoder. ${SUPPORTED}.`, { variable: ENC('fw', 1) + 'kernel' });
  const encBias = need(vars, ENC('fw') + 'bias', undefined, location);
  if (encBias.rank !== 1 || encBias.shape[0] % 4 !== 0) throw new CheckpointError(`"${ENC('fw')}bias" must be a vector of 4·units values; got [${encBias.shape.join(', ')}].`, { variable: ENC('fw') + 'bias' });
  const e = encBias.shape[0] / 4;
  const muBias = need(vars, 'encoder/mu/bias', undefined, location);
  const zDims = muBias.shape[0] ?? 0;
  for (const dir of ['fw', 'bw'] as const) {
    need(vars, ENC(dir) + 'kernel', [converter.inputDepth + e, 4 * e], location);
    need(vars, ENC(dir) + 'bias', [4 * e], location);
  }
  need(vars, 'encoder/mu/kernel', [2 * e, zDims], location);
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
  need(vars, 'decoder/z_to_initial_state/kernel', [zDims, 2 * total], location);
  need(vars, 'decoder/z_to_initial_state/bias', [2 * total], location);
  const last = decoderUnits[decoderUnits.length - 1] ?? 0;
  need(vars, 'decoder/output_projection/kernel', [last, converter.outputDepth], location);
  need(vars, 'decoder/output_projection/bias', [converter.outputDepth], location);
  return { encoderUnits: e, decoderUnits, zDims };
}

type InferenceWeights = {
  encFw: LstmGates;
  encBw: LstmGates;
  muKernel: tf.Tensor2D;
  muBias: tf.Tensor1D;
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

/** The result of encoding sequences: codes plus what the converter had to change. */
export interface EncodedSequences {
  z: Float32Array[];
  reports: ConversionReport[];
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
      muKernel: tf.clone(v('encoder/mu/kernel')) as tf.Tensor2D,
      muBias: tf.clone(v('encoder/mu/bias')) as tf.Tensor1D,
      zInitKernel: tf.clone(v('decoder/z_to_initial_state/kernel')) as tf.Tensor2D,
      zInitBias: tf.clone(v('decoder/z_to_initial_state/bias')) as tf.Tensor1D,
      dec: this.sizes.decoderUnits.map((_, i) => prepareLstm(v(DEC(i) + 'kernel') as tf.Tensor2D, v(DEC(i) + 'bias') as tf.Tensor1D)),
      dec0: (() => {
        const k0 = v(DEC(0) + 'kernel') as tf.Tensor2D;
        const h0 = this.sizes.decoderUnits[0] ?? 0;
        const [classRows, zRows, hRows] = tf.split(k0, [this.converter.outputDepth, this.zDims, h0], 0);
        const byGate = (t: tf.Tensor | undefined): tf.Tensor2D[] => tf.split(t as tf.Tensor2D, 4, 1) as tf.Tensor2D[];
        return { classRows: byGate(classRows), zRows: byGate(zRows), hRows: byGate(hRows) };
      })(),
      outKernel: tf.clone(v('decoder/output_projection/kernel')) as tf.Tensor2D,
      outBias: tf.clone(v('decoder/output_projection/bias')) as tf.Tensor1D,
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
      throw new CheckpointError(`config.json of ${source.location} is not a MusicVAE config: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? '?'}.`, {
        file: 'config.json',
      });
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
    return [...lstmTensors(w.encFw), ...lstmTensors(w.encBw), w.muKernel, w.muBias, w.zInitKernel, w.zInitBias, ...w.dec.flatMap(lstmTensors), ...dec0, w.outKernel, w.outBias];
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
      const init = tf.split(tf.tanh(tf.add(tf.matMul(z, w.zInitKernel), w.zInitBias)), units.flatMap((u) => [u, u]), 1);
      const c = units.map((_, i) => init[2 * i] as tf.Tensor2D);
      const h = units.map((_, i) => init[2 * i + 1] as tf.Tensor2D);
      // One tensor per step straight from the array (slicing one big tensor is slow on WASM).
      const gumbel = noise ? Array.from({ length: steps }, (_, t) => tf.tensor2d(noise.subarray(t * batch * classes, (t + 1) * batch * classes), [batch, classes])) : undefined;
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
        throw new SequenceError(`Sequence ${i + 1} is quantized at ${s.quantizationInfo.stepsPerQuarter} steps per quarter; MusicVAE needs ${DEFAULT_STEPS_PER_QUARTER}.`);
      }
      const { input, report } = this.converter.toInput(s);
      data.set(input, i * numSteps * inputDepth);
      reports.push(report);
    });
    return { x: tf.tensor3d(data, [seqs.length, numSteps, inputDepth]), reports };
  }

  /** μ for each 2-bar sequence, as plain arrays. */
  async encodeSequences(seqs: readonly QuantizedNoteSequence[]): Promise<EncodedSequences> {
    this.assertUsable();
    const { x, reports } = this.sequencesToInputTensor(seqs);
    try {
      const z = await this.encode(x);
      try {
        const flat = await z.data();
        return { z: seqs.map((_, i) => Float32Array.from(flat.subarray(i * this.zDims, (i + 1) * this.zDims))), reports };
      } finally {
        z.dispose();
      }
    } finally {
      x.dispose();
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
  async interpolateSequences(a: QuantizedNoteSequence, b: QuantizedNoteSequence, steps: number, mode: InterpolationMode = 'lerp', options: SequenceDecodeOptions = {}): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    const { x } = this.sequencesToInputTensor([a, b]);
    let zs: tf.Tensor2D | undefined;
    let path: tf.Tensor2D | undefined;
    try {
      zs = await this.encode(x);
      const pair = zs;
      path = tf.tidy(() => interpolateCodesTensor(pair.slice([0, 0], [1, -1]), pair.slice([1, 0], [1, -1]), steps, mode));
      return await this.labelsFor(path, options);
    } finally {
      tf.dispose([x, zs, path]);
    }
  }

  /**
   * A rows×cols grid blending four corner sequences (top-left, top-right, bottom-left,
   * bottom-right) bilinearly in latent space, row-major.
   */
  async gridSequences(corners: readonly [QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence], rows: number, cols: number, options: SequenceDecodeOptions = {}): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    const { x } = this.sequencesToInputTensor(corners);
    let zs: tf.Tensor2D | undefined;
    let grid: tf.Tensor2D | undefined;
    try {
      zs = await this.encode(x);
      grid = bilinearGridTensor(zs, rows, cols);
      return await this.labelsFor(grid, options);
    } finally {
      tf.dispose([x, zs, grid]);
    }
  }

  /**
   * `n` variations of `seq`: its code slerped toward random codes by (1 − similarity); similarity 1
   * gives the input back, 0 gives unrelated samples.
   */
  async similarSequences(seq: QuantizedNoteSequence, n: number, similarity: number, options: SequenceDecodeOptions = {}): Promise<QuantizedNoteSequence[]> {
    this.assertUsable();
    if (!Number.isFinite(similarity) || similarity < 0 || similarity > 1) throw new InvalidInputError(`similarity must be between 0 and 1; got ${similarity}.`);
    const seed = validateSeed(options.seed ?? randomSeed());
    const { x } = this.sequencesToInputTensor([seq]);
    let z0: tf.Tensor2D | undefined;
    let codes: tf.Tensor2D | undefined;
    try {
      z0 = await this.encode(x);
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
      tf.dispose([x, z0, codes]);
    }
  }
}

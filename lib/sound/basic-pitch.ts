/**
 * Spotify's basic-pitch (Bittner et al., ICASSP 2022; Apache-2.0) on our own TF.js: the model files
 * ship in `models/basic-pitch/` (served at `/models/basic-pitch/` by the app, read from disk in Node)
 * and are loaded through a {@link WeightSource}, so the same code runs in Node, in a page and in a
 * Web Worker, and no second TF.js is ever loaded (its npm package's own inference module imports
 * `@tensorflow/tfjs` 3 and leaks tensors; we only reuse its note-extraction functions, in notes.ts).
 *
 * The model hears 2-second windows of 22,050 Hz mono audio (43,844 samples) and outputs, for 172
 * frames of 256 samples (11.6 ms) each: `frames` — how likely each of the 88 piano pitches (MIDI
 * 21–108) sounds; `onsets` — how likely one starts; `contours` — a finer pitch salience in thirds of
 * a semitone (264 bins). Windows overlap by 30 frames; the first and last 15 frames of each are
 * dropped and the rest joined, as basic-pitch's own code does — except at the take's two ends,
 * where there is no neighbouring window (see pitchPosteriors).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { WeightSource } from '../core/checkpoint';
import { CancelledError, InvalidInputError } from '../core/errors';
import { TranscriptionModelError } from './errors';
import { MODEL_SAMPLE_RATE } from './pcm';

/** The model's fixed sizes (from basic-pitch's constants.py). */
export const BASIC_PITCH = {
  sampleRate: MODEL_SAMPLE_RATE,
  /** Samples between output frames. */
  fftHop: 256,
  /** Input samples per window: 2 s minus one hop. */
  windowSamples: 43_844,
  /** Output frames per window. */
  framesPerWindow: 172,
  /** Frames shared by neighbouring windows (half dropped at each side). */
  overlapFrames: 30,
  /** Lowest pitch of the 88 note bins (A0). */
  midiOffset: 21,
  notes: 88,
  contourBins: 264,
} as const;

/** Folder of the model under `models/` (and URL path under `/models/`). */
export const BASIC_PITCH_MODEL_PATH = 'basic-pitch';

const OVERLAP_SAMPLES = BASIC_PITCH.overlapFrames * BASIC_PITCH.fftHop; // 7,680
const HALF_OVERLAP_FRAMES = BASIC_PITCH.overlapFrames / 2;
const KEPT_FRAMES = BASIC_PITCH.framesPerWindow - BASIC_PITCH.overlapFrames; // 142
/** Input samples between window starts. */
export const WINDOW_HOP_SAMPLES = BASIC_PITCH.windowSamples - OVERLAP_SAMPLES; // 36,164
const OUTPUTS = { contours: 'Identity:0', frames: 'Identity_1:0', onsets: 'Identity_2:0' } as const;

const graphModelJsonSchema = z.object({
  format: z.literal('graph-model'),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string().min(1)).min(1),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.enum(['float32', 'int32', 'bool']) })),
      }),
    )
    .min(1),
  signature: z
    .object({
      inputs: z.record(z.string(), z.object({ tensorShape: z.object({ dim: z.array(z.object({ size: z.string() })) }) })),
      outputs: z.record(z.string(), z.object({ name: z.string() })),
    })
    .optional(),
});

/** A loaded basic-pitch graph model. Owns its weights: call `dispose()` when done (idempotent). */
export class BasicPitchModel {
  readonly location: string;
  private graph: tf.GraphModel | undefined;

  constructor(graph: tf.GraphModel, location: string) {
    this.graph = graph;
    this.location = location;
  }

  /** The graph, or a clear error after `dispose()`. */
  get model(): tf.GraphModel {
    if (!this.graph) throw new TranscriptionModelError('The basic-pitch model was disposed; load it again.');
    return this.graph;
  }

  get disposed(): boolean {
    return this.graph === undefined;
  }

  dispose(): void {
    this.graph?.dispose();
    this.graph = undefined;
  }
}

/**
 * Loads basic-pitch's `model.json` and weight shards from `source` (e.g. `fsSource('models/basic-pitch')`
 * in Node, `urlSource('/models/basic-pitch/')` in the browser) and checks it is the model we expect
 * (input `[batch, 43844, 1]`, the three outputs). Throws {@link TranscriptionModelError} otherwise.
 */
export async function loadBasicPitch(source: WeightSource): Promise<BasicPitchModel> {
  let json: z.infer<typeof graphModelJsonSchema>;
  try {
    json = graphModelJsonSchema.parse(await source.readJson('model.json'));
  } catch (error) {
    if (error instanceof z.ZodError) {
      throw new TranscriptionModelError(
        `${source.location}model.json is not a TF.js graph model (${error.issues[0]?.message ?? 'bad format'}). Copy models/basic-pitch from the repository again.`,
        { cause: error },
      );
    }
    throw new TranscriptionModelError(`Could not read the basic-pitch model at ${source.location}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const input = Object.values(json.signature?.inputs ?? {})[0];
  const dims = input?.tensorShape.dim.map((d) => Number(d.size));
  const outputs = new Set(Object.values(json.signature?.outputs ?? {}).map((o) => o.name));
  if (!dims || dims[1] !== BASIC_PITCH.windowSamples || dims[2] !== 1 || !Object.values(OUTPUTS).every((name) => outputs.has(name))) {
    throw new TranscriptionModelError(
      `${source.location}model.json is a graph model but not basic-pitch: expected input [batch, ${BASIC_PITCH.windowSamples}, 1] and outputs ` +
        `${Object.values(OUTPUTS).join(', ')}; found input [${dims?.join(', ') ?? '?'}] and outputs ${[...outputs].join(', ') || 'none'}.`,
    );
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const buffers: ArrayBuffer[] = [];
  try {
    for (const group of json.weightsManifest) for (const p of group.paths) buffers.push(await source.readBinary(p));
  } catch (error) {
    throw new TranscriptionModelError(`Could not read basic-pitch's weights at ${source.location}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  try {
    const graph = await tf.loadGraphModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology as unknown as tf.io.ModelJSON['modelTopology'], weightSpecs, weightData: weightData.buffer }),
    );
    return new BasicPitchModel(graph, source.location);
  } catch (error) {
    throw new TranscriptionModelError(`basic-pitch at ${source.location} could not be built: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * What basic-pitch heard, frame by frame. Row-major `[numFrames × 88]` (`frames`, `onsets`: pitch
 * k = MIDI 21 + k) and `[numFrames × 264]` (`contours`); every value 0..1. Plain arrays, no tensors.
 */
export interface PitchPosteriors {
  numFrames: number;
  frames: Float32Array;
  onsets: Float32Array;
  contours: Float32Array;
  /** Time in seconds of each frame (exact: neighbouring windows do not sit a whole frame apart). */
  frameTimes: Float64Array;
}

export interface PosteriorOptions {
  /** Windows run together per model call (default 4: faster on WASM, still short calls). */
  batchSize?: number;
  /** Called after each batch with the fraction done (0..1). */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs basic-pitch over a whole take.
 * @param samples mono audio at 22,050 Hz (see `toModelRate`); not changed.
 * @returns plain arrays; every tensor made here is disposed before returning (also on error/abort).
 */
export async function pitchPosteriors(model: BasicPitchModel, samples: Float32Array, options: PosteriorOptions = {}): Promise<PitchPosteriors> {
  if (samples.length === 0) throw new InvalidInputError('There is no audio to transcribe (0 samples).');
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 4));
  const { windowSamples, fftHop, notes, contourBins } = BASIC_PITCH;
  // Windows every WINDOW_HOP_SAMPLES from the first sample; each keeps its middle 142 frames, except
  // that the first also keeps its first 15 (the take's start has no left neighbour to give them) and
  // the last its final 15. basic-pitch instead pads half an overlap of silence in front and always
  // drops 15 + 15 frames, which often costs one window more (7 instead of 6 for 10 s).
  const numFrames = Math.floor((samples.length * Math.floor(MODEL_SAMPLE_RATE / fftHop)) / MODEL_SAMPLE_RATE);
  const full = BASIC_PITCH.framesPerWindow;
  const numWindows = numFrames <= full ? 1 : 2 + Math.ceil(Math.max(0, numFrames - 2 * (full - HALF_OVERLAP_FRAMES)) / KEPT_FRAMES);
  const frames = new Float32Array(numFrames * notes);
  const onsets = new Float32Array(numFrames * notes);
  const contours = new Float32Array(numFrames * contourBins);
  const frameTimes = new Float64Array(numFrames);
  let written = 0;
  const graph = model.model;
  for (let w0 = 0; w0 < numWindows && written < numFrames; w0 += batchSize) {
    if (options.signal?.aborted) throw new CancelledError('Transcribing the audio');
    const count = Math.min(batchSize, numWindows - w0);
    const input = new Float32Array(count * windowSamples);
    for (let b = 0; b < count; b++) {
      const start = (w0 + b) * WINDOW_HOP_SAMPLES;
      const to = Math.min(samples.length, start + windowSamples);
      if (to > start) input.set(samples.subarray(start, to), b * windowSamples);
    }
    const outs = tf.tidy(() => {
      const x = tf.tensor3d(input, [count, windowSamples, 1]);
      return graph.execute(x, [OUTPUTS.frames, OUTPUTS.onsets, OUTPUTS.contours]) as tf.Tensor3D[];
    });
    let data: Float32Array[];
    try {
      data = (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
    } finally {
      tf.dispose(outs);
    }
    const [f, o, c] = data as [Float32Array, Float32Array, Float32Array];
    for (let b = 0; b < count && written < numFrames; b++) {
      const w = w0 + b;
      const from = w === 0 ? 0 : HALF_OVERLAP_FRAMES;
      const until = w === numWindows - 1 ? full : full - HALF_OVERLAP_FRAMES;
      const take = Math.min(until - from, numFrames - written);
      const first = b * full + from;
      frames.set(f.subarray(first * notes, (first + take) * notes), written * notes);
      onsets.set(o.subarray(first * notes, (first + take) * notes), written * notes);
      contours.set(c.subarray(first * contourBins, (first + take) * contourBins), written * contourBins);
      for (let k = 0; k < take; k++) frameTimes[written + k] = (w * WINDOW_HOP_SAMPLES + (from + k) * fftHop) / MODEL_SAMPLE_RATE;
      written += take;
    }
    options.onProgress?.(Math.min(1, (w0 + count) / numWindows));
    // Let a worker hear an abort message between batches.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  if (options.signal?.aborted) throw new CancelledError('Transcribing the audio');
  return { numFrames: written, frames, onsets, contours, frameTimes };
}

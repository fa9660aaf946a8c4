/**
 * A sung, hummed, whistled or played take → a melody on the 16th-note grid, in one call:
 *   check the take → 22,050 Hz mono → basic-pitch posteriors → notes → the main line →
 *   tempo (given, e.g. after a count-in, or detected) → steps.
 * Pure over Float32Array PCM: runs in Node and in a Web Worker (no DOM, no AudioContext, no
 * dataSync), reports progress and stops on an AbortSignal. Every tensor is released before it returns.
 */
import { CancelledError } from '../core/errors';
import type { QuantizedNoteSequence } from '../music/note-sequence';
import { pitchPosteriors, type BasicPitchModel, type PitchPosteriors } from './basic-pitch';
import { decodeMelodyLine, type LineDecoderOptions } from './line-decoder';
import { NoNotesInRangeError, NoPitchError } from './errors';
import { melodyLine, quantizeLine, stepSeconds, type BeatGrid, type MelodyLineOptions, type QuantizeOptions } from './melody';
import { extractNotes, type HeardNote, type NoteExtractionOptions } from './notes';
import { assertUsableAudio, durationSeconds, peakDb, type PcmAudio } from './pcm';
import { toModelRate } from './resample';
import { detectTempo, type TempoEstimate, type TempoOptions } from './tempo';

/** Stages reported to `onProgress`, in order. */
export type TranscribeStage = 'resampling' | 'listening' | 'notes' | 'tempo';

export interface TranscribeMelodyOptions {
  /**
   * The grid when it is known (a count-in: the tempo, and the time in the take of the first beat
   * after it). Without it the tempo is `qpm` when given, else detected; the bar line is detected.
   */
  grid?: BeatGrid;
  /** A known tempo without a known bar line (e.g. `--tempo` for a file). */
  qpm?: number;
  /** With `grid`: take out the onsets' consistent offset from it (default true). */
  alignToGrid?: boolean;
  /** Tempo search range when detecting (see tempo.ts). */
  tempoSearch?: Pick<TempoOptions, 'minQpm' | 'maxQpm'>;
  /** Pitch range of the melody model (MIDI, inclusive; default 21–108, MelodyConverter's). */
  minPitch?: number;
  maxPitch?: number;
  /** 'line' (default): our monophonic decoder (line-decoder.ts); 'basic-pitch': its polyphonic decoder, then melodyLine. */
  decoder?: 'line' | 'basic-pitch';
  lineDecoder?: LineDecoderOptions;
  notes?: NoteExtractionOptions;
  line?: MelodyLineOptions;
  quantize?: QuantizeOptions;
  /** Longest take in seconds (default MAX_AUDIO_SECONDS). */
  maxSeconds?: number;
  /** How to call the take in messages (e.g. the file name); default "The recording". */
  name?: string;
  /** Windows per basic-pitch call (see pitchPosteriors). */
  batchSize?: number;
  onProgress?: (stage: TranscribeStage, fraction: number) => void;
  signal?: AbortSignal;
}

export interface MelodyTranscription {
  /** The whole take on the grid, in whole bars (2 at least); step 0 is a bar line. */
  sequence: QuantizedNoteSequence;
  /** Seconds in the take where step 0 lies (negative when the take starts inside a bar). */
  origin: number;
  /** The grid used; `source` says whether it was given or detected. */
  tempo: {
    qpm: number;
    downbeat: number;
    source: 'given' | 'tempo-given' | 'detected';
    estimate?: TempoEstimate;
    /** With a given grid: seconds the take sat late (+) or early (−) on it, taken out before quantising. */
    latency?: number;
  };
  /** The main line in seconds (before quantising), for drawing over the audio. */
  line: HeardNote[];
  /** Every note basic-pitch heard (polyphonic). */
  heard: HeardNote[];
  /** Length of the take in seconds. */
  seconds: number;
}

/**
 * How late (+) or early (−) the onsets sit on `grid`, in seconds: the weighted circular mean of their
 * offsets from the nearest 16th, when they agree (resultant ≥ 0.5), limited to ±0.4 step; else 0.
 */
export function gridLatency(line: readonly HeardNote[], grid: BeatGrid): number {
  const step = stepSeconds(grid.qpm);
  let c = 0;
  let s = 0;
  let w = 0;
  for (const n of line) {
    const a = (2 * Math.PI * (n.start - grid.downbeat)) / step;
    c += n.salience * Math.cos(a);
    s += n.salience * Math.sin(a);
    w += n.salience;
  }
  if (w <= 0 || Math.hypot(c, s) / w < 0.5) return 0;
  const offset = (Math.atan2(s, c) / (2 * Math.PI)) * step;
  return Math.max(-0.4 * step, Math.min(0.4 * step, offset));
}

/** Weight of an onset for tempo finding: certain and long notes count more. */
export function onsetWeight(n: HeardNote): number {
  return n.salience * Math.min(2, Math.max(0.5, (n.end - n.start) / 0.25));
}

/**
 * Transcribes a take into a melody. `audio` may be at any rate and is not changed.
 * @throws SilentAudioError, AudioTooLongError, AudioTooShortError (assertUsableAudio); NoPitchError
 *   when no pitched note is heard (noise, breath); NoNotesInRangeError when every note lies outside
 *   minPitch–maxPitch; TempoError when the tempo cannot be found (fewer than 3 notes); CancelledError.
 */
export async function transcribeMelody(model: BasicPitchModel, audio: PcmAudio, options: TranscribeMelodyOptions = {}): Promise<MelodyTranscription> {
  const name = options.name ?? 'The recording';
  assertUsableAudio(audio, name, options.maxSeconds);
  const progress = options.onProgress ?? (() => undefined);
  progress('resampling', 0);
  const mono = toModelRate(audio);
  if (options.signal?.aborted) throw new CancelledError('Transcribing the audio');
  progress('listening', 0);
  const posteriors = await pitchPosteriors(model, mono.samples, {
    signal: options.signal,
    onProgress: (f) => progress('listening', f),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  progress('notes', 0);
  const heard = lineFromPosteriors(posteriors, mono.samples, options);
  progress('tempo', 0);
  const melody = melodyFromNotes(heard, { ...options, name, peakDb: peakDb(audio.samples) });
  progress('tempo', 1);
  return { ...melody, heard, seconds: durationSeconds(audio) };
}

/** The notes of a take from basic-pitch's posteriors: our monophonic line decoder, or basic-pitch's own polyphonic decoder. */
export function lineFromPosteriors(
  posteriors: PitchPosteriors,
  samples: Float32Array,
  options: Pick<TranscribeMelodyOptions, 'decoder' | 'lineDecoder' | 'notes'> = {},
): HeardNote[] {
  return (options.decoder ?? 'line') === 'line' ? decodeMelodyLine(posteriors, samples, options.lineDecoder) : extractNotes(posteriors, options.notes);
}

/**
 * The second half of {@link transcribeMelody}, pure and synchronous: from the notes heard to the
 * line, the grid and the steps. The lab calls it again when the user changes the tempo or bar line
 * (no need to run the model again).
 * @throws NoPitchError, NoNotesInRangeError, TempoError (see transcribeMelody).
 */
export function melodyFromNotes(
  heard: readonly HeardNote[],
  options: Pick<TranscribeMelodyOptions, 'grid' | 'alignToGrid' | 'qpm' | 'tempoSearch' | 'minPitch' | 'maxPitch' | 'line' | 'quantize' | 'name'> & {
    peakDb?: number;
  } = {},
): Omit<MelodyTranscription, 'heard' | 'seconds'> {
  const name = options.name ?? 'The recording';
  const line = melodyLine(heard, options.line);
  if (line.length === 0) {
    throw new NoPitchError(
      `${name} has sound${options.peakDb === undefined ? '' : ` (peak ${options.peakDb.toFixed(0)} dBFS)`} but no note could be heard in it — noise, breath or a room. ` +
        'Sing, hum, whistle or play a tune closer to the microphone, with less background noise.',
    );
  }
  const minPitch = options.minPitch ?? 21;
  const maxPitch = options.maxPitch ?? 108;
  const inRange = line.filter((n) => n.pitch >= minPitch && n.pitch <= maxPitch);
  if (inRange.length === 0) {
    const lo = Math.min(...line.map((n) => n.pitch));
    const hi = Math.max(...line.map((n) => n.pitch));
    throw new NoNotesInRangeError(
      `${name} has ${line.length} note(s), from MIDI ${lo} to ${hi}, but the melody model reads only ${minPitch}–${maxPitch}. ` +
        'Sing or play in a range nearer the middle of the piano (or transpose the recording).',
    );
  }
  let grid: BeatGrid;
  let tempo: MelodyTranscription['tempo'];
  if (options.grid) {
    // A count-in fixes the grid, but the take may sit a little late on it (the microphone's latency,
    // a singer's reaction, a slow attack): the onsets' consistent offset from the grid is taken out.
    const latency = options.alignToGrid === false ? 0 : gridLatency(inRange, options.grid);
    grid = { ...options.grid, downbeat: options.grid.downbeat + latency };
    tempo = { ...grid, source: 'given', latency };
  } else {
    const estimate = detectTempo(
      inRange.map((n) => ({ time: n.start, weight: onsetWeight(n) })),
      options.qpm !== undefined ? { qpm: options.qpm } : { ...options.tempoSearch },
    );
    grid = { qpm: estimate.qpm, downbeat: estimate.downbeat };
    tempo = { ...grid, source: options.qpm !== undefined ? 'tempo-given' : 'detected', estimate };
  }
  const { sequence, origin } = quantizeLine(inRange, grid, options.quantize);
  return { sequence, origin, tempo, line: inRange };
}

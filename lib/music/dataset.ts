/**
 * Training data for MusicVAE: from MIDI files to 2-bar windows of class labels, split into training
 * and validation *by file* (no window of a song lands in both), plus transposition augmentation.
 *
 * Pure functions only; `dataset-node.ts` walks folders, reads `info.csv` and caches the result.
 * A window is stored as the decoder's class labels (32 numbers): melody events or drum-hit masks.
 * The encoder input is derived from them with the converter (`labelsToInput`).
 */
import type { MusicConverter } from './converters/types';
import { FIRST_PITCH } from './converters/melody';
import type { MidiFile } from './midi';
import { midiWindows, type MidiWindowOptions } from './windows';

/**
 * Where a file's windows belong: training, validation (chosen by path hash, or by Groove MIDI's
 * info.csv), or a dataset's own held-out test split (Groove MIDI's "test" rows: never trained or
 * validated on, but scored by `eval:music --split test` or `--all`).
 */
export type Split = 'train' | 'validation' | 'test';

export interface FileWindows {
  /** Path of the file relative to the data folder. */
  file: string;
  split: Split;
  /** One Int32Array of `numSteps` labels per kept window. */
  windows: Int32Array[];
  /** Windows dropped for having fewer than 2 onsets. */
  sparse: number;
}

/** Onsets in a window: note-on events (melody) or steps with any hit (drums). */
export function onsetCount(labels: ArrayLike<number>, kind: 'melody' | 'drums'): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] ?? 0;
    if (kind === 'melody' ? l >= FIRST_PITCH : l !== 0) n++;
  }
  return n;
}

/**
 * Deterministic split of a file by its relative path: about `validationShare` of files go to
 * validation (FNV-1a hash), so the split never changes between runs or machines.
 */
export function splitOf(file: string, validationShare = 0.1): Split {
  return pathHash(file) / 0x100000000 < validationShare ? 'validation' : 'train';
}

/** FNV-1a hash of a path, as a 32-bit unsigned number. */
function pathHash(file: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) {
    h ^= file.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The split with exactly `count` files held back for validation — the `count` files whose path
 * hash (FNV-1a, as {@link splitOf}) is smallest, so the choice is stable across runs and machines —
 * and every other file for training. For fine-tuning on a handful of one's own files, where a 10%
 * hash split may hold back none. Files of a dataset's own test split stay in it. Returns new objects.
 */
export function holdOutFiles(files: readonly FileWindows[], count: number): FileWindows[] {
  const candidates = files.filter((f) => f.split !== 'test').map((f) => ({ file: f.file, hash: pathHash(f.file) }));
  candidates.sort((a, b) => a.hash - b.hash || (a.file < b.file ? -1 : 1));
  const held = new Set(candidates.slice(0, Math.max(0, count)).map((c) => c.file));
  return files.map((f) => ({ ...f, split: f.split === 'test' ? 'test' : held.has(f.file) ? 'validation' : 'train' }));
}

/** `meter: 'any'` reads every file in its own meter, as the labs' fine-tuning reads the user's files (train:music --finetune). */
export type WindowOptions = Pick<MidiWindowOptions, 'ignoreMeter' | 'kit' | 'meter'>;

/**
 * The 2-bar windows (hop one bar) of one MIDI file for `converter`, dropping windows with fewer
 * than 2 onsets. Melodies come from a track named "MELODY" when there is one (POP909), else from
 * the most melodic track. Throws the music core's named errors for unusable files.
 */
export function fileWindows(file: MidiFile, converter: MusicConverter, options: WindowOptions = {}): { windows: Int32Array[]; sparse: number; total: number } {
  const kind = converter.kind;
  // Training data keeps to 4/4 (or, with ignoreMeter, reads every file as 4/4); the user's own files are read in any meter.
  const all = midiWindows(file, kind, {
    kit: options.kit ?? 'gm',
    meter: options.meter ?? (options.ignoreMeter ? 'ignore' : 'strict'),
    preferTrack: 'MELODY',
    minBars: 0,
    windowSteps: converter.numSteps,
  }).windows;
  const windows: Int32Array[] = [];
  let sparse = 0;
  for (const w of all) {
    const labels = converter.toLabels(w.sequence);
    if (onsetCount(labels, kind) < 2) sparse++;
    else windows.push(labels);
  }
  return { windows, sparse, total: all.length };
}

/**
 * Melody events moved by `semitones`, or undefined if a note would leave the converter's pitch
 * range (then that transposition is skipped for this window).
 */
export function transposeMelodyLabels(labels: ArrayLike<number>, semitones: number, depth: number): Int32Array | undefined {
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] ?? 0;
    if (l < FIRST_PITCH) {
      out[i] = l;
      continue;
    }
    const moved = l + semitones;
    if (moved < FIRST_PITCH || moved >= depth) return undefined;
    out[i] = moved;
  }
  return out;
}

export interface DatasetCounts {
  filesFound: number;
  filesUsed: number;
  /** Files skipped, by reason (e.g. "not 4/4", "no melody", "unreadable"). */
  skipped: Record<string, number>;
  trainFiles: number;
  validationFiles: number;
  trainWindows: number;
  validationWindows: number;
  /** Files and windows of the dataset's own test split (kept for evaluation, never trained on). */
  testFiles: number;
  testWindows: number;
  sparseWindows: number;
}

/** Totals over per-file results. */
export function countWindows(files: readonly FileWindows[], filesFound: number, skipped: Record<string, number>): DatasetCounts {
  const train = files.filter((f) => f.split === 'train');
  const validation = files.filter((f) => f.split === 'validation');
  const test = files.filter((f) => f.split === 'test');
  return {
    filesFound,
    filesUsed: files.length,
    skipped,
    trainFiles: train.length,
    validationFiles: validation.length,
    trainWindows: train.reduce((a, f) => a + f.windows.length, 0),
    validationWindows: validation.reduce((a, f) => a + f.windows.length, 0),
    testFiles: test.length,
    testWindows: test.reduce((a, f) => a + f.windows.length, 0),
    sparseWindows: files.reduce((a, f) => a + f.sparse, 0),
  };
}

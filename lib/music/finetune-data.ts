/**
 * The user's own files for fine-tuning (TF-free: pure functions the model worker, Node scripts and
 * tests share): every MIDI file cut into the 2-bar windows the model reads, refused files named
 * with the reason, and a few files held back so the result can be scored on music the fine-tuning
 * never saw — "before" and "after".
 *
 * Windows are cut as everywhere else in Latent Lab (32 sixteenth steps, one bar apart, windows with
 * fewer than 2 onsets dropped); any meter is read on the 16th-note grid, so a jig in 6/8 gives the
 * same windows here as in `train:music`, which reads melodies as 4/4.
 */
import { InvalidInputError, LatentLabError } from '../core/errors';
import type { MusicConverter } from './converters/types';
import { holdOutFiles, onsetCount, type FileWindows } from './dataset';
import { parseMidi } from './midi';
import { midiWindows } from './windows';

/** What fine-tuning needs at least, and holds back. One home for these numbers. */
export const FINETUNE_DATA_LIMITS = {
  /** Training windows needed to start (fewer say so, naming what was found). */
  minTrainWindows: 8,
  /** Share of the files held back for scoring (at least one file when there are two or more). */
  holdOutShare: 0.2,
  /** Files one fine-tuning reads at most. */
  maxFiles: 200,
} as const;

/** Too little usable music, or music of the other kind: the message says what was found and what is needed. */
export class FineTuneDataError extends LatentLabError {}

/** One of the user's files after reading. */
export interface FineTuneFile {
  name: string;
  /** Windows kept (class labels, `numSteps` each). */
  windows: Int32Array[];
  /** Windows dropped for having fewer than 2 onsets. */
  sparse: number;
  /** Why the file gives nothing, when it gives nothing. */
  refused?: string;
}

/** The windows to train on and to score, and what became of every file. */
export interface FineTuneData {
  kind: 'melody' | 'drums';
  files: FineTuneFile[];
  train: Int32Array[];
  /** Windows of the held-back files (or, with one file, of its last bars: see {@link splitFineTuneData}). */
  heldBack: Int32Array[];
  /** Names of the held-back files. */
  heldBackFiles: string[];
  /** How the held-back windows were chosen, in words. */
  heldBackNote: string;
}

/**
 * Reads one file for `converter`'s kind. Never throws for a bad file: the reason comes back in
 * `refused` (not MIDI, no melody, drums only, shorter than 2 bars, …).
 */
export function readFineTuneFile(name: string, bytes: Uint8Array, converter: MusicConverter): FineTuneFile {
  const kind = converter.kind;
  try {
    // Messages name the file the user gave (a MIDI file's own song name would be a stranger to them).
    const midi = { ...parseMidi(bytes, name), name };
    const found = midiWindows(midi, kind, { meter: 'any', preferTrack: 'MELODY', minBars: 0, windowSteps: converter.numSteps });
    const windows: Int32Array[] = [];
    let sparse = 0;
    for (const w of found.windows) {
      const labels = converter.toLabels(w.sequence);
      if (onsetCount(labels, kind) < 2) sparse++;
      else windows.push(labels);
    }
    if (found.windows.length === 0) return { name, windows, sparse, refused: `${name} is shorter than 2 bars: no 2-bar window to learn from.` };
    if (windows.length === 0)
      return {
        name,
        windows,
        sparse,
        refused: `${name} has no usable 2 bars: each of its ${found.windows.length} window(s) has fewer than 2 ${kind === 'melody' ? 'notes' : 'hits'}.`,
      };
    return { name, windows, sparse };
  } catch (error) {
    if (!(error instanceof LatentLabError)) throw error;
    return { name, windows: [], sparse: 0, refused: error.message };
  }
}

/**
 * Splits read files into windows to train on and held-back windows to score: with two files or
 * more, about {@link FINETUNE_DATA_LIMITS.holdOutShare} of them (at least one) are held back whole
 * (chosen by a stable hash of the name, as `train:music --hold-out` does); with one file, its last
 * windows are held back, one window's gap apart so no bar is in both parts.
 * @throws {FineTuneDataError} when fewer than {@link FINETUNE_DATA_LIMITS.minTrainWindows} windows
 *   remain to train on; the message names what was found, what was refused and why.
 */
export function splitFineTuneData(files: readonly FineTuneFile[], kind: 'melody' | 'drums'): FineTuneData {
  if (files.length > FINETUNE_DATA_LIMITS.maxFiles)
    throw new InvalidInputError(`${files.length} files were given; one fine-tuning reads at most ${FINETUNE_DATA_LIMITS.maxFiles}.`);
  const usable = files.filter((f) => f.windows.length > 0);
  const total = usable.reduce((n, f) => n + f.windows.length, 0);
  const refused = files.filter((f) => f.refused);
  const otherKind = refused.filter((f) => /only drums, no melody|no drums \(no notes on MIDI channel 10\)/.test(f.refused ?? ''));
  const min = FINETUNE_DATA_LIMITS.minTrainWindows;
  const problem = (found: string): FineTuneDataError => {
    const why = refused.length > 0 ? ` Refused: ${refused.map((f) => f.refused).join(' ')}` : '';
    const wrongModel =
      otherKind.length > 0 && otherKind.length === files.length
        ? ` ${otherKind.length === 1 ? 'This is' : 'These are'} ${kind === 'melody' ? 'drum' : 'melody'} file${otherKind.length === 1 ? '' : 's'}: fine-tune the ${kind === 'melody' ? 'drum model in the drum lab' : 'melody model in the melody lab'} instead.`
        : '';
    return new FineTuneDataError(
      `${found}; fine-tuning the ${kind} model needs at least ${min} to learn from, plus a few held back to score the result — add more files or longer ones.${wrongModel}${why}`,
    );
  };
  if (total < min)
    throw problem(`Found ${total} usable 2-bar window${total === 1 ? '' : 's'} in ${usable.length} of ${files.length} file${files.length === 1 ? '' : 's'}`);
  let train: Int32Array[];
  let heldBack: Int32Array[];
  let heldBackFiles: string[];
  let heldBackNote: string;
  if (usable.length >= 2) {
    const count = Math.max(1, Math.round(usable.length * FINETUNE_DATA_LIMITS.holdOutShare));
    const split = holdOutFiles(
      usable.map((f): FileWindows => ({ file: f.name, split: 'train', windows: f.windows, sparse: f.sparse })),
      count,
    );
    train = split.filter((f) => f.split === 'train').flatMap((f) => f.windows);
    heldBack = split.filter((f) => f.split === 'validation').flatMap((f) => f.windows);
    heldBackFiles = split.filter((f) => f.split === 'validation').map((f) => f.file);
    heldBackNote = `${heldBackFiles.length} of your ${usable.length} files held back: ${heldBackFiles.join(', ')}`;
  } else {
    const only = usable[0] as FineTuneFile;
    const held = Math.max(1, Math.round(only.windows.length * FINETUNE_DATA_LIMITS.holdOutShare));
    // Windows overlap by one bar: skip the window between the parts so no bar is in both.
    train = only.windows.slice(0, Math.max(0, only.windows.length - held - 1));
    heldBack = only.windows.slice(only.windows.length - held);
    heldBackFiles = [only.name];
    heldBackNote = `one file only: its last ${held} window${held === 1 ? '' : 's'} held back`;
  }
  if (train.length < min)
    throw problem(
      `Found ${total} usable 2-bar windows, ${train.length} of them left to learn from after holding back ${heldBack.length} to score (${heldBackNote})`,
    );
  return { kind, files: [...files], train, heldBack, heldBackFiles, heldBackNote };
}

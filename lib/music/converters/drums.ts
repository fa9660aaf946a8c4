/**
 * Magenta's DrumsConverter: drum hits on a step grid, reduced to 9 classes (kick, snare, closed
 * hat, open hat, low/mid/high tom, crash, ride).
 *   Encoder input: per step, 9 "this class is hit" flags plus one "nothing is hit" flag (10 wide).
 *   Decoder output: one of 2^9 = 512 classes per step; bit c set means class c is hit.
 *   Decoding writes the first (most typical) General MIDI pitch of each class.
 *
 * Compatibility note: magenta-js 1.23.1 writes the "nothing is hit" flag through
 * `TensorBuffer.set(1, step, -1)`, and a negative index lands on the *previous* step's last
 * column. So in magenta-js the flag of step s says whether step s+1 is silent, and the last step's
 * flag is always 0 (Python Magenta puts it on step s itself). We reproduce the magenta-js layout
 * by default so encodings agree with the reference library bit for bit; `flagLayout: 'python'`
 * gives Python Magenta's layout.
 */
import { InvalidInputError } from '../../core/errors';
import { DEFAULT_QPM, emptyQuantizedSequence, gridNote, type QuantizedNoteSequence } from '../note-sequence';
import { unquantize } from '../sequences';
import type { ConversionReport, MusicConverter } from './types';

/** Magenta's default drum classes: General MIDI pitches per class, the first one is written back. */
export const DEFAULT_DRUM_PITCH_CLASSES: readonly (readonly number[])[] = [
  [36, 35],
  [38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
  [42, 44, 54, 68, 69, 70, 71, 73, 78, 80],
  [46, 67, 72, 74, 79, 81],
  [45, 29, 41, 61, 64, 84],
  [48, 47, 60, 63, 77, 86, 87],
  [50, 30, 43, 62, 76, 83],
  [49, 55, 57, 58],
  [51, 52, 53, 59, 82],
];

/** The General MIDI pitch written for each default drum class (the first of its list). */
export const DRUM_CLASS_PITCHES: readonly number[] = DEFAULT_DRUM_PITCH_CLASSES.map((c) => c[0] ?? 36);

export const DRUM_CLASS_NAMES = ['Kick', 'Snare', 'Closed hat', 'Open hat', 'Low tom', 'Mid tom', 'High tom', 'Crash', 'Ride'] as const;

const PITCH_TO_DRUM_CLASS: ReadonlyMap<number, number> = new Map(DEFAULT_DRUM_PITCH_CLASSES.flatMap((pitches, c) => pitches.map((p) => [p, c] as const)));

/** The drum class (0–8, see {@link DRUM_CLASS_NAMES}) of a General MIDI drum pitch, or undefined for unknown sounds. */
export function drumClassOf(pitch: number): number | undefined {
  return PITCH_TO_DRUM_CLASS.get(pitch);
}

export interface DrumsConverterArgs {
  numSteps: number;
  pitchClasses?: readonly (readonly number[])[];
  /** Where the "nothing is hit" flag goes; see the module comment. */
  flagLayout?: 'magenta-js' | 'python';
}

export class DrumsConverter implements MusicConverter {
  readonly kind = 'drums';
  readonly type = 'DrumsConverter';
  readonly numSteps: number;
  readonly pitchClasses: readonly (readonly number[])[];
  readonly inputDepth: number;
  readonly outputDepth: number;
  readonly flagLayout: 'magenta-js' | 'python';
  private readonly pitchToClass = new Map<number, number>();

  constructor(args: DrumsConverterArgs = { numSteps: 32 }) {
    if (!Number.isInteger(args.numSteps) || args.numSteps < 1 || args.numSteps > 1024) {
      throw new InvalidInputError(`numSteps must be 1–1024; got ${args.numSteps}.`);
    }
    this.numSteps = args.numSteps;
    this.pitchClasses = args.pitchClasses ?? DEFAULT_DRUM_PITCH_CLASSES;
    if (this.pitchClasses.length < 1 || this.pitchClasses.length > 12 || this.pitchClasses.some((c) => c.length === 0)) {
      throw new InvalidInputError(`Drum pitch classes must be 1–12 non-empty lists of pitches; got ${this.pitchClasses.length}.`);
    }
    this.pitchClasses.forEach((pitches, c) => pitches.forEach((p) => this.pitchToClass.set(p, c)));
    this.inputDepth = this.pitchClasses.length + 1;
    this.outputDepth = 2 ** this.pitchClasses.length;
    this.flagLayout = args.flagLayout ?? 'magenta-js';
  }

  /** The class (0–8 by default) of a General MIDI drum pitch, or undefined if none. */
  classOf(pitch: number): number | undefined {
    return this.pitchToClass.get(pitch);
  }

  /** Bitmask of hit classes per step, and what was dropped. */
  private hits(seq: QuantizedNoteSequence): { masks: Int32Array; touched: Uint8Array; report: ConversionReport } {
    const masks = new Int32Array(this.numSteps);
    // magenta-js clears the "nothing is hit" flag for any note, even of a pitch outside every class.
    const touched = new Uint8Array(this.numSteps);
    const report: ConversionReport = { transposedNotes: 0, droppedNotes: 0 };
    for (const n of seq.notes) {
      const step = n.quantizedStartStep;
      if (step < 0 || step >= this.numSteps) {
        report.droppedNotes++;
        continue;
      }
      if (this.flagLayout === 'magenta-js') touched[step] = 1;
      const c = this.pitchToClass.get(n.pitch);
      if (c === undefined) {
        report.droppedNotes++;
        continue;
      }
      masks[step] = (masks[step] ?? 0) | (1 << c);
      touched[step] = 1;
    }
    return { masks, touched, report };
  }

  toInput(seq: QuantizedNoteSequence): { input: Float32Array; report: ConversionReport } {
    const { masks, touched, report } = this.hits(seq);
    return { input: this.roll(masks, touched), report };
  }

  toLabels(seq: QuantizedNoteSequence): Int32Array {
    return this.hits(seq).masks;
  }

  inputToLabels(input: ArrayLike<number>): Int32Array {
    const d = this.inputDepth;
    return Int32Array.from({ length: this.numSteps }, (_, s) => {
      let mask = 0;
      this.pitchClasses.forEach((_p, c) => {
        if ((input[s * d + c] ?? 0) > 0.5) mask |= 1 << c;
      });
      return mask;
    });
  }

  labelsToInput(labels: ArrayLike<number>): Float32Array {
    return this.roll(
      labels,
      Uint8Array.from({ length: this.numSteps }, (_, s) => ((labels[s] ?? 0) !== 0 ? 1 : 0)),
    );
  }

  private roll(labels: ArrayLike<number>, touched: Uint8Array): Float32Array {
    const classes = this.pitchClasses.length;
    const d = this.inputDepth;
    const out = new Float32Array(this.numSteps * d);
    for (let s = 0; s < this.numSteps; s++) {
      const mask = labels[s] ?? 0;
      for (let c = 0; c < classes; c++) if ((mask >> c) & 1) out[s * d + c] = 1;
      const silent = touched[s] ? 0 : 1;
      if (this.flagLayout === 'python') out[s * d + classes] = silent;
      else if (s > 0) out[(s - 1) * d + classes] = silent;
    }
    return out;
  }

  labelsToSequence(labels: ArrayLike<number>, qpm = DEFAULT_QPM): QuantizedNoteSequence {
    const seq = emptyQuantizedSequence(labels.length, qpm);
    for (let s = 0; s < labels.length; s++) {
      const mask = labels[s] ?? 0;
      this.pitchClasses.forEach((pitches, c) => {
        if ((mask >> c) & 1) {
          seq.notes.push(gridNote(pitches[0] ?? 36, s, s + 1, true));
        }
      });
    }
    return unquantize(seq);
  }

  toSpec(): { type: string; args: Record<string, unknown> } {
    return { type: this.type, args: { numSteps: this.numSteps } };
  }
}

/**
 * Magenta's MelodyConverter: a monophonic melody as one event per step.
 *   0 = no event (the current note, or the rest, continues)
 *   1 = note off
 *   2 + (pitch − minPitch) = note on at that pitch
 * With the default range 21–108 (a piano's keys) that is 90 classes. The encoder input is the
 * one-hot of the event; the decoder chooses one event per step.
 *
 * The event algorithm is Magenta's (magenta-js 1.23.1 `Melody.fromNoteSequence`) exactly,
 * so encodings agree with the reference: notes are ordered by start (highest pitch first at equal
 * starts), only the first note at each onset is kept, and each note writes its note-off at its
 * end step. One change: pitches outside the range are moved by octaves into it (and counted in the
 * report) instead of failing.
 */
import { InvalidInputError } from '../../core/errors';
import { DEFAULT_QPM, emptyQuantizedSequence, gridNote, type QuantizedNote, type QuantizedNoteSequence } from '../note-sequence';
import { unquantize } from '../sequences';
import type { ConversionReport, MusicConverter } from './types';

export const NO_EVENT = 0;
export const NOTE_OFF = 1;
export const FIRST_PITCH = 2;

export interface MelodyConverterArgs {
  numSteps: number;
  minPitch: number;
  maxPitch: number;
}

/** Moves `pitch` by whole octaves into [min, max] (the range must span at least an octave). */
export function foldIntoRange(pitch: number, min: number, max: number): number {
  let p = pitch;
  while (p < min) p += 12;
  while (p > max) p -= 12;
  return p;
}

export class MelodyConverter implements MusicConverter {
  readonly kind = 'melody';
  readonly type = 'MelodyConverter';
  readonly numSteps: number;
  readonly minPitch: number;
  readonly maxPitch: number;
  readonly inputDepth: number;
  readonly outputDepth: number;

  constructor(args: MelodyConverterArgs = { numSteps: 32, minPitch: 21, maxPitch: 108 }) {
    const { numSteps, minPitch, maxPitch } = args;
    if (!Number.isInteger(numSteps) || numSteps < 1 || numSteps > 1024) throw new InvalidInputError(`numSteps must be 1–1024; got ${numSteps}.`);
    if (!Number.isInteger(minPitch) || !Number.isInteger(maxPitch) || minPitch < 0 || maxPitch > 127 || maxPitch - minPitch < 11) {
      throw new InvalidInputError(`The pitch range must lie in 0–127 and span at least an octave; got ${minPitch}–${maxPitch}.`);
    }
    this.numSteps = numSteps;
    this.minPitch = minPitch;
    this.maxPitch = maxPitch;
    this.inputDepth = maxPitch - minPitch + 1 + FIRST_PITCH;
    this.outputDepth = this.inputDepth;
  }

  /** The event of every step, and what had to change to get there. */
  toEvents(seq: QuantizedNoteSequence): { events: Int32Array; report: ConversionReport } {
    const report: ConversionReport = { transposedNotes: 0, droppedNotes: 0 };
    const notes = seq.notes
      .filter((n) => !n.isDrum)
      .slice()
      .sort((a, b) => (a.quantizedStartStep === b.quantizedStartStep ? b.pitch - a.pitch : a.quantizedStartStep - b.quantizedStartStep));
    const events = new Int32Array(this.numSteps);
    let lastStart = -1;
    for (const n of notes) {
      if (n.quantizedStartStep === lastStart) {
        report.droppedNotes++;
        continue;
      }
      const pitch = foldIntoRange(n.pitch, this.minPitch, this.maxPitch);
      if (pitch !== n.pitch) report.transposedNotes++;
      // Like Magenta (a typed array ignores writes past its end): steps outside the window are skipped.
      if (n.quantizedStartStep >= 0 && n.quantizedStartStep < this.numSteps) events[n.quantizedStartStep] = pitch - this.minPitch + FIRST_PITCH;
      if (n.quantizedEndStep >= 0 && n.quantizedEndStep < this.numSteps) events[n.quantizedEndStep] = NOTE_OFF;
      lastStart = n.quantizedStartStep;
    }
    return { events, report };
  }

  toInput(seq: QuantizedNoteSequence): { input: Float32Array; report: ConversionReport } {
    const { events, report } = this.toEvents(seq);
    return { input: this.labelsToInput(events), report };
  }

  toLabels(seq: QuantizedNoteSequence): Int32Array {
    return this.toEvents(seq).events;
  }

  inputToLabels(input: ArrayLike<number>): Int32Array {
    const d = this.inputDepth;
    return Int32Array.from({ length: this.numSteps }, (_, s) => {
      let best = NO_EVENT;
      for (let c = 1; c < d; c++) if ((input[s * d + c] ?? 0) > (input[s * d + best] ?? 0)) best = c;
      return best;
    });
  }

  labelsToInput(labels: ArrayLike<number>): Float32Array {
    const out = new Float32Array(this.numSteps * this.inputDepth);
    for (let s = 0; s < this.numSteps; s++) {
      const label = labels[s] ?? NO_EVENT;
      if (label >= 0 && label < this.inputDepth) out[s * this.inputDepth + label] = 1;
    }
    return out;
  }

  labelsToSequence(labels: ArrayLike<number>, qpm = DEFAULT_QPM): QuantizedNoteSequence {
    const seq = emptyQuantizedSequence(labels.length, qpm);
    let current: QuantizedNote | undefined;
    const close = (step: number): void => {
      if (current) {
        current.quantizedEndStep = step;
        seq.notes.push(current);
        current = undefined;
      }
    };
    for (let s = 0; s < labels.length; s++) {
      const event = labels[s] ?? NO_EVENT;
      if (event === NO_EVENT) continue;
      close(s);
      if (event >= FIRST_PITCH) {
        current = gridNote(event - FIRST_PITCH + this.minPitch, s, s + 1);
      }
    }
    close(labels.length);
    return unquantize(seq);
  }

  toSpec(): { type: string; args: Record<string, unknown> } {
    return { type: this.type, args: { numSteps: this.numSteps, minPitch: this.minPitch, maxPitch: this.maxPitch } };
  }
}

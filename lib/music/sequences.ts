/**
 * Pure functions on NoteSequences: quantize, unquantize, trim, split into windows, concatenate,
 * transpose. Each returns a new sequence and never changes its input.
 */
import { InvalidInputError } from '../core/errors';
import { SequenceError } from './errors';
import {
  DEFAULT_QPM,
  DEFAULT_STEPS_PER_QUARTER,
  emptyQuantizedSequence,
  firstQpm,
  type NoteSequence,
  type QuantizedNote,
  type QuantizedNoteSequence,
  type Tempo,
} from './note-sequence';

/**
 * Converts a time in seconds to a position in quarter notes, following every tempo change.
 * Tempos must be sorted by time; before the first tempo event the first tempo applies.
 */
export function secondsToQuarters(seconds: number, tempos: readonly Tempo[]): number {
  const list = tempos.length > 0 ? tempos : [{ time: 0, qpm: DEFAULT_QPM }];
  let quarters = 0;
  let time = 0;
  let qpm = list[0]?.qpm ?? DEFAULT_QPM;
  for (const tempo of list) {
    if (tempo.time >= seconds) break;
    if (tempo.time > time) {
      quarters += ((tempo.time - time) * qpm) / 60;
      time = tempo.time;
    }
    qpm = tempo.qpm;
  }
  return quarters + ((seconds - time) * qpm) / 60;
}

/** Magenta's step rounding: a time goes to the nearest step (ties go up). */
function toStep(quarters: number, stepsPerQuarter: number): number {
  return Math.floor(quarters * stepsPerQuarter + 0.5 + 1e-9);
}

function checkTempos(tempos: readonly Tempo[]): void {
  for (const t of tempos) {
    if (!Number.isFinite(t.qpm) || t.qpm <= 0 || t.qpm > 1000) {
      throw new SequenceError(`Tempo ${t.qpm} at ${t.time.toFixed(2)} s is not usable; tempos must be between 1 and 1000 quarter notes per minute.`);
    }
  }
}

/**
 * Places every note on a grid of `stepsPerQuarter` steps per quarter note (default 4 = 16th notes),
 * following tempo changes. Notes shorter than a step last one step.
 */
export function quantize(seq: NoteSequence, stepsPerQuarter = DEFAULT_STEPS_PER_QUARTER): QuantizedNoteSequence {
  if (!Number.isInteger(stepsPerQuarter) || stepsPerQuarter < 1 || stepsPerQuarter > 96) {
    throw new InvalidInputError(`stepsPerQuarter must be a whole number from 1 to 96; got ${stepsPerQuarter}.`);
  }
  const tempos = [...seq.tempos].sort((a, b) => a.time - b.time);
  checkTempos(tempos);
  const notes: QuantizedNote[] = seq.notes.map((n) => {
    if (!Number.isFinite(n.startTime) || !Number.isFinite(n.endTime) || n.startTime < 0 || n.endTime < n.startTime) {
      throw new SequenceError(
        `A note (pitch ${n.pitch}) has impossible times ${n.startTime}–${n.endTime} s; times must be finite, from 0, and end after they start.`,
      );
    }
    const start = toStep(secondsToQuarters(n.startTime, tempos), stepsPerQuarter);
    let end = toStep(secondsToQuarters(n.endTime, tempos), stepsPerQuarter);
    if (end <= start) end = start + 1;
    return { ...n, quantizedStartStep: start, quantizedEndStep: end };
  });
  const lastEnd = notes.reduce((m, n) => Math.max(m, n.quantizedEndStep), 0);
  const total = Math.max(lastEnd, toStep(secondsToQuarters(seq.totalTime, tempos), stepsPerQuarter));
  return {
    ...seq,
    tempos,
    notes,
    quantizationInfo: { stepsPerQuarter },
    totalQuantizedSteps: total,
  };
}

/**
 * Gives a quantized sequence exact seconds from its steps at one tempo (`qpm`, default the
 * sequence's first tempo): what you hear when the grid is played back.
 */
export function unquantize(seq: QuantizedNoteSequence, qpm = firstQpm(seq)): QuantizedNoteSequence {
  const secondsPerStep = 60 / qpm / seq.quantizationInfo.stepsPerQuarter;
  return {
    ...seq,
    tempos: [{ time: 0, qpm }],
    notes: seq.notes.map((n) => ({ ...n, startTime: n.quantizedStartStep * secondsPerStep, endTime: n.quantizedEndStep * secondsPerStep })),
    totalTime: seq.totalQuantizedSteps * secondsPerStep,
  };
}

/**
 * The part of a quantized sequence from `startStep` (inclusive) to `endStep` (exclusive), moved
 * to start at step 0. Notes starting in the range are kept and cut at its end.
 */
export function trim(seq: QuantizedNoteSequence, startStep: number, endStep: number): QuantizedNoteSequence {
  if (!Number.isInteger(startStep) || !Number.isInteger(endStep) || startStep < 0 || endStep <= startStep) {
    throw new InvalidInputError(`trim needs whole steps with 0 ≤ start < end; got ${startStep}..${endStep}.`);
  }
  const out = emptyQuantizedSequence(endStep - startStep, firstQpm(seq), seq.quantizationInfo.stepsPerQuarter);
  out.timeSignatures = seq.timeSignatures.filter((t) => t.time === 0).slice(0, 1);
  if (out.timeSignatures.length === 0) out.timeSignatures = [{ time: 0, numerator: 4, denominator: 4 }];
  out.notes = seq.notes
    .filter((n) => n.quantizedStartStep >= startStep && n.quantizedStartStep < endStep)
    .map((n) => ({ ...n, quantizedStartStep: n.quantizedStartStep - startStep, quantizedEndStep: Math.min(n.quantizedEndStep, endStep) - startStep }));
  return unquantize(out);
}

/** Most windows `splitIntoWindows` makes at once (a very long or damaged file could ask for millions). */
export const MAX_WINDOWS = 20_000;

export interface Window {
  /** Step of the original sequence where the window starts. */
  startStep: number;
  sequence: QuantizedNoteSequence;
}

/**
 * Cuts a quantized sequence into windows of `windowSteps` steps every `hopSteps` steps (default:
 * 2-bar windows, one bar apart). Only whole windows are returned.
 */
export function splitIntoWindows(seq: QuantizedNoteSequence, windowSteps = 32, hopSteps = 16): Window[] {
  if (!Number.isInteger(windowSteps) || windowSteps < 1 || !Number.isInteger(hopSteps) || hopSteps < 1) {
    throw new InvalidInputError(`Window and hop sizes must be positive whole numbers of steps; got ${windowSteps} and ${hopSteps}.`);
  }
  const count = Math.floor(Math.max(0, seq.totalQuantizedSteps - windowSteps) / hopSteps) + 1;
  if (count > MAX_WINDOWS) {
    throw new InvalidInputError(
      `This would make ${count.toLocaleString('en')} windows; at most ${MAX_WINDOWS.toLocaleString('en')} are made at once. Use a shorter piece or a larger hop.`,
    );
  }
  const out: Window[] = [];
  for (let start = 0; start + windowSteps <= seq.totalQuantizedSteps; start += hopSteps) {
    out.push({ startStep: start, sequence: trim(seq, start, start + windowSteps) });
  }
  return out;
}

/** Joins quantized sequences one after another (each starts where the previous one's steps end). */
export function concatenate(seqs: readonly QuantizedNoteSequence[]): QuantizedNoteSequence {
  const first = seqs[0];
  if (!first) throw new InvalidInputError('concatenate needs at least one sequence.');
  const spq = first.quantizationInfo.stepsPerQuarter;
  let offset = 0;
  const notes: QuantizedNote[] = [];
  for (const s of seqs) {
    if (s.quantizationInfo.stepsPerQuarter !== spq) {
      throw new SequenceError(`Cannot join sequences with ${spq} and ${s.quantizationInfo.stepsPerQuarter} steps per quarter; quantize them alike first.`);
    }
    for (const n of s.notes) notes.push({ ...n, quantizedStartStep: n.quantizedStartStep + offset, quantizedEndStep: n.quantizedEndStep + offset });
    offset += s.totalQuantizedSteps;
  }
  const out = emptyQuantizedSequence(offset, firstQpm(first), spq);
  out.notes = notes;
  return unquantize(out);
}

/**
 * Moves every pitched (non-drum) note by `semitones`. Notes that would leave [minPitch, maxPitch]
 * make the function throw, so callers can choose another shift.
 */
export function transpose<S extends NoteSequence>(seq: S, semitones: number, minPitch = 0, maxPitch = 127): S {
  if (!Number.isInteger(semitones)) throw new InvalidInputError(`Transposition must be a whole number of semitones; got ${semitones}.`);
  const notes = seq.notes.map((n) => {
    if (n.isDrum) return n;
    const pitch = n.pitch + semitones;
    if (pitch < minPitch || pitch > maxPitch) {
      throw new SequenceError(`Transposing by ${semitones} moves pitch ${n.pitch} to ${pitch}, outside ${minPitch}–${maxPitch}.`);
    }
    return { ...n, pitch };
  });
  return { ...seq, notes };
}

/** Lowest and highest pitch of the pitched notes, or undefined if there are none. */
export function pitchRange(seq: NoteSequence): { min: number; max: number } | undefined {
  const pitches = seq.notes.filter((n) => !n.isDrum).map((n) => n.pitch);
  if (pitches.length === 0) return undefined;
  return { min: Math.min(...pitches), max: Math.max(...pitches) };
}

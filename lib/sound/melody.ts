/**
 * From the notes basic-pitch heard (polyphonic: the sung or played note plus ghosts at its
 * harmonics and octaves) to the one line a melody is, and from there to 16th-note steps.
 *
 * The line, in a learner's words:
 *   1. a note that sounds mostly *inside* a more certain note, at a harmonic of it (an octave, an
 *      octave + fifth, two octaves, …) or an octave below it, or a semitone beside it, is a ghost of
 *      that note, not a second voice: dropped;
 *   2. notes starting together (within `onsetTolerance`) are one onset: the most certain one stays;
 *   3. a note ends at the latest where the next one starts (one voice).
 * Quantising: on a {@link BeatGrid} (tempo and the time of a bar line), each start and end goes to
 * the nearest 16th-note step; notes that land on the same step keep the most certain.
 */
import { InvalidInputError } from '../core/errors';
import { DEFAULT_VELOCITY, STEPS_PER_BAR, TEMPO_RANGE, emptyQuantizedSequence, type QuantizedNote, type QuantizedNoteSequence } from '../music/note-sequence';
import { unquantize } from '../music/sequences';
import { TempoError } from './errors';
import type { HeardNote } from './notes';

export interface MelodyLineOptions {
  /** Onsets closer than this are one onset, in seconds (default 0.06). */
  onsetTolerance?: number;
  /** Notes shorter than this after cutting are dropped, in seconds (default 0.04). */
  minDuration?: number;
  /** Notes less certain than this (mean frame posterior 0..1) are dropped first (default 0). */
  minSalience?: number;
}

/** Semitone distances from a note to its harmonics 2–8 (rounded: 12, 19, 24, 28, 31, 34, 36). */
export const HARMONIC_INTERVALS: readonly number[] = [2, 3, 4, 5, 6, 7, 8].map((h) => Math.round(12 * Math.log2(h)));

function overlap(a: HeardNote, b: HeardNote): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** True when `ghost` is a harmonic, sub-octave or semitone shadow of the more certain `parent`. */
function isGhostOf(ghost: HeardNote, parent: HeardNote): boolean {
  if (parent === ghost || parent.salience < ghost.salience) return false;
  const inside = overlap(ghost, parent) >= 0.5 * (ghost.end - ghost.start);
  if (!inside) return false;
  const d = ghost.pitch - parent.pitch;
  return d === -12 || d === -1 || d === 1 || HARMONIC_INTERVALS.some((h) => Math.abs(d - h) <= (h === 12 || h === 24 || h === 36 ? 0 : 1));
}

/**
 * The main monophonic line of `notes`: the most salient note at each moment, harmonics and octave
 * ghosts dropped, each note cut where the next begins. Returns new notes sorted by start, never
 * overlapping. Pure.
 */
export function melodyLine(notes: readonly HeardNote[], options: MelodyLineOptions = {}): HeardNote[] {
  const tolerance = options.onsetTolerance ?? 0.06;
  const minDuration = options.minDuration ?? 0.04;
  const candidates = notes.filter((n) => n.salience >= (options.minSalience ?? 0) && n.end > n.start);
  const kept = candidates.filter((n) => !candidates.some((p) => isGhostOf(n, p)));
  kept.sort((a, b) => a.start - b.start || b.salience - a.salience);
  const onsets: HeardNote[] = [];
  for (const n of kept) {
    const last = onsets[onsets.length - 1];
    if (last && n.start - last.start < tolerance) {
      if (n.salience > last.salience) onsets[onsets.length - 1] = n;
      continue;
    }
    onsets.push(n);
  }
  const line: HeardNote[] = [];
  onsets.forEach((n, i) => {
    const next = onsets[i + 1];
    const end = next ? Math.min(n.end, next.start) : n.end;
    if (end - n.start >= minDuration) line.push({ ...n, end });
  });
  return line;
}

/**
 * Where the 16th-note grid lies in a take: the tempo and the time (seconds from the start of the
 * take) of one bar line — with a count-in, the first beat after it.
 */
export interface BeatGrid {
  /** Quarter notes per minute. */
  qpm: number;
  /** Seconds from the start of the take to a bar line (may be before 0 or after the first note). */
  downbeat: number;
}

/** Seconds per 16th-note step at `qpm`. */
export function stepSeconds(qpm: number): number {
  return 60 / qpm / 4;
}

/** Checks a grid (tempo within {@link TEMPO_RANGE}, finite bar line). */
export function checkGrid(grid: BeatGrid): void {
  if (!Number.isFinite(grid.qpm) || grid.qpm < TEMPO_RANGE.min || grid.qpm > TEMPO_RANGE.max) {
    throw new TempoError(`The tempo must be ${TEMPO_RANGE.min}–${TEMPO_RANGE.max} beats per minute; got ${grid.qpm}.`);
  }
  if (!Number.isFinite(grid.downbeat)) throw new TempoError(`The first beat's time must be a finite number of seconds; got ${grid.downbeat}.`);
}

export interface QuantizeOptions {
  /**
   * Seconds subtracted from every note end before rounding: a sound fades after its
   * note ends (release, room), so what is heard may end after what was played (default 0: the line decoder already ends notes at the release).
   */
  endDelay?: number;
  /** Seconds subtracted from every start before rounding (default 0). */
  startDelay?: number;
}

/** A take's line on the grid: the sequence starts at the bar line at or before the first note. */
export interface QuantizedTake {
  /** Whole bars; step 0 is the bar line at `origin` seconds in the take. */
  sequence: QuantizedNoteSequence;
  /** Seconds in the take of step 0. */
  origin: number;
}

/**
 * Places a monophonic line on the 16th-note grid (4 steps per quarter, as MelodyConverter reads).
 * The result covers whole bars from the bar line at or before the first note; notes keep their
 * pitch, start on their nearest step and end on theirs (at least one step long, never past the
 * next note's start). Its seconds are those of the grid (`unquantize`d at `grid.qpm`).
 */
export function quantizeLine(line: readonly HeardNote[], grid: BeatGrid, options: QuantizeOptions = {}): QuantizedTake {
  checkGrid(grid);
  const step = stepSeconds(grid.qpm);
  const bar = step * STEPS_PER_BAR;
  const endDelay = options.endDelay ?? 0;
  const startDelay = options.startDelay ?? 0;
  const first = line.reduce((m, n) => Math.min(m, n.start - startDelay), Infinity);
  if (!Number.isFinite(first)) {
    return { sequence: unquantize(emptyQuantizedSequence(2 * STEPS_PER_BAR, grid.qpm)), origin: grid.downbeat };
  }
  // The bar line at or before the first note (half a step of slack: a note sung a bit early still starts the bar).
  const bars = Math.floor((first + step / 2 - grid.downbeat) / bar);
  const origin = grid.downbeat + bars * bar;
  const placed: { note: HeardNote; start: number; end: number }[] = [];
  for (const n of [...line].sort((a, b) => a.start - b.start)) {
    const start = Math.max(0, Math.round((n.start - startDelay - origin) / step));
    const end = Math.round((n.end - endDelay - origin) / step);
    const prev = placed[placed.length - 1];
    if (prev && prev.start === start) {
      if (n.salience > prev.note.salience) placed[placed.length - 1] = { note: n, start, end };
      continue;
    }
    placed.push({ note: n, start, end });
  }
  const notes: QuantizedNote[] = placed.map((p, i) => {
    const next = placed[i + 1];
    let end = Math.max(p.end, p.start + 1);
    if (next && end > next.start) end = next.start;
    return {
      pitch: p.note.pitch,
      velocity: DEFAULT_VELOCITY,
      startTime: 0,
      endTime: 0,
      isDrum: false,
      program: 0,
      instrument: 0,
      quantizedStartStep: p.start,
      quantizedEndStep: end,
    };
  });
  const lastEnd = notes.reduce((m, n) => Math.max(m, n.quantizedEndStep), 0);
  const total = Math.max(2, Math.ceil(lastEnd / STEPS_PER_BAR)) * STEPS_PER_BAR;
  const seq = emptyQuantizedSequence(total, grid.qpm);
  seq.notes = notes;
  return { sequence: unquantize(seq), origin };
}

/** Checks `line` is one voice (sorted, not overlapping); throws InvalidInputError otherwise. */
export function assertMonophonic(line: readonly HeardNote[]): void {
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] as HeardNote;
    const b = line[i] as HeardNote;
    if (b.start < a.start || b.start < a.end - 1e-9)
      throw new InvalidInputError(`Notes ${i - 1} and ${i} overlap (${a.end.toFixed(3)} s > ${b.start.toFixed(3)} s).`);
  }
}

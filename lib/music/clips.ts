/**
 * 2-bar clips as the music lab handles them: compact text forms for the URL (so a shared link
 * carries melody A and B or the four blend corners), a 9×32 step grid for drums, and monophonic
 * note editing for the piano-roll editor. Pure functions on quantized sequences.
 */
import { InvalidInputError } from '../core/errors';
import { DEFAULT_DRUM_PITCH_CLASSES, DRUM_CLASS_PITCHES, drumClassOf } from './converters/drums';
import { DEFAULT_QPM, emptyQuantizedSequence, gridNote, type QuantizedNote, type QuantizedNoteSequence } from './note-sequence';
import { unquantize } from './sequences';

/** Steps in a 2-bar clip (4/4, 16th notes). */
export const CLIP_STEPS = 32;
/** Number of drum classes (kick, snare, closed hat, open hat, low/mid/high tom, crash, ride). */
export const DRUM_CLASSES = DEFAULT_DRUM_PITCH_CLASSES.length;
/** Lowest and highest pitch a melody clip may hold (the melody models' range). */
export const MELODY_PITCH_RANGE = { min: 21, max: 108 } as const;
/** Most notes a melody clip may have in the URL form (one per step at most). */
const MAX_CLIP_NOTES = CLIP_STEPS;

function finish(seq: QuantizedNoteSequence): QuantizedNoteSequence {
  seq.notes.sort((a, b) => a.quantizedStartStep - b.quantizedStartStep || a.pitch - b.pitch);
  return unquantize(seq);
}

/**
 * A melody clip in a short URL-safe form: `pitch.start.length` per note, joined by `_`
 * (e.g. `60.0.4_62.4.4`). Steps are 16th notes from the clip's start.
 */
export function encodeMelodyClip(seq: QuantizedNoteSequence): string {
  const text = seq.notes
    .filter((n) => !n.isDrum && n.quantizedStartStep < CLIP_STEPS)
    .map((n) => `${n.pitch}.${n.quantizedStartStep}.${Math.max(1, Math.min(CLIP_STEPS, n.quantizedEndStep) - n.quantizedStartStep)}`)
    .join('_');
  // An empty melody has a form of its own, so a link (or a cleared slot) keeps it empty instead of
  // falling back to an example.
  return text === '' ? EMPTY_MELODY_CLIP : text;
}

/** The encoded form of a melody with no notes. */
export const EMPTY_MELODY_CLIP = '-';

/**
 * Reads {@link encodeMelodyClip}'s form back into a 2-bar clip at `qpm`. Throws InvalidInputError
 * naming the bad part (so a damaged shared link says what is wrong). Overlapping notes are cut so
 * the clip stays one voice.
 */
export function decodeMelodyClip(text: string, qpm = DEFAULT_QPM): QuantizedNoteSequence {
  const seq = emptyQuantizedSequence(CLIP_STEPS, qpm);
  if (text.trim() === '' || text.trim() === EMPTY_MELODY_CLIP) return seq;
  const parts = text.split('_');
  if (parts.length > MAX_CLIP_NOTES) throw new InvalidInputError(`A 2-bar melody has at most ${MAX_CLIP_NOTES} notes; this link has ${parts.length}.`);
  let clip = seq;
  for (const part of parts) {
    const m = /^(\d{1,3})\.(\d{1,2})\.(\d{1,2})$/.exec(part);
    if (!m) throw new InvalidInputError(`"${part}" is not a note (expected pitch.start.length, e.g. 60.0.4).`);
    const [pitch, start, length] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (pitch < MELODY_PITCH_RANGE.min || pitch > MELODY_PITCH_RANGE.max)
      throw new InvalidInputError(`Pitch ${pitch} in "${part}" is outside ${MELODY_PITCH_RANGE.min}–${MELODY_PITCH_RANGE.max}.`);
    if (start >= CLIP_STEPS || length < 1 || start + length > CLIP_STEPS)
      throw new InvalidInputError(`Note "${part}" does not fit in 2 bars (steps 0–${CLIP_STEPS - 1}).`);
    clip = placeMelodyNote(clip, pitch, start, start + length);
  }
  return clip;
}

/**
 * Adds a note from step `start` to `end` (exclusive) and keeps the clip one voice: a note
 * sounding at `start` is cut there, and notes starting inside the new note are removed.
 */
export function placeMelodyNote(seq: QuantizedNoteSequence, pitch: number, start: number, end: number, velocity = 80): QuantizedNoteSequence {
  if (!Number.isInteger(pitch) || pitch < 0 || pitch > 127) throw new InvalidInputError(`Pitch must be a whole number 0–127; got ${pitch}.`);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > seq.totalQuantizedSteps) {
    throw new InvalidInputError(`A note needs whole steps 0 ≤ start < end ≤ ${seq.totalQuantizedSteps}; got ${start}..${end}.`);
  }
  const notes: QuantizedNote[] = [];
  for (const n of seq.notes) {
    if (n.quantizedStartStep >= start && n.quantizedStartStep < end) continue;
    if (n.quantizedStartStep < start && n.quantizedEndStep > start) notes.push({ ...n, quantizedEndStep: start });
    else notes.push(n);
  }
  notes.push({ ...gridNote(pitch, start, end), velocity });
  return finish({ ...seq, notes });
}

/** The clip without the note of `pitch` sounding at `step` (unchanged if there is none). */
export function removeMelodyNoteAt(seq: QuantizedNoteSequence, pitch: number, step: number): QuantizedNoteSequence {
  const notes = seq.notes.filter((n) => !(n.pitch === pitch && n.quantizedStartStep <= step && n.quantizedEndStep > step));
  return notes.length === seq.notes.length ? seq : finish({ ...seq, notes: notes.slice() });
}

/** The note of `pitch` sounding at `step`, if any. */
export function melodyNoteAt(seq: QuantizedNoteSequence, pitch: number, step: number): QuantizedNote | undefined {
  return seq.notes.find((n) => n.pitch === pitch && n.quantizedStartStep <= step && n.quantizedEndStep > step);
}

/** A drum clip as a 9×steps grid: `grid[class][step]` is true when that drum is hit. */
export function drumGrid(seq: QuantizedNoteSequence): boolean[][] {
  const grid = DRUM_CLASS_PITCHES.map(() => new Array<boolean>(seq.totalQuantizedSteps).fill(false));
  for (const n of seq.notes) {
    const c = drumClassOf(n.pitch);
    const row = c === undefined ? undefined : grid[c];
    if (row && n.quantizedStartStep >= 0 && n.quantizedStartStep < row.length) row[n.quantizedStartStep] = true;
  }
  return grid;
}

/** A drum clip from a 9×steps grid (each hit a 16th note at its class's GM pitch). */
export function drumsFromGrid(grid: readonly (readonly boolean[])[], qpm = DEFAULT_QPM): QuantizedNoteSequence {
  if (grid.length !== DRUM_CLASSES) throw new InvalidInputError(`A drum grid has ${DRUM_CLASSES} rows; got ${grid.length}.`);
  const steps = grid[0]?.length ?? 0;
  if (steps < 1 || grid.some((row) => row.length !== steps)) throw new InvalidInputError('Every row of a drum grid needs the same, non-zero number of steps.');
  const seq = emptyQuantizedSequence(steps, qpm);
  grid.forEach((row, c) => {
    row.forEach((hit, step) => {
      if (hit) seq.notes.push(gridNote(DRUM_CLASS_PITCHES[c] ?? 36, step, step + 1, true));
    });
  });
  return finish(seq);
}

/** The drum clip with cell (`drumClass`, `step`) switched on or off. */
export function toggleDrumCell(seq: QuantizedNoteSequence, drumClass: number, step: number): QuantizedNoteSequence {
  const grid = drumGrid(seq);
  const row = grid[drumClass];
  if (!row || step < 0 || step >= row.length || !Number.isInteger(step)) {
    throw new InvalidInputError(`No drum cell at class ${drumClass}, step ${step} (classes 0–${DRUM_CLASSES - 1}, steps 0–${seq.totalQuantizedSteps - 1}).`);
  }
  row[step] = !row[step];
  return drumsFromGrid(grid, seq.tempos[0]?.qpm ?? DEFAULT_QPM);
}

/**
 * A drum clip in a short URL-safe form: for each of the 32 steps, its 9 drum flags as a bitmask
 * written in base 32 with two characters (bit c = class c).
 */
export function encodeDrumClip(seq: QuantizedNoteSequence): string {
  const grid = drumGrid(seq);
  let out = '';
  for (let step = 0; step < CLIP_STEPS; step++) {
    let mask = 0;
    grid.forEach((row, c) => {
      if (row[step]) mask |= 1 << c;
    });
    out += mask.toString(32).padStart(2, '0');
  }
  return out;
}

/** Reads {@link encodeDrumClip}'s form back into a 2-bar drum clip at `qpm`. */
export function decodeDrumClip(text: string, qpm = DEFAULT_QPM): QuantizedNoteSequence {
  if (!/^[0-9a-v]*$/.test(text) || text.length !== CLIP_STEPS * 2) {
    throw new InvalidInputError(`A drum pattern in a link has ${CLIP_STEPS * 2} characters 0–9 and a–v; got ${text.length} characters.`);
  }
  const grid = DRUM_CLASS_PITCHES.map(() => new Array<boolean>(CLIP_STEPS).fill(false));
  for (let step = 0; step < CLIP_STEPS; step++) {
    const mask = parseInt(text.slice(step * 2, step * 2 + 2), 32);
    if (mask >= 1 << DRUM_CLASSES) throw new InvalidInputError(`Step ${step + 1} of the drum pattern names a drum that does not exist.`);
    grid.forEach((row, c) => {
      row[step] = (mask & (1 << c)) !== 0;
    });
  }
  return drumsFromGrid(grid, qpm);
}

/** The same clip at another tempo (steps unchanged, seconds recomputed). */
export function withTempo(seq: QuantizedNoteSequence, qpm: number): QuantizedNoteSequence {
  return unquantize(seq, qpm);
}

/**
 * The URL value of an edited drum pattern: its clip, or undefined when the edit brought it back to
 * the `original` (the sampled pattern), so the link and the "edited" mark go away.
 */
export function editedDrumClip(next: QuantizedNoteSequence, original: QuantizedNoteSequence | undefined): string | undefined {
  const clip = encodeDrumClip(next);
  return original !== undefined && clip === encodeDrumClip(original) ? undefined : clip;
}

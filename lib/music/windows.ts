/**
 * From a MIDI file to the 2-bar windows a MusicVAE reads: pick the melody or the drums, check the
 * meter, quantize to 16th notes and cut windows of 32 steps one bar apart.
 */
import { InvalidInputError } from '../core/errors';
import { NoMusicError } from './errors';
import { assertFourFour, extractDrums, extractMelody, meterNote, type DrumKit, type MidiFile } from './midi';
import { STEPS_PER_BAR, type QuantizedNoteSequence } from './note-sequence';
import { quantize, splitIntoWindows, type Window } from './sequences';
import { count } from '../core/text';

/** A piece's meter on the 16th-note grid: how bars and beats are counted and drawn. */
export interface Meter {
  numerator: number;
  denominator: number;
  /** Sixteenths per bar: 16 in 4/4, 12 in 3/4 and 6/8. */
  stepsPerBar: number;
  /** Sixteenths per beat: a quarter (4) in x/4, a dotted quarter (6) in compound x/8 (6/8, 9/8, 12/8). */
  stepsPerBeat: number;
}

export const FOUR_FOUR: Meter = { numerator: 4, denominator: 4, stepsPerBar: 16, stepsPerBeat: 4 };

/** The meter of a piece (its first time signature; 4/4 when it has none or one the grid cannot hold). */
export function meterOf(seq: { timeSignatures: readonly { numerator: number; denominator: number }[] }): Meter {
  const ts = seq.timeSignatures[0];
  if (!ts) return FOUR_FOUR;
  const stepsPerBar = (ts.numerator * 16) / ts.denominator;
  if (!Number.isInteger(stepsPerBar) || stepsPerBar < 2 || stepsPerBar > 64) return FOUR_FOUR;
  const compound = ts.denominator === 8 && ts.numerator % 3 === 0 && ts.numerator > 3;
  const stepsPerBeat = compound ? 6 : 16 / ts.denominator;
  return {
    numerator: ts.numerator,
    denominator: ts.denominator,
    stepsPerBar,
    stepsPerBeat: Number.isInteger(stepsPerBeat) && stepsPerBeat >= 1 ? stepsPerBeat : 4,
  };
}

export interface MidiWindows {
  /** The quantized melody or drum part of the whole file. */
  part: QuantizedNoteSequence;
  /**
   * Every 2-bar window (32 sixteenths, what the models read), one bar of the piece apart: window `k`
   * starts at bar `k` (0-based) of the piece's own meter, `startStep = k · meter.stepsPerBar`.
   */
  windows: Window[];
  /** The piece's meter (4/4 when read as 4/4). */
  meter: Meter;
  /** Human-readable notes about what was changed or dropped. */
  notes: string[];
  /** Melody: the 0-based index of the track the melody came from. */
  track?: number;
}

export interface MidiWindowOptions {
  /** Melody: take this track (0-based); default the track named `preferTrack`, else the most melodic. */
  track?: number;
  /** Melody: a track name to take when present (POP909's "MELODY"). */
  preferTrack?: string;
  /**
   * Time signatures: `'any'` (the default, for the user's files) reads every meter on the 16th-note
   * grid and explains windows that cross bar lines in a note; `'strict'` refuses all but 4/4 (the
   * training data); `'ignore'` reads every file as 4/4 without a note (POP909, whose time
   * signatures are unreliable).
   */
  meter?: 'any' | 'strict' | 'ignore';
  /** @deprecated use `meter: 'ignore'` (kept for the dataset cache's options). true = 'ignore', false = 'strict'. */
  ignoreMeter?: boolean;
  /** Drum kit of the file (default `'auto'`: General MIDI, and the Roland TD-11 map when the file uses its hi-hat edge pitches). */
  kit?: DrumKit;
  /** Pad short parts with silence to at least this many bars (default 2: one window). */
  minBars?: number;
  /** Window length in steps (default 2 bars). */
  windowSteps?: number;
}

/** The 2-bar windows (one bar apart) of a MIDI file's melody (`kind: 'melody'`) or drums. */
export function midiWindows(file: MidiFile, kind: 'melody' | 'drums', options: MidiWindowOptions = {}): MidiWindows {
  const meter = options.meter ?? (options.ignoreMeter === undefined ? 'any' : options.ignoreMeter ? 'ignore' : 'strict');
  if (meter === 'strict') assertFourFour(file.sequence, file.name);
  const notes: string[] = [];
  const aboutMeter = meter === 'any' ? meterNote(file.sequence) : undefined;
  let part: QuantizedNoteSequence;
  let track: number | undefined;
  if (kind === 'melody') {
    const preferred = options.preferTrack?.trim().toUpperCase();
    const named = preferred === undefined ? undefined : file.tracks.find((t) => !t.isDrum && t.noteCount > 0 && t.name.trim().toUpperCase() === preferred);
    const melody = extractMelody(file, options.track ?? named?.index);
    notes.push(`melody from track ${melody.track.index + 1} ("${melody.track.name}")`);
    track = melody.track.index;
    if (melody.droppedNotes > 0) notes.push(`${count(melody.droppedNotes, 'lower note')} at shared onsets dropped to keep one voice`);
    part = quantize(melody.sequence);
  } else {
    const drums = extractDrums(file, options.kit ?? 'auto');
    if (drums.kit === 'roland-td11' && (options.kit ?? 'auto') === 'auto')
      notes.push('drums read with the Roland TD-11 kit map (the file uses its hi-hat edge sounds, as Groove MIDI takes do)');
    if (drums.unmappedNotes > 0)
      notes.push(`${count(drums.unmappedNotes, 'drum note')} of unknown sounds dropped (pitches ${drums.unmappedPitches.join(', ')})`);
    part = quantize(drums.sequence);
  }
  if (aboutMeter) notes.push(aboutMeter);
  const meterUsed = meter === 'any' ? meterOf(file.sequence) : FOUR_FOUR;
  const windowSteps = options.windowSteps ?? 2 * STEPS_PER_BAR;
  // Pad so the last bar's window is whole (at least `minBars` bars of 4/4).
  const steps = Math.max((options.minBars ?? 2) * STEPS_PER_BAR, Math.ceil(part.totalQuantizedSteps / meterUsed.stepsPerBar) * meterUsed.stepsPerBar);
  // Shorter than one window: no window at all (the caller says so). Else the last bar line's window is padded whole.
  const lastStart = steps < windowSteps ? 0 : Math.ceil((steps - windowSteps) / meterUsed.stepsPerBar) * meterUsed.stepsPerBar;
  const padded = { ...part, totalQuantizedSteps: steps < windowSteps ? steps : Math.max(steps, lastStart + windowSteps) };
  return {
    part,
    windows: splitIntoWindows(padded, windowSteps, meterUsed.stepsPerBar),
    meter: meterUsed,
    notes,
    ...(track === undefined ? {} : { track }),
  };
}

/**
 * The 2-bar windows (one bar apart) of a transcribed take: its whole sequence on the 4/4 grid, step
 * 0 on a bar line, padded to 2 bars at least. `note` says where it came from.
 */
export function takeWindows(sequence: QuantizedNoteSequence, note: string): MidiWindows {
  const windowSteps = 2 * STEPS_PER_BAR;
  const padded = { ...sequence, totalQuantizedSteps: Math.max(windowSteps, Math.ceil(sequence.totalQuantizedSteps / STEPS_PER_BAR) * STEPS_PER_BAR) };
  return { part: sequence, windows: splitIntoWindows(padded, windowSteps, STEPS_PER_BAR), meter: FOUR_FOUR, notes: [note] };
}

/** True when a window's first bar is a pickup: its first note comes in the bar's second half, and nothing before. */
export function isPickup(w: Window, meter: Meter): boolean {
  const firstNote = Math.min(...w.sequence.notes.map((n) => n.quantizedStartStep));
  return Number.isFinite(firstNote) && firstNote >= meter.stepsPerBar / 2 && firstNote < meter.stepsPerBar;
}

/**
 * The window starting at 1-based bar `bar`, or else the first window with at least one note.
 * Throws a clear error when there is none.
 */
export function pickWindow(found: MidiWindows, fileName: string, bar?: number): Window {
  if (bar !== undefined) {
    if (!Number.isInteger(bar) || bar < 1) throw new InvalidInputError(`--bar must be a bar number from 1; got ${bar}.`);
    const w = found.windows.find((x) => x.startStep === (bar - 1) * found.meter.stepsPerBar);
    if (!w) throw new InvalidInputError(`${fileName} has no 2-bar window starting at bar ${bar} (it has ${found.windows.length + 1} bars).`);
    return w;
  }
  const first = found.windows.findIndex((x) => x.sequence.notes.length > 0);
  const w = found.windows[first];
  if (w && isPickup(w, found.meter)) {
    // A pickup bar (an anacrusis written as a bar of rests ending in a note or two): start at the first whole bar.
    const next = found.windows[first + 1];
    if (next && next.sequence.notes.length > 0) return next;
  }
  if (!w) {
    const last = found.windows.length;
    throw new NoMusicError(
      last === 0
        ? `${fileName} is shorter than 2 bars: there is no 2-bar window to read.`
        : `${fileName} has no 2-bar window with notes: tried the ${last} window${last === 1 ? '' : 's'} starting at bars 1${last > 1 ? `–${last}` : ''} (bars 1–${last + 1} of 16th notes); every one is silent${found.notes.length > 0 ? ` (${found.notes.join('; ')})` : ''}.`,
    );
  }
  return w;
}

/**
 * From a MIDI file to the 2-bar windows a MusicVAE reads: pick the melody or the drums, check the
 * meter, quantize to 16th notes and cut windows of 32 steps one bar apart.
 */
import { InvalidInputError } from '../core/errors';
import { NoMusicError } from './errors';
import { assertFourFour, extractDrums, extractMelody, meterNote, type DrumKit, type MidiFile } from './midi';
import { STEPS_PER_BAR, type QuantizedNoteSequence } from './note-sequence';
import { quantize, splitIntoWindows, type Window } from './sequences';

export interface MidiWindows {
  /** The quantized melody or drum part of the whole file. */
  part: QuantizedNoteSequence;
  /** Every 2-bar window, one bar apart; `startStep / 16` is its 0-based bar. */
  windows: Window[];
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
    if (melody.droppedNotes > 0) notes.push(`${melody.droppedNotes} lower note(s) at shared onsets dropped to keep one voice`);
    part = quantize(melody.sequence);
  } else {
    const drums = extractDrums(file, options.kit ?? 'auto');
    if (drums.kit === 'roland-td11' && (options.kit ?? 'auto') === 'auto')
      notes.push('drums read with the Roland TD-11 kit map (the file uses its hi-hat edge sounds, as Groove MIDI takes do)');
    if (drums.unmappedNotes > 0) notes.push(`${drums.unmappedNotes} drum note(s) of unknown sounds dropped (pitches ${drums.unmappedPitches.join(', ')})`);
    part = quantize(drums.sequence);
  }
  if (aboutMeter) notes.push(aboutMeter);
  const bars = Math.max(options.minBars ?? 2, Math.ceil(part.totalQuantizedSteps / STEPS_PER_BAR));
  const padded = { ...part, totalQuantizedSteps: bars * STEPS_PER_BAR };
  return { part, windows: splitIntoWindows(padded, options.windowSteps ?? 2 * STEPS_PER_BAR, STEPS_PER_BAR), notes, ...(track === undefined ? {} : { track }) };
}

/**
 * The window starting at 1-based bar `bar`, or else the first window with at least one note.
 * Throws a clear error when there is none.
 */
export function pickWindow(found: MidiWindows, fileName: string, bar?: number): Window {
  if (bar !== undefined) {
    if (!Number.isInteger(bar) || bar < 1) throw new InvalidInputError(`--bar must be a bar number from 1; got ${bar}.`);
    const w = found.windows.find((x) => x.startStep === (bar - 1) * STEPS_PER_BAR);
    if (!w) throw new InvalidInputError(`${fileName} has no 2-bar window starting at bar ${bar} (it has ${found.windows.length + 1} bars).`);
    return w;
  }
  const w = found.windows.find((x) => x.sequence.notes.length > 0);
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

/**
 * MIDI in and out, on top of `@tonejs/midi` (a small, maintained Standard MIDI File parser and
 * writer): list tracks, extract a one-voice melody or the drums, and write NoteSequences back.
 *
 * Limits, so a bad file cannot exhaust memory: files up to {@link MAX_MIDI_BYTES} bytes and
 * {@link MAX_MIDI_NOTES} notes. Every problem is a named error with a message fit for users.
 */
import { Midi } from '@tonejs/midi';
import { parseMidi as parseMidiEvents } from 'midi-file';
import { describeError } from '../core/errors';
import { DrumsConverter, DEFAULT_DRUM_PITCH_CLASSES, DRUM_CLASS_PITCHES } from './converters/drums';
import { MeterError, MidiParseError, NoMusicError } from './errors';
import { DEFAULT_QPM, type Note, type NoteSequence, type TimeSignature } from './note-sequence';

/** Largest MIDI file accepted (8 MB; real songs are rarely over 1 MB). */
export const MAX_MIDI_BYTES = 8 * 1024 * 1024;
/**
 * Most notes accepted in one file. @tonejs/midi pairs note-ons with note-offs in quadratic time
 * (50,000 notes take ~6 s here), so note-on events are counted with a fast linear pre-pass first.
 */
export const MAX_MIDI_NOTES = 30_000;
/** Longest piece accepted; longer means a damaged tempo or time field. */
export const MAX_MIDI_SECONDS = 2 * 3600;
/** MIDI channel 10 (0-based 9) carries drums in General MIDI. */
export const DRUM_CHANNEL = 9;

export interface TrackInfo {
  index: number;
  name: string;
  /** General MIDI instrument name, e.g. "acoustic grand piano". */
  instrument: string;
  program: number;
  channel: number;
  noteCount: number;
  isDrum: boolean;
}

export interface MidiFile {
  name: string;
  ppq: number;
  durationSeconds: number;
  tracks: TrackInfo[];
  /** All notes of all tracks (with `instrument` = track index) and the tempo/meter maps. */
  sequence: NoteSequence;
}

function mb(bytes: number, digits = 1): string {
  return (bytes / 1024 / 1024).toFixed(digits) + ' MB';
}

/**
 * A copy of the file's bytes as handed to `@tonejs/midi`, refusing to read a byte range that ends
 * before it starts. Its parser (`midi-file`) reads lengths with 32-bit shifts, so a damaged length
 * field can come out negative; it then slices a backwards range and moves its read position back,
 * which on some damaged files loops until memory runs out. Every length it reads goes through
 * `slice` (and the slices it parses further are of this class too), so this stops it at once.
 */
class ForwardOnlyBytes extends Uint8Array {
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    if (start !== undefined && end !== undefined && end < start) {
      throw new Error(`a chunk or event declares a length of ${end - start} bytes`);
    }
    return super.slice(start, end);
  }
}

/**
 * Parses a Standard MIDI File (format 0 or 1). Throws {@link MidiParseError} for empty, oversized,
 * non-MIDI, broken or SMPTE-timed files, and {@link NoMusicError} for files without any notes.
 * Notes with impossible pitches or velocities (from damaged bytes) are left out.
 */
export function parseMidi(bytes: Uint8Array | ArrayBuffer, fileName = 'the file'): MidiFile {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data.byteLength === 0) throw new MidiParseError(`${fileName} is empty (0 bytes). Choose a .mid file that contains music.`);
  if (data.byteLength > MAX_MIDI_BYTES) {
    throw new MidiParseError(
      `${fileName} is ${mb(data.byteLength, 2)}; Latent Lab reads MIDI files up to ${mb(MAX_MIDI_BYTES, 0)}. Split it or export fewer tracks.`,
    );
  }
  const magic = String.fromCharCode(...data.subarray(0, 4));
  if (magic !== 'MThd') {
    const looksLike =
      magic === 'RIFF' ? ' (it looks like a WAV or RIFF-MIDI file)' : magic.startsWith('ID3') || magic.startsWith('\xff\xfb') ? ' (it looks like an MP3)' : '';
    throw new MidiParseError(`${fileName} is not a Standard MIDI File${looksLike}: it does not start with "MThd". Choose a .mid or .midi file.`);
  }
  let midi: Midi;
  try {
    let noteOns = 0;
    for (const track of parseMidiEvents(new ForwardOnlyBytes(data)).tracks) for (const e of track) if (e.type === 'noteOn') noteOns++;
    if (noteOns > MAX_MIDI_NOTES) {
      throw new MidiParseError(
        `${fileName} has ${noteOns.toLocaleString('en')} notes; Latent Lab reads up to ${MAX_MIDI_NOTES.toLocaleString('en')}. Export only the part you need.`,
      );
    }
    midi = new Midi(new ForwardOnlyBytes(data));
  } catch (error) {
    if (error instanceof MidiParseError) throw error;
    throw new MidiParseError(`${fileName} is a damaged or truncated MIDI file and cannot be read (${describeError(error)}).`, { cause: error });
  }
  const ppq = midi.header.ppq;
  if (!Number.isInteger(ppq) || ppq <= 0) {
    // Bit 15 of the header's time division marks SMPTE timing (frames per second, not beats).
    const timing = ((data[12] ?? 0) & 0x80) !== 0 ? 'SMPTE frame timing' : `a time division of ${String(ppq)} ticks per quarter note`;
    throw new MidiParseError(
      `${fileName} uses ${timing}, so its notes have no position in beats. Export it again from your music software as a standard MIDI file (timed in ticks per quarter note).`,
    );
  }
  const noteTotal = midi.tracks.reduce((a, t) => a + t.notes.length, 0);
  if (noteTotal > MAX_MIDI_NOTES) {
    throw new MidiParseError(`${fileName} has ${noteTotal.toLocaleString('en')} notes; Latent Lab reads up to ${MAX_MIDI_NOTES.toLocaleString('en')}.`);
  }
  if (noteTotal === 0) throw new NoMusicError(`${fileName} contains no notes.`);

  const notes: Note[] = [];
  const tracks: TrackInfo[] = midi.tracks.map((t, index) => {
    const isDrum = t.channel === DRUM_CHANNEL || t.instrument.percussion;
    let kept = 0;
    for (const n of t.notes) {
      if (!Number.isFinite(n.time) || !Number.isFinite(n.duration) || n.time < 0) continue;
      // A damaged file can hold data bytes ≥ 128 as pitches, or lose a velocity at its end.
      if (!Number.isInteger(n.midi) || n.midi < 0 || n.midi > 127 || !Number.isFinite(n.velocity)) continue;
      kept++;
      notes.push({
        pitch: n.midi,
        velocity: Math.max(0, Math.min(127, Math.round(n.velocity * 127))),
        startTime: n.time,
        endTime: n.time + Math.max(0, n.duration),
        isDrum,
        program: t.instrument.number,
        instrument: index,
      });
    }
    return {
      index,
      name: t.name.trim() || `Track ${index + 1}`,
      instrument: isDrum ? 'drums' : t.instrument.name,
      program: t.instrument.number,
      channel: t.channel,
      noteCount: kept,
      isDrum,
    };
  });
  if (notes.length === 0) {
    throw new NoMusicError(
      `${fileName} contains no playable notes (its ${noteTotal.toLocaleString('en')} notes have broken pitches or times). The file is damaged; export it again.`,
    );
  }
  notes.sort((a, b) => a.startTime - b.startTime || b.pitch - a.pitch);
  const tempos = midi.header.tempos
    .filter((t) => Number.isFinite(t.bpm) && t.bpm > 0)
    .map((t) => ({ time: t.time ?? midi.header.ticksToSeconds(t.ticks), qpm: t.bpm }))
    .filter((t) => Number.isFinite(t.time) && t.time >= 0);
  const timeSignatures: TimeSignature[] = midi.header.timeSignatures.map((t) => ({
    time: midi.header.ticksToSeconds(t.ticks),
    numerator: t.timeSignature[0] ?? 4,
    denominator: t.timeSignature[1] ?? 4,
  }));
  const totalTime = notes.reduce((m, n) => Math.max(m, n.endTime), 0);
  if (totalTime > MAX_MIDI_SECONDS) {
    throw new MidiParseError(
      `${fileName} claims to last ${(totalTime / 3600).toFixed(1)} hours; Latent Lab reads pieces up to ${MAX_MIDI_SECONDS / 3600} hours. Its tempo or timing data is probably damaged.`,
    );
  }
  return {
    name: midi.header.name || fileName,
    ppq,
    durationSeconds: totalTime,
    tracks,
    sequence: {
      notes,
      totalTime,
      tempos: tempos.length > 0 ? tempos : [{ time: 0, qpm: DEFAULT_QPM }],
      timeSignatures: timeSignatures.length > 0 ? timeSignatures : [{ time: 0, numerator: 4, denominator: 4 }],
    },
  };
}

/**
 * Throws {@link MeterError} unless every time signature is 4/4 (2-bar windows of 32 steps assume
 * 4/4). Files without a time signature count as 4/4, as in the MIDI standard.
 */
export function assertFourFour(seq: NoteSequence, fileName = 'This file'): void {
  const other = seq.timeSignatures.find((t) => !(t.numerator === 4 && t.denominator === 4));
  if (other) {
    throw new MeterError(
      `${fileName} is in ${other.numerator}/${other.denominator}${other.time > 0 ? ` from ${other.time.toFixed(1)} s` : ''}; ` +
        'the 2-bar models need 4/4 music. Choose a piece in 4/4.',
    );
  }
}

/** Meters whose bars fit the models' grid of 16 sixteenths (2/2 exactly; 2/4 twice per window bar). */
const GRID_METERS = new Set(['4/4', '2/2', '2/4']);

/**
 * A note for music not in 4/4, 2/2 or 2/4 (undefined for those): the models read 32 sixteenths at a
 * time, so in 3/4 or 6/8 a window crosses bar lines — it is read anyway, and the note says so.
 */
export function meterNote(seq: NoteSequence): string | undefined {
  const others = [...new Set(seq.timeSignatures.map((t) => `${t.numerator}/${t.denominator}`).filter((m) => !GRID_METERS.has(m)))];
  if (others.length === 0) return undefined;
  return (
    `in ${others.join(' and ')}: the models read 32 sixteenths (2 bars of 4/4) at a time, so each window starts on a bar line of the piece and holds a little more or less than 2 of its bars ` +
    '(the music is read as it is; bars are counted and drawn in its own meter)'
  );
}

/** How melodic a track is: many notes, rarely two at once; names like "melody" or "lead" help. */
function melodyScore(notes: readonly Note[], name: string): number {
  if (notes.length < 2) return 0;
  let overlapping = 0;
  for (let i = 1; i < notes.length; i++) {
    const prev = notes[i - 1];
    const cur = notes[i];
    if (prev && cur && cur.startTime < prev.endTime - 1e-3) overlapping++;
  }
  const monophony = 1 - overlapping / (notes.length - 1);
  const nameBonus = /melod|lead|vocal|voice|solo|tune|sing/i.test(name) ? 3 : 1;
  return notes.length * monophony * monophony * nameBonus;
}

export interface MelodyExtraction {
  /** One voice: at most one note sounding at any time. Unquantized. */
  sequence: NoteSequence;
  track: TrackInfo;
  /** Notes dropped because a higher note started at the same moment. */
  droppedNotes: number;
}

/**
 * The melody of a MIDI file as one voice: from track `trackIndex`, or automatically the most
 * melodic non-drum track. At shared onsets the highest note wins; a note still sounding when the
 * next one starts is cut there.
 */
export function extractMelody(file: MidiFile, trackIndex?: number): MelodyExtraction {
  const pitched = file.tracks.filter((t) => !t.isDrum && t.noteCount > 0);
  let track: TrackInfo | undefined;
  if (trackIndex !== undefined) {
    track = file.tracks[trackIndex];
    if (!track) throw new NoMusicError(`${file.name} has no track ${trackIndex + 1} (it has ${file.tracks.length}).`);
    if (track.isDrum) throw new NoMusicError(`Track ${trackIndex + 1} ("${track.name}") of ${file.name} is a drum track; choose a melodic track.`);
    if (track.noteCount === 0) throw new NoMusicError(`Track ${trackIndex + 1} ("${track.name}") of ${file.name} has no notes.`);
  } else {
    if (pitched.length === 0) {
      throw new NoMusicError(`${file.name} has only drums, no melody. Choose a file with a melodic track (or use the drum lab).`);
    }
    let best = -1;
    for (const t of pitched) {
      const score = melodyScore(
        file.sequence.notes.filter((n) => n.instrument === t.index),
        t.name,
      );
      if (score > best) {
        best = score;
        track = t;
      }
    }
  }
  if (!track) throw new NoMusicError(`${file.name} has no melodic track.`);
  const chosen = track;
  const source = file.sequence.notes
    .filter((n) => n.instrument === chosen.index)
    .slice()
    .sort((a, b) => a.startTime - b.startTime || b.pitch - a.pitch);
  const voice: Note[] = [];
  let dropped = 0;
  for (const n of source) {
    const last = voice[voice.length - 1];
    if (last && Math.abs(n.startTime - last.startTime) < 1e-6) {
      dropped++;
      continue;
    }
    if (last && last.endTime > n.startTime) voice[voice.length - 1] = { ...last, endTime: n.startTime };
    voice.push({ ...n, isDrum: false });
  }
  return {
    sequence: { ...file.sequence, notes: voice, totalTime: file.sequence.totalTime },
    track: chosen,
    droppedNotes: dropped,
  };
}

/**
 * Magenta's Groove MIDI Dataset mapping of the Roland TD-11 kit to the 9 drum classes
 * (magenta `drums_encoder_decoder.ROLAND_DRUM_PITCH_CLASSES`).
 */
export const ROLAND_TD11_PITCH_CLASSES: readonly (readonly number[])[] = [
  [36],
  [38, 37, 40],
  [42, 22, 44],
  [46, 26],
  [43, 58],
  [47, 45],
  [50, 48],
  [49, 52, 55, 57],
  [51, 53, 59],
];

/** Which drum kit map reads a file: General MIDI, the Roland TD-11 (Groove MIDI), or chosen from the file. */
export type DrumKit = 'gm' | 'roland-td11' | 'auto';

/**
 * Every pitch Magenta's drum classes know on a General MIDI kit: its default lists plus the Roland
 * TD-11's own hi-hat edge pitches (22 closed, 26 open), which no GM sound uses.
 */
export const GM_AND_ROLAND_PITCH_CLASSES: readonly (readonly number[])[] = DEFAULT_DRUM_PITCH_CLASSES.map((pitches, c) => [
  ...pitches,
  ...(ROLAND_TD11_PITCH_CLASSES[c] ?? []).filter((p) => !DEFAULT_DRUM_PITCH_CLASSES.some((list) => list.includes(p))),
]);

/** Pitches only a Roland TD-11 writes (hi-hat edges): a file with them is read with the TD-11 map. */
const ROLAND_ONLY_PITCHES = new Set([22, 26]);

export interface DrumExtraction {
  /** Drum notes, each moved to the first General MIDI pitch of its class. Unquantized. */
  sequence: NoteSequence;
  /** Drum notes whose pitch belongs to no class (dropped). */
  unmappedNotes: number;
  /** Their distinct pitches, ascending. */
  unmappedPitches: number[];
  /** The kit map used. */
  kit: 'gm' | 'roland-td11';
}

/**
 * The drums of a MIDI file (channel 10), mapped to Magenta's 9 classes and written with each
 * class's standard General MIDI pitch. `kit: 'roland-td11'` reads Groove MIDI Dataset files.
 */
export function extractDrums(file: MidiFile, kit: DrumKit = 'gm'): DrumExtraction {
  const drumNotes = file.sequence.notes.filter((n) => n.isDrum);
  if (drumNotes.length === 0) {
    throw new NoMusicError(`${file.name} has no drums (no notes on MIDI channel 10). Choose a drum MIDI file (or use the melody lab).`);
  }
  const used: 'gm' | 'roland-td11' = kit === 'auto' ? (drumNotes.some((n) => ROLAND_ONLY_PITCHES.has(n.pitch)) ? 'roland-td11' : 'gm') : kit;
  // 'auto' on a GM file still knows the TD-11's hi-hat edges; 'gm' is Magenta's own list alone.
  const classes = used === 'roland-td11' ? ROLAND_TD11_PITCH_CLASSES : kit === 'auto' ? GM_AND_ROLAND_PITCH_CLASSES : DEFAULT_DRUM_PITCH_CLASSES;
  const mapper = new DrumsConverter({ numSteps: 1, pitchClasses: classes });
  const notes: Note[] = [];
  const unmappedPitches = new Set<number>();
  let unmapped = 0;
  for (const n of drumNotes) {
    const c = mapper.classOf(n.pitch);
    const pitch = c === undefined ? undefined : DRUM_CLASS_PITCHES[c];
    if (pitch === undefined) {
      unmapped++;
      unmappedPitches.add(n.pitch);
      continue;
    }
    notes.push({ ...n, pitch, isDrum: true });
  }
  if (notes.length === 0)
    throw new NoMusicError(
      `None of the ${drumNotes.length} drum notes of ${file.name} is a known drum sound (pitches ${[...unmappedPitches].sort((a, b) => a - b).join(', ')}).`,
    );
  return { sequence: { ...file.sequence, notes }, unmappedNotes: unmapped, unmappedPitches: [...unmappedPitches].sort((a, b) => a - b), kit: used };
}

export interface MidiExportOptions {
  /** Track name written to the file. */
  name?: string;
  /** General MIDI program for pitched notes (0 = acoustic grand piano). */
  program?: number;
}

/**
 * Writes a NoteSequence as a Standard MIDI File (format 1, 480 ticks per quarter, the sequence's
 * first tempo, 4/4): pitched notes on one piano track, drums on channel 10 with their GM pitches.
 * Velocities 1–127 round-trip exactly; 0 (which MIDI reads as "note off") is written as 1.
 */
export function sequenceToMidi(seq: NoteSequence, options: MidiExportOptions = {}): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(seq.tempos[0]?.qpm ?? DEFAULT_QPM);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [4, 4], measures: 0 });
  midi.header.name = options.name ?? 'Latent Lab';
  midi.header.update();
  const pitched = seq.notes.filter((n) => !n.isDrum);
  const drums = seq.notes.filter((n) => n.isDrum);
  const write = (notes: readonly Note[], drum: boolean): void => {
    if (notes.length === 0) return;
    const track = midi.addTrack();
    track.name = drum ? 'Drums' : (options.name ?? 'Melody');
    track.channel = drum ? DRUM_CHANNEL : 0;
    track.instrument.number = drum ? 0 : (options.program ?? 0);
    for (const n of notes) {
      const velocity = Math.max(1, Math.min(127, Math.round(n.velocity)));
      track.addNote({
        midi: Math.max(0, Math.min(127, Math.round(n.pitch))),
        time: n.startTime,
        duration: Math.max(1e-3, n.endTime - n.startTime),
        // @tonejs/midi writes floor(velocity × 127): aim at the middle of the step.
        velocity: Math.min(1, (velocity + 0.5) / 127),
      });
    }
  };
  write(pitched, false);
  write(drums, true);
  return midi.toArray();
}

/**
 * Tests of MIDI in and out (lib/music/midi.ts). Fixtures are built here with @tonejs/midi (or, for
 * a true format-0 file and broken headers, byte by byte), so no data files are needed.
 */
import { Midi } from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { LatentLabError } from '../core/errors';
import { MeterError, MidiParseError, NoMusicError } from './errors';
import {
  assertFourFour,
  DRUM_CHANNEL,
  extractDrums,
  extractMelody,
  MAX_MIDI_BYTES,
  parseMidi,
  sequenceToMidi,
  type MidiFile,
  type TrackInfo,
  MAX_MIDI_NOTES,
} from './midi';
import type { Note, NoteSequence } from './note-sequence';

// ---------------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------------

/** 480 ticks per quarter at 120 qpm: one tick is 1/960 s, so times come back within half a tick. */
const TIME_TOLERANCE = 1e-3;

interface NoteSpec {
  midi: number;
  time: number;
  duration: number;
  /** MIDI velocity 1–127. */
  velocity?: number;
}

interface TrackSpec {
  name: string;
  channel: number;
  program?: number;
  notes: NoteSpec[];
}

interface FileSpec {
  bpm?: number;
  /** Omitted: the file has no time-signature event at all. */
  timeSignature?: [number, number];
  tracks: TrackSpec[];
}

/** A format-1 Standard MIDI File written by @tonejs/midi (a tempo track plus one per spec). */
function buildMidi(spec: FileSpec): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(spec.bpm ?? 120);
  if (spec.timeSignature) midi.header.timeSignatures.push({ ticks: 0, timeSignature: spec.timeSignature });
  midi.header.update();
  for (const t of spec.tracks) {
    const track = midi.addTrack();
    track.name = t.name;
    track.channel = t.channel;
    track.instrument.number = t.program ?? 0;
    for (const n of t.notes) {
      // `time` before `duration`: @tonejs/midi computes the end tick from the start.
      track.addNote({ midi: n.midi, time: n.time, duration: n.duration, velocity: ((n.velocity ?? 100) + 0.5) / 127 });
    }
  }
  return midi.toArray();
}

/** Notes of one pitch list, one every `step` seconds. */
function line(pitches: readonly number[], step = 0.5, duration = 0.4): NoteSpec[] {
  return pitches.map((midi, i) => ({ midi, time: i * step, duration }));
}

/** Block chords (root position triads), one every `step` seconds. */
function chords(roots: readonly number[], step = 0.5, duration = 0.45): NoteSpec[] {
  return roots.flatMap((root, i) => [0, 4, 7].map((interval) => ({ midi: root + interval, time: i * step, duration })));
}

function drumNotes(pitches: readonly number[], step = 0.25): NoteSpec[] {
  return pitches.map((midi, i) => ({ midi, time: i * step, duration: 0.1, velocity: 100 }));
}

function note(pitch: number, startTime: number, endTime: number, velocity: number, isDrum = false): Note {
  return { pitch, velocity, startTime, endTime, isDrum, program: 0, instrument: 0 };
}

function sequence(notes: Note[], qpm = 120): NoteSequence {
  return {
    notes,
    totalTime: notes.reduce((m, n) => Math.max(m, n.endTime), 0),
    tempos: [{ time: 0, qpm }],
    timeSignatures: [{ time: 0, numerator: 4, denominator: 4 }],
  };
}

/** Sorted the way parseMidi sorts: by start, higher pitch first. */
function sorted(notes: readonly Note[]): Note[] {
  return notes.slice().sort((a, b) => a.startTime - b.startTime || b.pitch - a.pitch);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function chunk(id: string, body: readonly number[]): number[] {
  const n = body.length;
  return [...ascii(id), (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, ...body];
}

/** A Standard MIDI File from raw track bodies (format, ticks per quarter as the 2 header bytes). */
function rawSmf(format: number, division: readonly [number, number], tracks: readonly number[][]): Uint8Array {
  return new Uint8Array([...chunk('MThd', [0, format, 0, tracks.length, ...division]), ...tracks.flatMap((t) => chunk('MTrk', t))]);
}

/** What a call throws (fails the test if it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Piano chords, a bass line, drums on channel 10: the usual format-1 band file. */
const BAND: FileSpec = {
  bpm: 120,
  timeSignature: [4, 4],
  tracks: [
    { name: 'Piano', channel: 0, program: 0, notes: chords([60, 65, 67, 60]) },
    { name: 'Bass', channel: 1, program: 33, notes: line([36, 41, 43, 36]) },
    { name: 'Drums', channel: DRUM_CHANNEL, program: 0, notes: drumNotes([36, 42, 38, 42, 36, 42, 38, 42]) },
  ],
};

// ---------------------------------------------------------------------------------------------
// Writing and reading back.
// ---------------------------------------------------------------------------------------------

describe('sequenceToMidi → parseMidi round trip', () => {
  it('gives back pitches, times (to 1 ms) and exact velocities of a melody at 120 qpm', () => {
    const melody = [
      note(60, 0.1, 0.37, 1),
      note(62, 0.37, 0.8125, 64),
      note(64, 0.8125, 1.23, 100),
      note(65, 1.3, 1.4567, 127),
      note(67, 1.5, 2.0, 2),
      note(69, 2.0, 2.2, 126),
      note(72, 2.25, 3.01, 33),
      note(71, 3.1, 3.333, 99),
      note(48, 3.4, 4.0, 80),
    ];
    const file = parseMidi(sequenceToMidi(sequence(melody), { name: 'Round trip' }), 'roundtrip.mid');
    const back = file.sequence.notes;
    const expected = sorted(melody);
    expect(back).toHaveLength(expected.length);
    expected.forEach((want, i) => {
      const got = back[i];
      expect(got, `note ${i}`).toBeDefined();
      if (!got) return;
      expect(got.pitch, `pitch of note ${i}`).toBe(want.pitch);
      expect(got.velocity, `velocity of note ${i}`).toBe(want.velocity);
      expect(Math.abs(got.startTime - want.startTime), `start of note ${i}`).toBeLessThanOrEqual(TIME_TOLERANCE);
      expect(Math.abs(got.endTime - want.endTime), `end of note ${i}`).toBeLessThanOrEqual(TIME_TOLERANCE);
      expect(got.isDrum).toBe(false);
    });
    expect(file.tracks).toHaveLength(1);
    expect(file.tracks[0]).toMatchObject({ name: 'Round trip', channel: 0, program: 0, noteCount: melody.length, isDrum: false });
    expect(file.sequence.tempos[0]?.qpm).toBeCloseTo(120, 6);
    expect(file.sequence.timeSignatures).toEqual([{ time: 0, numerator: 4, denominator: 4 }]);
    expect(file.durationSeconds).toBeCloseTo(4.0, 3);
  });

  it('keeps every velocity from 1 to 127 exactly', () => {
    const notes = Array.from({ length: 127 }, (_, i) => note(60 + (i % 12), i * 0.125, i * 0.125 + 0.1, i + 1));
    const back = parseMidi(sequenceToMidi(sequence(notes))).sequence.notes;
    expect(back.map((n) => n.velocity)).toEqual(notes.map((n) => n.velocity));
  });

  it('writes drums on channel 10 with their General MIDI pitches', () => {
    const drums = [
      note(36, 0, 0.1, 120, true),
      note(42, 0, 0.05, 70, true),
      note(38, 0.5, 0.6, 100, true),
      note(46, 0.75, 0.9, 90, true),
      note(49, 1.0, 1.5, 127, true),
    ];
    const file = parseMidi(sequenceToMidi(sequence(drums)));
    expect(file.tracks).toEqual<TrackInfo[]>([{ index: 0, name: 'Drums', instrument: 'drums', program: 0, channel: DRUM_CHANNEL, noteCount: 5, isDrum: true }]);
    const back = file.sequence.notes;
    const expected = sorted(drums);
    expect(back.map((n) => n.pitch)).toEqual(expected.map((n) => n.pitch));
    expect(back.map((n) => n.velocity)).toEqual(expected.map((n) => n.velocity));
    expect(back.every((n) => n.isDrum)).toBe(true);
    back.forEach((n, i) => expect(Math.abs(n.startTime - (expected[i]?.startTime ?? NaN))).toBeLessThanOrEqual(TIME_TOLERANCE));
  });

  it('puts pitched notes and drums on separate tracks of one file', () => {
    const file = parseMidi(sequenceToMidi(sequence([note(60, 0, 0.5, 90), note(36, 0, 0.1, 110, true)]), { name: 'Both', program: 73 }));
    expect(file.tracks.map((t) => [t.name, t.channel, t.program, t.isDrum])).toEqual([
      ['Both', 0, 73, false],
      ['Drums', DRUM_CHANNEL, 0, true],
    ]);
    expect(file.tracks[0]?.instrument).toBe('flute');
  });

  it('writes velocity 0 (a note-off in MIDI) as 1, so the note survives', () => {
    const back = parseMidi(sequenceToMidi(sequence([note(60, 0, 0.5, 0), note(64, 0.5, 1, 0, true)]))).sequence.notes;
    expect(back.map((n) => [n.pitch, n.velocity])).toEqual([
      [60, 1],
      [64, 1],
    ]);
  });

  it('writes the first tempo of the sequence', () => {
    const file = parseMidi(sequenceToMidi(sequence([note(60, 0, 1, 80)], 90)));
    expect(file.sequence.tempos[0]?.qpm).toBeCloseTo(90, 3);
    expect(file.sequence.notes[0]?.endTime).toBeCloseTo(1, 3);
  });
});

// ---------------------------------------------------------------------------------------------
// parseMidi: tracks, formats, tempo.
// ---------------------------------------------------------------------------------------------

describe('parseMidi', () => {
  it('lists the tracks of a format-1 file with piano, bass and drums', () => {
    const file = parseMidi(buildMidi(BAND), 'band.mid');
    expect(file.tracks).toEqual<TrackInfo[]>([
      { index: 0, name: 'Piano', instrument: 'acoustic grand piano', program: 0, channel: 0, noteCount: 12, isDrum: false },
      { index: 1, name: 'Bass', instrument: 'electric bass (finger)', program: 33, channel: 1, noteCount: 4, isDrum: false },
      { index: 2, name: 'Drums', instrument: 'drums', program: 0, channel: DRUM_CHANNEL, noteCount: 8, isDrum: true },
    ]);
    expect(file.ppq).toBe(480);
    expect(file.sequence.notes).toHaveLength(24);
    // Each note knows its track; only the drum track's notes are drums.
    for (const n of file.sequence.notes) expect(n.isDrum).toBe(n.instrument === 2);
    expect(file.sequence.notes.filter((n) => n.instrument === 1).map((n) => n.program)).toEqual([33, 33, 33, 33]);
    // Sorted by start time, higher pitch first at equal starts.
    const starts = file.sequence.notes.map((n) => n.startTime);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(file.sequence.notes.slice(0, 5).map((n) => n.pitch)).toEqual([67, 64, 60, 36, 36]);
    expect(file.durationSeconds).toBeCloseTo(1.95, 3);
    expect(file.sequence.totalTime).toBe(file.durationSeconds);
  });

  it('names unnamed tracks "Track n"', () => {
    const file = parseMidi(buildMidi({ tracks: [{ name: '  ', channel: 0, notes: line([60, 62]) }] }));
    expect(file.tracks[0]?.name).toBe('Track 1');
  });

  it('reads a single-track file', () => {
    const file = parseMidi(buildMidi({ bpm: 120, tracks: [{ name: 'Solo', channel: 0, program: 73, notes: line([72, 74, 76]) }] }));
    expect(file.tracks).toEqual<TrackInfo[]>([{ index: 0, name: 'Solo', instrument: 'flute', program: 73, channel: 0, noteCount: 3, isDrum: false }]);
    expect(file.sequence.notes.map((n) => n.startTime)).toEqual([0, 0.5, 1]);
  });

  it('reads a true format-0 file (running status, note-off as velocity 0) and splits its channels into tracks', () => {
    const track = [
      ...[0x00, 0xff, 0x03, 4, ...ascii('Solo')],
      ...[0x00, 0xff, 0x51, 0x03, 0x0b, 0x71, 0xb0], // 750000 µs per quarter = 80 bpm
      ...[0x00, 0xff, 0x58, 0x04, 0x04, 0x02, 0x18, 0x08], // 4/4
      ...[0x00, 0xc0, 73], // flute on channel 0 (MIDI channel 1)
      ...[0x00, 0x90, 60, 100],
      ...[0x00, 0x99, 36, 110], // kick on channel 10
      ...[0x78, 0x89, 36, 0], // 120 ticks later
      ...[0x82, 0x68, 0x90, 60, 0], // 360 ticks later: one quarter note in all
      ...[0x00, 62, 80], // running status
      ...[0x83, 0x60, 62, 0], // 480 ticks
      ...[0x00, 0x99, 38, 90],
      ...[0x00, 0x90, 64, 127],
      ...[0x83, 0x60, 0x80, 64, 64],
      ...[0x00, 0x89, 38, 0],
      ...[0x00, 0xff, 0x2f, 0x00],
    ];
    const file = parseMidi(rawSmf(0, [0x01, 0xe0], [track]), 'format0.mid');
    expect(file.tracks).toEqual<TrackInfo[]>([
      { index: 0, name: 'Solo', instrument: 'flute', program: 73, channel: 0, noteCount: 3, isDrum: false },
      { index: 1, name: 'Track 2', instrument: 'drums', program: 0, channel: DRUM_CHANNEL, noteCount: 2, isDrum: true },
    ]);
    expect(file.name).toBe('Solo');
    expect(file.sequence.tempos[0]?.qpm).toBeCloseTo(80, 6);
    const melody = file.sequence.notes.filter((n) => !n.isDrum);
    expect(melody.map((n) => [n.pitch, n.velocity, n.startTime, n.endTime])).toEqual([
      [60, 100, 0, 0.75],
      [62, 80, 0.75, 1.5],
      [64, 127, 1.5, 2.25],
    ]);
    expect(file.sequence.notes.filter((n) => n.isDrum).map((n) => n.pitch)).toEqual([36, 38]);
  });

  it('reads the tempo (90 bpm) and places notes by it', () => {
    const file = parseMidi(buildMidi({ bpm: 90, tracks: [{ name: 'Lead', channel: 0, notes: line([60, 62], 2 / 3, 2 / 3) }] }));
    expect(file.sequence.tempos).toHaveLength(1);
    expect(file.sequence.tempos[0]?.qpm).toBeCloseTo(90, 3);
    expect(file.sequence.notes[1]?.startTime).toBeCloseTo(2 / 3, 3);
  });

  it('reads the time signature (and assumes 4/4 when there is none)', () => {
    expect(parseMidi(buildMidi({ ...BAND, timeSignature: [3, 4] })).sequence.timeSignatures).toEqual([{ time: 0, numerator: 3, denominator: 4 }]);
    expect(parseMidi(buildMidi({ tracks: BAND.tracks })).sequence.timeSignatures).toEqual([{ time: 0, numerator: 4, denominator: 4 }]);
  });

  it('accepts an ArrayBuffer and uses the file name in messages', () => {
    const bytes = buildMidi(BAND);
    const copy = bytes.slice().buffer;
    expect(parseMidi(copy).tracks).toHaveLength(3);
    const error = thrown(() => parseMidi(new Uint8Array(0), 'song.mid'));
    expect(error).toBeInstanceOf(MidiParseError);
    expect((error as Error).message).toContain('song.mid');
  });
});

// ---------------------------------------------------------------------------------------------
// Melody extraction.
// ---------------------------------------------------------------------------------------------

/** A voice is monophonic: each note ends before (or when) the next starts. */
function expectMonophonic(notes: readonly Note[]): void {
  for (let i = 1; i < notes.length; i++) {
    const prev = notes[i - 1];
    const cur = notes[i];
    if (!prev || !cur) continue;
    expect(cur.startTime, `note ${i} starts after note ${i - 1}`).toBeGreaterThan(prev.startTime);
    expect(prev.endTime, `note ${i - 1} ends by the start of note ${i}`).toBeLessThanOrEqual(cur.startTime);
  }
}

describe('extractMelody', () => {
  const leadPitches = [72, 74, 76, 77, 79, 77, 76, 74];
  const withLead: FileSpec = {
    tracks: [
      { name: 'Piano', channel: 0, notes: chords([60, 65, 67, 60, 60, 65, 67, 60]) },
      {
        name: 'Drums',
        channel: DRUM_CHANNEL,
        notes: drumNotes(
          Array.from({ length: 40 }, () => 42),
          0.1,
        ),
      },
      { name: 'Lead', channel: 1, program: 80, notes: line(leadPitches) },
    ],
  };

  it('picks the monophonic "Lead" track over a chordal piano with more notes (and never the drums)', () => {
    const result = extractMelody(parseMidi(buildMidi(withLead)));
    expect(result.track.name).toBe('Lead');
    expect(result.track.index).toBe(2);
    expect(result.droppedNotes).toBe(0);
    expect(result.sequence.notes.map((n) => n.pitch)).toEqual(leadPitches);
    expect(result.sequence.notes.every((n) => !n.isDrum && n.instrument === 2)).toBe(true);
    expectMonophonic(result.sequence.notes);
  });

  it('prefers a monophonic line to chords even without a telling name', () => {
    const spec: FileSpec = {
      tracks: [
        { name: 'Keys', channel: 0, notes: chords([60, 65, 67, 60, 62, 64]) },
        { name: 'Strings', channel: 1, notes: line([72, 71, 69, 67, 65, 64]) },
      ],
    };
    expect(extractMelody(parseMidi(buildMidi(spec))).track.name).toBe('Strings');
  });

  it('takes a chosen track; at shared onsets the highest note wins and the others are counted', () => {
    const file = parseMidi(buildMidi(withLead));
    const result = extractMelody(file, 0);
    expect(result.track.name).toBe('Piano');
    expect(result.sequence.notes.map((n) => n.pitch)).toEqual([67, 72, 74, 67, 67, 72, 74, 67]);
    expect(result.droppedNotes).toBe(16);
    expectMonophonic(result.sequence.notes);
    // Tempo, meter and length of the file are kept.
    expect(result.sequence.tempos).toEqual(file.sequence.tempos);
    expect(result.sequence.totalTime).toBe(file.sequence.totalTime);
  });

  it('cuts a note still sounding when the next one starts', () => {
    const spec: FileSpec = {
      tracks: [
        {
          name: 'Legato',
          channel: 0,
          notes: [
            { midi: 60, time: 0, duration: 1 },
            { midi: 62, time: 0.5, duration: 1 },
            { midi: 64, time: 1.25, duration: 0.25 },
            { midi: 65, time: 2, duration: 0.5 },
          ],
        },
      ],
    };
    const result = extractMelody(parseMidi(buildMidi(spec)), 0);
    expect(result.sequence.notes.map((n) => [n.pitch, n.startTime, n.endTime])).toEqual([
      [60, 0, 0.5],
      [62, 0.5, 1.25],
      [64, 1.25, 1.5],
      [65, 2, 2.5],
    ]);
    expect(result.droppedNotes).toBe(0);
  });

  it('does not change the parsed file', () => {
    const file = parseMidi(buildMidi(withLead));
    const before = structuredClone(file);
    extractMelody(file, 0);
    extractMelody(file);
    expect(file).toEqual(before);
  });

  it('refuses a file with only drums, naming drums in the message', () => {
    const file = parseMidi(buildMidi({ tracks: [{ name: 'Beat', channel: DRUM_CHANNEL, notes: drumNotes([36, 38, 42, 46]) }] }), 'beat.mid');
    const error = thrown(() => extractMelody(file));
    expect(error).toBeInstanceOf(NoMusicError);
    expect((error as Error).message).toMatch(/drums/);
    expect((error as Error).message).toContain('beat.mid');
  });

  it('refuses a track index the file does not have', () => {
    const file = parseMidi(buildMidi(withLead));
    for (const index of [3, 99, -1]) {
      const error = thrown(() => extractMelody(file, index));
      expect(error, `track ${index}`).toBeInstanceOf(NoMusicError);
      expect((error as Error).message).toMatch(/has no track .*it has 3/);
    }
  });

  it('refuses a chosen drum track', () => {
    const error = thrown(() => extractMelody(parseMidi(buildMidi(withLead)), 1));
    expect(error).toBeInstanceOf(NoMusicError);
    expect((error as Error).message).toMatch(/Track 2 \("Drums"\).*drum track/);
  });
});

// ---------------------------------------------------------------------------------------------
// Drum extraction.
// ---------------------------------------------------------------------------------------------

describe('extractDrums', () => {
  it('maps General MIDI drums to the first pitch of their class and counts unknown sounds', () => {
    const pitches = [35, 36, 40, 38, 44, 42, 20, 81, 41, 52];
    const file = parseMidi(
      buildMidi({
        tracks: [
          { name: 'Piano', channel: 0, notes: line([60, 62]) },
          { name: 'Drums', channel: DRUM_CHANNEL, notes: drumNotes(pitches) },
        ],
      }),
    );
    const result = extractDrums(file);
    expect(result.unmappedNotes).toBe(1);
    // 35→36 kick, 40→38 snare, 44→42 closed hat, 81→46 open hat, 41→45 low tom, 52→51 ride; 20 dropped.
    expect(result.sequence.notes.map((n) => n.pitch)).toEqual([36, 36, 38, 38, 42, 42, 46, 45, 51]);
    expect(result.sequence.notes.every((n) => n.isDrum)).toBe(true);
    // Times and velocities stay; the melody track is left out.
    expect(result.sequence.notes[2]?.startTime).toBeCloseTo(0.5, 3);
    expect(result.sequence.notes.every((n) => n.velocity === 100)).toBe(true);
  });

  it("reads the Roland TD-11 kit of the Groove MIDI Dataset with kit 'roland-td11'", () => {
    const file = parseMidi(buildMidi({ tracks: [{ name: 'TD-11', channel: DRUM_CHANNEL, notes: drumNotes([22, 26, 58, 36, 40, 55, 59, 44]) }] }));
    const td11 = extractDrums(file, 'roland-td11');
    // 22 closed hat → 42, 26 open hat → 46, 58 low tom → 45, 40 snare rim → 38, 55 crash → 49, 59 ride → 51, 44 pedal hat → 42.
    expect(td11.sequence.notes.map((n) => n.pitch)).toEqual([42, 46, 45, 36, 38, 49, 51, 42]);
    expect(td11.unmappedNotes).toBe(0);
    // The General MIDI kit reads the same file differently: 22 and 26 are no GM drums, 58 is a crash.
    const gm = extractDrums(file, 'gm');
    expect(gm.unmappedNotes).toBe(2);
    expect(gm.sequence.notes.map((n) => n.pitch)).toEqual([49, 36, 38, 49, 51, 42]);
  });

  it('refuses a file without drums', () => {
    const error = thrown(() => extractDrums(parseMidi(buildMidi({ tracks: [{ name: 'Piano', channel: 0, notes: line([60, 64, 67]) }] }), 'piano.mid')));
    expect(error).toBeInstanceOf(NoMusicError);
    expect((error as Error).message).toMatch(/no drums.*channel 10/);
  });

  it('refuses drums of which no note is a known drum sound', () => {
    const error = thrown(() => extractDrums(parseMidi(buildMidi({ tracks: [{ name: 'FX', channel: DRUM_CHANNEL, notes: drumNotes([20, 21, 90]) }] }))));
    expect(error).toBeInstanceOf(NoMusicError);
    expect((error as Error).message).toMatch(/None of the 3 drum notes/);
  });
});

// ---------------------------------------------------------------------------------------------
// Meter.
// ---------------------------------------------------------------------------------------------

describe('assertFourFour', () => {
  it('refuses 3/4 with a message naming both meters', () => {
    const file = parseMidi(buildMidi({ ...BAND, timeSignature: [3, 4] }));
    const error = thrown(() => assertFourFour(file.sequence, 'Waltz.mid'));
    expect(error).toBeInstanceOf(MeterError);
    expect((error as Error).message).toContain('3/4');
    expect((error as Error).message).toContain('4/4');
    expect((error as Error).message).toContain('Waltz.mid');
  });

  it('names where a later change of meter happens', () => {
    const midi = new Midi();
    midi.header.setTempo(120);
    midi.header.timeSignatures.push({ ticks: 0, timeSignature: [4, 4] }, { ticks: 2 * 4 * 480, timeSignature: [6, 8] });
    midi.header.update();
    midi.addTrack().addNote({ midi: 60, time: 0, duration: 0.5, velocity: 0.8 });
    const file = parseMidi(midi.toArray());
    expect(() => assertFourFour(file.sequence)).toThrow(/6\/8 from 4\.0 s/);
  });

  it('accepts 4/4 and files without a time signature', () => {
    expect(() => assertFourFour(parseMidi(buildMidi(BAND)).sequence)).not.toThrow();
    expect(() => assertFourFour(parseMidi(buildMidi({ tracks: BAND.tracks })).sequence)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input: every problem is one of our named errors with a useful message.
// ---------------------------------------------------------------------------------------------

describe('parseMidi on bad input', () => {
  it('refuses an empty file', () => {
    const error = thrown(() => parseMidi(new Uint8Array(0)));
    expect(error).toBeInstanceOf(MidiParseError);
    expect((error as Error).message).toMatch(/empty/);
  });

  it('refuses bytes that are not MIDI, saying it expected "MThd"', () => {
    const error = thrown(() => parseMidi(new TextEncoder().encode('This is a text file, not a song.\n'), 'notes.txt'));
    expect(error).toBeInstanceOf(MidiParseError);
    expect((error as Error).message).toContain('MThd');
    expect((error as Error).message).toContain('notes.txt');
  });

  it('recognises a WAV file', () => {
    expect(() => parseMidi(new Uint8Array([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')]))).toThrow(/WAV/);
  });

  it('gives a named error, or only whole notes, for a file cut in half', () => {
    const bytes = buildMidi(BAND);
    const whole = parseMidi(bytes);
    let half: MidiFile | undefined;
    try {
      half = parseMidi(bytes.slice(0, Math.floor(bytes.length / 2)));
    } catch (error) {
      expect(error).toBeInstanceOf(LatentLabError);
      expect([MidiParseError, NoMusicError].some((kind) => error instanceof kind)).toBe(true);
    }
    // @tonejs/midi reads a cut-off track up to the cut (see the report on truncation): then what
    // comes back must be a subset of the real notes, each complete.
    if (half) {
      expect(half.sequence.notes.length).toBeLessThan(whole.sequence.notes.length);
      for (const n of half.sequence.notes) {
        expect(whole.sequence.notes).toContainEqual(n);
      }
    }
  });

  it('gives named errors for a file cut at every possible length', () => {
    const bytes = buildMidi(BAND);
    for (let cut = 1; cut < bytes.length; cut++) {
      try {
        parseMidi(bytes.slice(0, cut));
      } catch (error) {
        if (!(error instanceof LatentLabError)) throw new Error(`cut at ${cut} bytes threw ${String(error)}`);
      }
    }
  });

  it('refuses a file over the size limit before reading it, in MB', () => {
    const big = new Uint8Array(MAX_MIDI_BYTES + 1);
    big.set(ascii('MThd'));
    const error = thrown(() => parseMidi(big));
    expect(error).toBeInstanceOf(MidiParseError);
    expect((error as Error).message).toMatch(/MB/);
  });

  it('refuses a file without notes', () => {
    const error = thrown(() => parseMidi(buildMidi({ tracks: [{ name: 'Empty', channel: 0, notes: [] }] }), 'silence.mid'));
    expect(error).toBeInstanceOf(NoMusicError);
    expect((error as Error).message).toMatch(/silence\.mid contains no notes/);
  });

  it('refuses a header with no tracks', () => {
    expect(thrown(() => parseMidi(rawSmf(1, [0x01, 0xe0], [])))).toBeInstanceOf(LatentLabError);
  });

  it('refuses SMPTE or zero time division instead of returning a file without notes', () => {
    const track = [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0, 0x00, 0xff, 0x2f, 0x00];
    const smpte = thrown(() => parseMidi(rawSmf(0, [0xe2, 0x50], [track])));
    expect(smpte).toBeInstanceOf(MidiParseError);
    expect((smpte as Error).message).toMatch(/SMPTE/);
    const zero = thrown(() => parseMidi(rawSmf(0, [0x00, 0x00], [track])));
    expect(zero).toBeInstanceOf(MidiParseError);
    expect((zero as Error).message).toMatch(/time division of 0 ticks per quarter note/);
  });

  it('drops notes whose pitch byte is over 127 or whose velocity was cut off', () => {
    const track = [
      ...[0x00, 0x90, 200, 100, 0x60, 0x80, 200, 0], // pitch 200: a data byte with the status bit set
      ...[0x00, 0x90, 62, 90, 0x60, 0x80, 62, 0],
      ...[0x00, 0x80, 64, 0, 0x00, 0x90, 64], // note-on of 64 cut off before its velocity
    ];
    const file = parseMidi(rawSmf(0, [0x01, 0xe0], [track]));
    expect(file.sequence.notes.map((n) => [n.pitch, n.velocity])).toEqual([[62, 90]]);
    expect(file.tracks[0]?.noteCount).toBe(1);
    const onlyBroken = thrown(() => parseMidi(rawSmf(0, [0x01, 0xe0], [[0x00, 0x90, 200, 100, 0x60, 0x80, 200, 0]])));
    expect(onlyBroken).toBeInstanceOf(NoMusicError);
    expect((onlyBroken as Error).message).toMatch(/no playable notes/);
  });

  it('refuses a length field that wraps negative instead of reading backwards forever', () => {
    // A text event whose 5-byte length reads as −8 in midi-file's 32-bit arithmetic: the reader
    // would jump back to the event's start and read it again and again until memory runs out.
    const track = [0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0, 0x00, 0xff, 0x01, 0x8f, 0xff, 0xff, 0xff, 0x78, 0x00, 0xff, 0x2f, 0x00];
    const started = performance.now();
    const error = thrown(() => parseMidi(rawSmf(0, [0x01, 0xe0], [track])));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(MidiParseError);
    expect((error as Error).message).toMatch(/damaged.*length of -8 bytes/);
  });
});

describe('absurd sizes are refused quickly, with the limit named', () => {
  it('refuses more than MAX_MIDI_NOTES note-ons before the slow note pairing', () => {
    const midi = new Midi();
    const track = midi.addTrack();
    for (let i = 0; i <= MAX_MIDI_NOTES; i++) track.addNote({ midi: 60 + (i % 12), time: i * 0.01, duration: 0.01, velocity: 0.5 });
    const bytes = midi.toArray();
    const t0 = performance.now();
    expect(() => parseMidi(bytes, 'huge.mid')).toThrow(/huge\.mid has 30,001 notes; Latent Lab reads up to 30,000/);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('refuses a piece that claims to last for days (damaged timing)', () => {
    const midi = new Midi();
    midi.header.setTempo(120);
    midi.addTrack().addNote({ midi: 60, ticks: 480 * 2 * 60 * 60 * 5, durationTicks: 480, velocity: 0.5 });
    expect(() => parseMidi(midi.toArray(), 'long.mid')).toThrow(/long\.mid claims to last 5\.0 hours/);
  });
});

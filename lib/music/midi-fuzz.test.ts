/**
 * Fuzz test of the MIDI reader: hundreds of damaged variants of valid files (bit flips, byte
 * overwrites, truncations, corrupted chunk lengths and header fields, duplicated or removed byte
 * ranges, event lengths that wrap negative, garbage appended) go through parseMidi → extractMelody / extractDrums → quantize.
 * Every call must either succeed or throw one of our named errors (LatentLabError), never a
 * TypeError/RangeError or a thrown string, and must finish quickly. Whatever parses must hold
 * valid notes. The RNG is seeded, so a failure names a mutation that can be replayed.
 */
import { Midi } from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { LatentLabError } from '../core/errors';
import { createRng, type Rng } from '../core/random';
import { extractDrums, extractMelody, parseMidi, sequenceToMidi, type MidiFile } from './midi';
import type { Note, NoteSequence } from './note-sequence';
import { quantize } from './sequences';

/** Fixed so runs are reproducible; set MIDI_FUZZ_SEED / MIDI_FUZZ_MUTANTS to explore further. */
const FUZZ_SEED = Number(process.env.MIDI_FUZZ_SEED ?? 20240611);
const MUTANTS = Number(process.env.MIDI_FUZZ_MUTANTS ?? 480);
const MAX_MS_PER_FILE = 2000;

// ---------------------------------------------------------------------------------------------
// Valid seed files.
// ---------------------------------------------------------------------------------------------

interface NoteSpec {
  midi: number;
  time: number;
  duration: number;
  velocity: number;
}

interface TrackSpec {
  name: string;
  channel: number;
  program: number;
  notes: NoteSpec[];
}

/** A format-1 file written by @tonejs/midi. Velocities are MIDI 1–127. */
function buildMidi(tracks: readonly TrackSpec[], bpm: number, timeSignature: [number, number] = [4, 4]): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(bpm);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature });
  midi.header.update();
  for (const spec of tracks) {
    const track = midi.addTrack();
    track.name = spec.name;
    track.channel = spec.channel;
    track.instrument.number = spec.program;
    // `time` before `duration`: @tonejs/midi computes the end from the start.
    for (const n of spec.notes) track.addNote({ midi: n.midi, time: n.time, duration: n.duration, velocity: (n.velocity + 0.5) / 127 });
  }
  return midi.toArray();
}

/** A band: chordal piano, monophonic bass, drums on channel 10, at 100 bpm. */
function bandFile(): Uint8Array {
  const beat = 0.6;
  const piano: NoteSpec[] = [];
  const bass: NoteSpec[] = [];
  const drums: NoteSpec[] = [];
  for (let bar = 0; bar < 2; bar++) {
    for (let b = 0; b < 4; b++) {
      const t = (bar * 4 + b) * beat;
      const root = [60, 65, 67, 60][b] ?? 60;
      for (const interval of [0, 4, 7]) piano.push({ midi: root + interval, time: t, duration: beat * 0.9, velocity: 70 + b });
      bass.push({ midi: root - 24, time: t, duration: beat * 0.5, velocity: 90 });
      drums.push({ midi: b % 2 === 0 ? 36 : 38, time: t, duration: 0.1, velocity: 110 });
      drums.push({ midi: 42, time: t + beat / 2, duration: 0.05, velocity: 60 });
    }
  }
  return buildMidi(
    [
      { name: 'Piano', channel: 0, program: 0, notes: piano },
      { name: 'Bass', channel: 1, program: 33, notes: bass },
      { name: 'Drums', channel: 9, program: 0, notes: drums },
    ],
    100,
  );
}

/** A Groove-MIDI-style drum-only file with Roland TD-11 pitches and an unmapped pitch. */
function grooveFile(): Uint8Array {
  const pitches = [36, 22, 38, 26, 36, 58, 40, 44, 20, 51, 49, 45];
  const notes: NoteSpec[] = [];
  for (let i = 0; i < 32; i++) {
    notes.push({ midi: pitches[i % pitches.length] ?? 36, time: i * 0.125 + (i % 3) * 0.004, duration: 0.06, velocity: 1 + ((i * 37) % 127) });
  }
  return buildMidi([{ name: 'Groove', channel: 9, program: 0, notes }], 120);
}

/** What Latent Lab itself writes: sequenceToMidi of a melody plus drums at 90 qpm. */
function exportedFile(): Uint8Array {
  const note = (pitch: number, startTime: number, endTime: number, velocity: number, isDrum: boolean): Note => ({
    pitch,
    velocity,
    startTime,
    endTime,
    isDrum,
    program: 0,
    instrument: 0,
  });
  const notes: Note[] = [];
  const step = 60 / 90 / 4;
  for (let i = 0; i < 16; i++) {
    notes.push(note(60 + ((i * 5) % 13), i * step, (i + 1) * step, 40 + i * 5, false));
    if (i % 4 === 0) notes.push(note(36, i * step, i * step + 0.05, 100, true));
    if (i % 4 === 2) notes.push(note(38, i * step, i * step + 0.05, 90, true));
  }
  const seq: NoteSequence = { notes, totalTime: 16 * step, tempos: [{ time: 0, qpm: 90 }], timeSignatures: [{ time: 0, numerator: 4, denominator: 4 }] };
  return sequenceToMidi(seq, { name: 'Export' });
}

function varint(value: number): number[] {
  let n = value >>> 0;
  const out = [n & 0x7f];
  n >>>= 7;
  while (n > 0) {
    out.unshift((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  return out;
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0) & 0xff);
}

function chunk(id: string, body: readonly number[]): number[] {
  const n = body.length;
  return [...ascii(id), (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, ...body];
}

/**
 * A hand-written format-0 file exercising more of the parser: running status, note-off as
 * note-on with velocity 0, a tempo change, program change, controller, pitch bend, sysex, text.
 */
function format0File(): Uint8Array {
  const ev = (delta: number, ...bytes: number[]): number[] => [...varint(delta), ...bytes];
  const body = [
    ...ev(0, 0xff, 0x03, 5, ...ascii('Tune!')),
    ...ev(0, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20),
    ...ev(0, 0xff, 0x58, 0x04, 0x04, 0x02, 0x18, 0x08),
    ...ev(0, 0xff, 0x01, 4, ...ascii('text')),
    ...ev(0, 0xf0, 0x05, 0x7e, 0x7f, 0x09, 0x01, 0xf7),
    ...ev(0, 0xc0, 73),
    ...ev(0, 0xb0, 7, 100),
    ...ev(0, 0x90, 60, 100),
    ...ev(240, 60, 0),
    ...ev(0, 62, 80),
    ...ev(120, 0xe0, 0x00, 0x50),
    ...ev(120, 0x90, 62, 0),
    ...ev(0, 0xff, 0x51, 0x03, 0x09, 0x27, 0xc0),
    ...ev(0, 0x99, 36, 120),
    ...ev(0, 0x90, 64, 127),
    ...ev(480, 0x80, 64, 64),
    ...ev(0, 0x89, 36, 0),
    ...ev(0, 0xff, 0x2f, 0x00),
  ];
  return new Uint8Array([...chunk('MThd', [0, 0, 0, 1, 0x01, 0xe0]), ...chunk('MTrk', body)]);
}

// ---------------------------------------------------------------------------------------------
// Mutations.
// ---------------------------------------------------------------------------------------------

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x90, 0xf0, 0xf7];

type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

function positionsOf(bytes: Uint8Array, id: string): number[] {
  const [a, b, c, d] = ascii(id);
  const out: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === a && bytes[i + 1] === b && bytes[i + 2] === c && bytes[i + 3] === d) out.push(i);
  }
  return out;
}

function pick<T>(items: readonly T[], rng: Rng): T {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

const MUTATIONS: Record<string, Mutation> = {
  bitFlips(bytes, rng) {
    const out = bytes.slice();
    const flips = 1 + rng.int(8);
    for (let k = 0; k < flips; k++) {
      const i = rng.int(out.length);
      out[i] = (out[i] ?? 0) ^ (1 << rng.int(8));
    }
    return out;
  },
  overwrite(bytes, rng) {
    const out = bytes.slice();
    const writes = 1 + rng.int(8);
    for (let k = 0; k < writes; k++) out[rng.int(out.length)] = rng.next() < 0.5 ? rng.int(256) : pick(INTERESTING, rng);
    return out;
  },
  truncate(bytes, rng) {
    return bytes.slice(0, rng.int(bytes.length));
  },
  chunkLength(bytes, rng) {
    const out = bytes.slice();
    const starts = [...positionsOf(out, 'MThd'), ...positionsOf(out, 'MTrk')];
    const at = (starts.length > 0 ? pick(starts, rng) : 0) + 4;
    if (at + 4 > out.length) return out;
    const declared = new DataView(out.buffer, out.byteOffset, out.byteLength).getUint32(at);
    const choices = [0, 1, 5, declared - 1, declared + 1, declared * 2, 0x7fffffff, 0xffffffff, rng.int(0x100000000)];
    new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(at, pick(choices, rng) >>> 0);
    return out;
  },
  headerField(bytes, rng) {
    // Format (offset 8), number of tracks (10) or time division (12; bit 15 = SMPTE).
    const out = bytes.slice();
    if (out.length < 14) return out;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const field = pick([8, 10, 12], rng);
    view.setUint16(field, pick([0, 1, 2, 3, 0x7fff, 0x8000, 0xe250, 0xffff, rng.int(0x10000)], rng));
    return out;
  },
  duplicateRange(bytes, rng) {
    const a = rng.int(bytes.length);
    const b = Math.min(bytes.length, a + 1 + rng.int(32));
    const at = rng.int(bytes.length + 1);
    return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(a, b), ...bytes.subarray(at)]);
  },
  removeRange(bytes, rng) {
    const a = rng.int(bytes.length);
    const b = Math.min(bytes.length, a + 1 + rng.int(32));
    return new Uint8Array([...bytes.subarray(0, a), ...bytes.subarray(b)]);
  },
  wrappedLength(bytes, rng) {
    // A text event whose 5-byte length wraps to a negative 32-bit number in midi-file's reader.
    const at = Math.min(bytes.length, 22 + rng.int(Math.max(1, bytes.length - 22)));
    const event = [0x00, 0xff, 0x01, 0x8f, 0xff, 0xff, 0xff, rng.int(128)];
    return new Uint8Array([...bytes.subarray(0, at), ...event, ...bytes.subarray(at)]);
  },
  appendGarbage(bytes, rng) {
    const extra = Array.from({ length: 1 + rng.int(256) }, () => rng.int(256));
    // Sometimes the garbage looks like the start of another track.
    return new Uint8Array([...bytes, ...(rng.next() < 0.3 ? ascii('MTrk') : []), ...extra]);
  },
};

const MUTATION_NAMES = Object.keys(MUTATIONS);

// ---------------------------------------------------------------------------------------------
// Running one mutant.
// ---------------------------------------------------------------------------------------------

interface Crash {
  mutant: number;
  recipe: string;
  step: string;
  error: string;
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
  return `${typeof error}: ${String(error)}`;
}

/** Problems with a sequence that parsed: every note must be a valid MIDI note at a sane time. */
function invalidNotes(seq: NoteSequence): string[] {
  const problems: string[] = [];
  for (const n of seq.notes) {
    if (!Number.isInteger(n.pitch) || n.pitch < 0 || n.pitch > 127) problems.push(`pitch ${String(n.pitch)}`);
    if (!Number.isInteger(n.velocity) || n.velocity < 0 || n.velocity > 127) problems.push(`velocity ${String(n.velocity)}`);
    if (!Number.isFinite(n.startTime) || !Number.isFinite(n.endTime) || n.startTime < 0 || n.endTime < n.startTime) {
      problems.push(`time ${String(n.startTime)}..${String(n.endTime)}`);
    }
  }
  for (const t of seq.tempos)
    if (!Number.isFinite(t.time) || !Number.isFinite(t.qpm) || t.qpm <= 0) problems.push(`tempo ${String(t.qpm)} at ${String(t.time)}`);
  return problems;
}

type Outcome = 'parsed' | 'named-error';

interface Tally {
  parse: Record<Outcome, number>;
  melody: Record<Outcome, number>;
  drums: Record<Outcome, number>;
  quantize: Record<Outcome, number>;
}

function runMutant(bytes: Uint8Array, mutant: number, recipe: string, tally: Tally, crashes: Crash[], invalid: string[]): void {
  /** Runs one step; counts the outcome; records anything that is not ours. */
  const attempt = <T>(step: keyof Tally, fn: () => T): T | undefined => {
    try {
      const value = fn();
      tally[step].parsed++;
      return value;
    } catch (error) {
      if (error instanceof LatentLabError) {
        tally[step]['named-error']++;
        // Named errors must carry a message a user can act on.
        if (error.message.length < 10) crashes.push({ mutant, recipe, step, error: `uninformative message "${error.message}"` });
      } else {
        crashes.push({ mutant, recipe, step, error: describeThrown(error) });
      }
      return undefined;
    }
  };
  const file: MidiFile | undefined = attempt('parse', () => parseMidi(bytes, `mutant ${mutant}`));
  if (!file) return;
  for (const problem of invalidNotes(file.sequence)) invalid.push(`mutant ${mutant} (${recipe}): ${problem}`);
  if (file.sequence.notes.length === 0) invalid.push(`mutant ${mutant} (${recipe}): parsed without a single usable note`);
  const counted = file.tracks.reduce((a, t) => a + t.noteCount, 0);
  if (counted !== file.sequence.notes.length)
    invalid.push(`mutant ${mutant} (${recipe}): tracks count ${counted} notes, the sequence has ${file.sequence.notes.length}`);
  const melody = attempt('melody', () => extractMelody(file));
  const drums = attempt('drums', () => extractDrums(file));
  attempt('quantize', () => quantize(file.sequence));
  if (melody) attempt('quantize', () => quantize(melody.sequence));
  if (drums) attempt('quantize', () => quantize(drums.sequence));
}

describe('parseMidi fuzz', () => {
  it(`turns ${MUTANTS} damaged files into results or named errors, quickly`, () => {
    const seeds: [string, Uint8Array][] = [
      ['band', bandFile()],
      ['groove', grooveFile()],
      ['export', exportedFile()],
      ['format0', format0File()],
    ];
    // The seed files themselves are valid and complete.
    for (const [name, bytes] of seeds) {
      const file = parseMidi(bytes, name);
      expect(file.sequence.notes.length, name).toBeGreaterThan(0);
      expect(invalidNotes(file.sequence), name).toEqual([]);
    }

    const rng = createRng(FUZZ_SEED);
    const zero = (): Record<Outcome, number> => ({ parsed: 0, 'named-error': 0 });
    const tally: Tally = { parse: zero(), melody: zero(), drums: zero(), quantize: zero() };
    const crashes: Crash[] = [];
    const invalid: string[] = [];
    const usedMutations = new Set<string>();
    let slowest = 0;
    let slowestRecipe = '';

    for (let mutant = 0; mutant < MUTANTS; mutant++) {
      const [seedName, seedBytes] = seeds[mutant % seeds.length] ?? seeds[0] ?? ['none', new Uint8Array()];
      // One to three mutations in a row; the first cycles so every kind is used often.
      const steps = 1 + (rng.next() < 0.25 ? 1 + rng.int(2) : 0);
      let bytes = seedBytes;
      const recipe: string[] = [seedName];
      for (let s = 0; s < steps; s++) {
        const name = s === 0 ? (MUTATION_NAMES[Math.floor(mutant / seeds.length) % MUTATION_NAMES.length] ?? 'bitFlips') : pick(MUTATION_NAMES, rng);
        const mutate = MUTATIONS[name];
        if (!mutate || bytes.length === 0) break;
        bytes = mutate(bytes, rng);
        recipe.push(name);
        usedMutations.add(name);
      }
      const started = performance.now();
      runMutant(bytes, mutant, recipe.join(' → '), tally, crashes, invalid);
      const elapsed = performance.now() - started;
      if (elapsed > slowest) {
        slowest = elapsed;
        slowestRecipe = `mutant ${mutant} (${recipe.join(' → ')})`;
      }
    }

    expect(crashes).toEqual([]);
    expect(invalid).toEqual([]);
    expect(slowest, `slowest: ${slowestRecipe}`).toBeLessThan(MAX_MS_PER_FILE);
    expect([...usedMutations].sort()).toEqual([...MUTATION_NAMES].sort());
    // Both outcomes happen: the fuzzer neither only breaks files nor only leaves them intact.
    expect(tally.parse.parsed + tally.parse['named-error']).toBe(MUTANTS);
    expect(tally.parse.parsed).toBeGreaterThan(0);
    expect(tally.parse['named-error']).toBeGreaterThan(0);
    expect(tally.melody.parsed).toBeGreaterThan(0);
    expect(tally.melody['named-error']).toBeGreaterThan(0);
    expect(tally.drums.parsed).toBeGreaterThan(0);
    expect(tally.drums['named-error']).toBeGreaterThan(0);
    expect(tally.quantize.parsed).toBeGreaterThan(0);
    if (process.env.MIDI_FUZZ_SEED || process.env.MIDI_FUZZ_MUTANTS)
      console.warn(`MIDI fuzz (seed ${FUZZ_SEED}): ${JSON.stringify(tally)}; slowest ${slowest.toFixed(1)} ms`);
  });
});

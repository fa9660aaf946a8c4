import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../lib/core/random';
import { parseMidi, sequenceToMidi } from '../lib/music/midi';
import { melodyExample, MELODY_EXAMPLES } from '../lib/music/examples';
import { TINY_MELODY, writeTinyCheckpoint } from '../lib/music/testing/fixtures';
import { addNoise, drumHit, encodeTestWav, mixAt, renderNotes, whiteNoise } from '../lib/sound/testing/synth';
import { runScript } from './testing/cli';

const cli = (args: string[]) => runScript('scripts/musicvae.ts', args, 120_000);
const RATE = 44_100;
const QPM = 100;
const STEP = 15 / QPM;
const TUNE: [number, number, number][] = [
  [60, 0, 4],
  [64, 4, 6],
  [67, 6, 8],
  [72, 8, 12],
  [67, 12, 16],
  [65, 16, 18],
  [64, 18, 20],
  [62, 20, 24],
  [60, 24, 30],
];
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'musicvae-audio-'));
  const tune = renderNotes(
    TUNE.map(([p, a, b]) => ({ pitch: p, start: 0.5 + a * STEP, end: 0.5 + b * STEP - 0.03 })),
    6,
    RATE,
    { vibratoSemitones: 0.2 },
  );
  await writeFile(path.join(root, 'tune.wav'), encodeTestWav([addNoise(tune, 35, 2)], RATE));
  await writeFile(path.join(root, 'silence.wav'), encodeTestWav([new Float32Array(RATE * 2)], RATE));
  await writeFile(path.join(root, 'hiss.wav'), encodeTestWav([whiteNoise(RATE * 3, 0.3, createRng(2))], RATE));
  await writeFile(path.join(root, 'cut.wav'), encodeTestWav([tune], RATE).subarray(0, 44));
  await writeFile(path.join(root, 'lecture.wav'), encodeTestWav([new Float32Array(8000 * 1200)], 8000, 8)); // 20 minutes
  const example = MELODY_EXAMPLES[0];
  if (!example) throw new Error('no example melody');
  await writeFile(path.join(root, 'song.wav'), sequenceToMidi(melodyExample(example))); // a MIDI file named .wav
  const groove = new Float32Array(Math.round(6 * RATE));
  (['kick', 'hat', 'snare', 'hat', 'kick', 'kick', 'snare', 'hat'] as const).forEach((s, i) => {
    for (const bar of [0, 1]) mixAt(groove, drumHit(s, RATE, 50 + bar * 8 + i, 0.5), 0.5 + (bar * 16 + 2 * i) * STEP, RATE);
  });
  await writeFile(path.join(root, 'groove.wav'), encodeTestWav([groove], RATE));
  for (const sound of ['kick', 'snare', 'hat'] as const) {
    const take = new Float32Array(Math.round(2 * RATE));
    for (let k = 0; k < 3; k++) mixAt(take, drumHit(sound, RATE, 90 + k, 0.5), 0.3 + k * 0.5, RATE);
    await writeFile(path.join(root, `three-${sound}s.wav`), encodeTestWav([take], RATE));
  }
  await mkdir(path.join(root, 'takes'));
  await writeFile(path.join(root, 'takes', 'a.wav'), await readFile(path.join(root, 'tune.wav')));
  await writeFile(path.join(root, 'takes', 'b.wav'), await readFile(path.join(root, 'silence.wav')));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run musicvae -- transcribe', () => {
  it('writes the take as MIDI on the grid of the given tempo, channel 1', async () => {
    const out = path.join(root, 'tune.mid');
    const r = await cli(['transcribe', '--in', path.join(root, 'tune.wav'), '--out', out, '--tempo', String(QPM), '--backend', 'wasm']);
    expect(r.stderr).toMatch(/tune\.wav: 9 notes, \d bars at 100\.0 BPM given/);
    expect(r.code).toBe(0);
    const midi = parseMidi(new Uint8Array(await readFile(out)));
    expect(midi.tracks.map((t) => t.channel)).toEqual([0]);
    expect(midi.sequence.tempos[0]?.qpm).toBeCloseTo(QPM);
    const notes = midi.sequence.notes.map((n) => [n.pitch, Math.round(n.startTime / STEP), Math.round(n.endTime / STEP)]);
    const shift = (notes[0]?.[1] ?? 0) - 0;
    expect(notes.map(([p, a, b]) => [p, (a as number) - shift, (b as number) - shift])).toEqual(TUNE);
  });

  it('writes a groove on channel 10 with --drums', async () => {
    const out = path.join(root, 'groove.mid');
    const r = await cli(['transcribe', '--in', path.join(root, 'groove.wav'), '--out', out, '--drums', '--tempo', String(QPM)]);
    expect(r.code).toBe(0);
    const midi = parseMidi(new Uint8Array(await readFile(out)));
    expect(midi.tracks.map((t) => t.channel)).toEqual([9]);
    expect(new Set(midi.sequence.notes.map((n) => n.pitch))).toEqual(new Set([36, 38, 42]));
  });

  it("with --teach, classes the groove by the player's own sounds: taught the other way round, it names them the other way round", async () => {
    const steps = async (file: string, pitch: number): Promise<number[]> => {
      const notes = parseMidi(new Uint8Array(await readFile(file))).sequence.notes;
      const first = Math.min(...notes.map((n) => n.startTime));
      return notes
        .filter((n) => n.pitch === pitch)
        .map((n) => Math.round((n.startTime - first) / STEP))
        .sort((a, b) => a - b);
    };
    const plain = path.join(root, 'groove-plain.mid');
    expect((await cli(['transcribe', '--in', path.join(root, 'groove.wav'), '--out', plain, '--drums', '--tempo', String(QPM)])).code).toBe(0);
    // This player's "kick" sounds like a kit's hi-hat and their "hat" like a kit's kick.
    const taught = path.join(root, 'groove-taught.mid');
    const teach = `kick=${path.join(root, 'three-hats.wav')},snare=${path.join(root, 'three-snares.wav')},hat=${path.join(root, 'three-kicks.wav')}`;
    const r = await cli(['transcribe', '--in', path.join(root, 'groove.wav'), '--out', taught, '--drums', '--tempo', String(QPM), '--teach', teach]);
    expect(r.stderr).toMatch(/three-hats\.wav: 3 example hits of your kick/);
    expect(r.stderr).toMatch(/by your sounds/);
    expect(r.code).toBe(0);
    expect(await steps(plain, 42)).toHaveLength(6);
    expect(await steps(plain, 36)).toHaveLength(6);
    expect(await steps(taught, 36)).toEqual(await steps(plain, 42));
    expect(await steps(taught, 42)).toEqual(await steps(plain, 36));
    expect(await steps(taught, 38)).toEqual(await steps(plain, 38));
  });

  it.each([
    // A usage mistake exits 2, bad input 1.
    [['--teach', 'kick=a.wav'], 2, /--teach goes with --drums/],
    [['--drums', '--teach', 'cowbell=a.wav'], 2, /"cowbell=a\.wav" must look like kick=my-kick\.wav/],
    [['--drums', '--teach', 'kick=SILENCE'], 1, /silence\.wav is silent/],
    [['--drums', '--teach', 'kick=KICKS,snare=SNARES'], 1, /Your hat has 0 example hits/],
  ])('--teach %j → exit %i with a message that says what is wrong', async (extra, code, message) => {
    const args = extra.map((a) =>
      a
        .replace('SILENCE', path.join(root, 'silence.wav'))
        .replace('KICKS', path.join(root, 'three-kicks.wav'))
        .replace('SNARES', path.join(root, 'three-snares.wav')),
    );
    const r = await cli(['transcribe', '--in', path.join(root, 'groove.wav'), '--out', path.join(root, 'y.mid'), ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ['silence.wav', /silence\.wav is silent/],
    ['hiss.wav', /hiss\.wav has sound .* but no note could be heard/],
    ['cut.wav', /cut\.wav looks like a WAV file but holds no audio samples/],
    ['lecture.wav', /lecture\.wav is longer than 5:00/],
    ['song.wav', /song\.wav is a MIDI file, not a recording/],
  ])('%s → exit 1 with a message that says what was found', async (file, message) => {
    const r = await cli(['transcribe', '--in', path.join(root, file), '--out', path.join(root, 'x.mid')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('transcribes a folder, one MIDI per recording, and reports the ones that failed', async () => {
    const out = path.join(root, 'midi');
    const r = await cli(['transcribe', '--in', path.join(root, 'takes'), '--out', out, '--tempo', String(QPM)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a\.wav: 9 notes/);
    expect(r.stderr).toMatch(/b\.wav is silent/);
    expect(r.stderr).toMatch(/1 recording\(s\) could not be transcribed/);
    expect(parseMidi(new Uint8Array(await readFile(path.join(out, 'a.mid')))).sequence.notes).toHaveLength(9);
  });
});

describe('npm run musicvae -- reconstruct with a recording', () => {
  it('reads a WAV where a MIDI file was expected (told apart by content)', async () => {
    const model = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 3 }, 'none', root);
    const out = path.join(root, 'rebuilt.mid');
    const r = await cli(['reconstruct', '--model', model, '--in', path.join(root, 'tune.wav'), '--out', out, '--tempo', String(QPM)]);
    expect(r.stderr).toMatch(/Wrote \d × 2 bars/);
    expect(r.code).toBe(0);
    const bad = await cli(['reconstruct', '--model', model, '--in', path.join(root, 'hiss.wav'), '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no note could be heard/);
  });
});

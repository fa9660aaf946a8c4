import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../lib/audio/wav';
import { writeCheckpointFolder } from '../lib/core/checkpoint-node';
import { encodeCheckpoint } from '../lib/core/checkpoint-write';
import { decodeAudio } from '../lib/sound/decode';
import { estimatePitch } from '../lib/timbre/pitch';
import { NOTE_SAMPLES } from '../lib/timbre/spec';
import { tinyTimbreConfig, tinyTimbreValues } from '../lib/timbre/testing/model';
import { syntheticChord, syntheticNote, whiteNoise } from '../lib/timbre/testing/notes';
import { runScript } from './testing/cli';

const cli = (args: string[]) => runScript('scripts/timbre.ts', args);
let root: string;
let model: string;
let inputs: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'timbre-cli-'));
  model = path.join(root, 'model');
  const config = tinyTimbreConfig();
  await writeCheckpointFolder(model, encodeCheckpoint(tinyTimbreValues(5, config)), { 'config.json': config });
  inputs = path.join(root, 'in');
  const note = syntheticNote({ pitch: 57, sampleRate: 44100, length: 44100 * 2 });
  const files: [string, Uint8Array | string][] = [
    ['stereo-44k.wav', encodeWav([note, note.map((v) => v * 0.5)], 44100)],
    ['chord.wav', encodeWav([syntheticChord([60, 64, 67])], 16000)],
    ['noise.wav', encodeWav([whiteNoise()], 16000)],
    ['silence.wav', encodeWav([new Float32Array(16000)], 16000)],
    ['long.wav', encodeWav([syntheticNote({ pitch: 60, length: 16000 * 5 })], 16000)],
    ['corrupt.wav', 'this is not audio at all'],
    ['cut.wav', encodeWav([syntheticNote({ pitch: 60, length: 16000 })], 16000).subarray(0, 40)],
  ];
  const { mkdir } = await import('node:fs/promises');
  await mkdir(inputs, { recursive: true });
  for (const [name, bytes] of files) await writeFile(path.join(inputs, name), bytes);
  // Not only WAV: lib/sound's decoder reads FLAC (and MP3, Ogg Vorbis) too. A 0.4-s 440 Hz sine at 22.05 kHz.
  await copyFile(path.join('lib', 'sound', 'testing', 'fixtures', 'sine440.flac'), path.join(inputs, 'tone.flac'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run timbre', () => {
  it('reconstruct: a folder in, the same names out (16 kHz mono, 1.28 s), and every bad input named', async () => {
    const out = path.join(root, 'out');
    const r = await cli(['reconstruct', '--model', model, '--in', inputs, '--out', out]);
    expect(r.code).toBe(1); // some inputs are bad on purpose
    const summary = JSON.parse(r.stdout) as {
      results: { input: string; output?: string; pitch?: string; notes?: string[]; error?: { name: string; message: string } }[];
    };
    const by = new Map(summary.results.map((x) => [path.basename(x.input), x]));
    expect(by.get('corrupt.wav')?.error?.name).toBe('AudioFormatError');
    expect(by.get('corrupt.wav')?.error?.message).toMatch(/corrupt\.wav is not an audio file we can read: it holds text/);
    expect(by.get('cut.wav')?.error?.name).toBe('AudioDecodeError');
    expect(by.get('silence.wav')?.error?.name).toBe('SilentAudioError');
    expect(by.get('noise.wav')?.error?.name).toBe('UnpitchedAudioError');
    expect(by.get('long.wav')?.error?.name).toBe('AudioTooLongError');
    expect(by.get('long.wav')?.error?.message).toMatch(/5\.00 s long.*at most 4 s/);
    expect(by.get('chord.wav')?.notes?.join(' ')).toMatch(/sounds like a chord .* so it used [CEG]4/);
    expect(by.get('stereo-44k.wav')?.notes?.join(' ')).toMatch(/mixed 2 channels.*resampled from 44100 Hz/);
    expect(by.get('tone.flac')?.pitch).toBe('A4');
    expect(by.get('tone.flac')?.notes?.join(' ')).toMatch(/resampled from 22050 Hz/);
    expect((await readdir(out)).sort()).toEqual(['chord.wav', 'stereo-44k.wav', 'tone.wav']);
    const decoded = await decodeAudio(new Uint8Array(await readFile(path.join(out, 'stereo-44k.wav'))));
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.channels).toBe(1);
    expect(decoded.samples).toHaveLength(NOTE_SAMPLES);
    // One file in, one file out, at the input's pitch.
    const single = path.join(root, 'single.wav');
    const r2 = await cli(['reconstruct', '--model', model, '--in', path.join(inputs, 'stereo-44k.wav'), '--out', single]);
    expect(r2.code).toBe(0);
    const y = (await decodeAudio(new Uint8Array(await readFile(single)))).samples;
    expect(estimatePitch(y, { near: 57 })!.midi).toBeCloseTo(57, 1);
  }, 120_000);

  it('interpolate and sample write N notes; bad flags and files give named errors', async () => {
    const dir = path.join(root, 'interp');
    const r = await cli([
      'interpolate',
      '--model',
      model,
      '--a',
      path.join(inputs, 'stereo-44k.wav'),
      '--b',
      path.join(inputs, 'chord.wav'),
      '--steps',
      '4',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['step-00.wav', 'step-01.wav', 'step-02.wav', 'step-03.wav']);
    const s = await cli(['sample', '--model', model, '--n', '3', '--pitch', '64', '--out', path.join(root, 'samples'), '--seed', '9']);
    expect(s.code).toBe(0);
    expect(await readdir(path.join(root, 'samples'))).toHaveLength(3);
    const noPitch = await cli(['sample', '--model', model, '--n', '2', '--out', path.join(root, 'x')]);
    expect(noPitch.code).toBe(1);
    expect(noPitch.stderr).toMatch(/InvalidInputError: --pitch is required/);
    const bad = await cli([
      'interpolate',
      '--model',
      model,
      '--a',
      path.join(inputs, 'noise.wav'),
      '--b',
      path.join(inputs, 'chord.wav'),
      '--steps',
      '3',
      '--out',
      dir,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/UnpitchedAudioError/);
    const missing = await cli(['reconstruct', '--model', path.join(root, 'nope'), '--in', inputs, '--out', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/CheckpointError/);
  }, 120_000);
});

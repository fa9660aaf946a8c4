import { Midi } from '@tonejs/midi';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_DRUMS, writeTinyCheckpoint } from '../lib/music/testing/fixtures';
import { runScript } from './testing/cli';

let root: string;
let model: string;

/** A 4-bar drum groove on channel 10 (kick, snare, closed hats; `variant` moves the kicks). */
function groove(variant: number): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(100);
  const t = midi.addTrack();
  t.channel = 9;
  const step = 60 / 100 / 4;
  for (let s = 0; s < 4 * 16; s++) {
    if ((s + variant) % 8 === 0) t.addNote({ midi: 36, time: s * step, duration: step, velocity: 0.8 });
    if (s % 8 === 4) t.addNote({ midi: 38, time: s * step, duration: step, velocity: 0.8 });
    if (s % 2 === 0) t.addNote({ midi: 42, time: s * step, duration: step, velocity: 0.6 });
  }
  return midi.toArray();
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'eval-music-'));
  model = await writeTinyCheckpoint(TINY_DRUMS, 'none', root);
  // A Groove-MIDI-like folder whose info.csv puts every file in its "test" split but one.
  const data = path.join(root, 'groove-test');
  await mkdir(path.join(data, 'drummer9'), { recursive: true });
  const rows = ['drummer,session,id,style,bpm,beat_type,time_signature,midi_filename,audio_filename,duration,split'];
  for (let i = 0; i < 4; i++) {
    const name = `drummer9/${i}_rock_100_beat_4-4.mid`;
    await writeFile(path.join(data, name), groove(i));
    rows.push(`drummer9,drummer9/s1,drummer9/s1/${i},rock,100,beat,4-4,${name},${name}.wav,9.6,${i === 0 ? 'train' : 'test'}`);
  }
  await writeFile(path.join(data, 'info.csv'), rows.join('\n') + '\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('eval:music on a folder whose info.csv marks files "test"', () => {
  it('--all scores every window of the folder, test rows included; --split test scores only those', async () => {
    const data = path.join(root, 'groove-test');
    const cache = ['--samples', '2'];
    const all = await runScript('scripts/eval-music.ts', ['--model', model, '--data', data, '--all', ...cache], 120_000);
    expect(all.code, all.stderr).toBe(0);
    // 4 files of 4 bars → 3 windows each, all of them.
    expect(JSON.parse(all.stdout)).toMatchObject({ split: 'all', windows: 12 });
    const test = await runScript('scripts/eval-music.ts', ['--model', model, '--data', data, '--split', 'test', ...cache], 120_000);
    expect(test.code, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ split: 'test', windows: 9 });
    const bad = await runScript('scripts/eval-music.ts', ['--model', model, '--data', data, '--split', 'holdout']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--split must be validation, train or test .*got "holdout"/);
  }, 300_000);
});

import { Midi } from '@tonejs/midi';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrumsConverter } from './converters/drums';
import { MelodyConverter } from './converters/melody';
import { onsetCount, splitOf, transposeMelodyLabels } from './dataset';
import { buildMusicDataset, findMidiFiles } from './dataset-node';
import { readFineTuneFile } from './finetune-data';

let root: string;

/** A POP909-like song: a MELODY track of `bars` bars (one note per beat) and a chordal PIANO track. */
function song(bars: number, base = 60, meter: [number, number] = [4, 4]): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(120);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: meter, measures: 0 });
  midi.header.update();
  const piano = midi.addTrack();
  piano.name = 'PIANO';
  const melody = midi.addTrack();
  melody.name = 'MELODY';
  for (let beat = 0; beat < bars * 4; beat++) {
    melody.addNote({ midi: base + (beat % 5), time: beat * 0.5, duration: 0.45, velocity: 0.7 });
    for (const p of [48, 52, 55]) piano.addNote({ midi: p, time: beat * 0.5, duration: 0.5, velocity: 0.5 });
  }
  return midi.toArray();
}

/** A drum groove of `bars` bars on channel 10 (kick/snare/hats), or silent bars where asked. */
function groove(bars: number, silentFromBar = bars): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(100);
  const t = midi.addTrack();
  t.channel = 9;
  const step = 60 / 100 / 4;
  for (let s = 0; s < Math.min(bars, silentFromBar) * 16; s++) {
    if (s % 8 === 0) t.addNote({ midi: 36, time: s * step, duration: step, velocity: 0.8 });
    if (s % 8 === 4) t.addNote({ midi: 38, time: s * step, duration: step, velocity: 0.8 });
    if (s % 2 === 0) t.addNote({ midi: 42, time: s * step, duration: step, velocity: 0.6 });
  }
  if (silentFromBar < bars) t.addNote({ midi: 42, time: bars * 16 * step - step, duration: step, velocity: 0.6 });
  return midi.toArray();
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dataset-'));
  await mkdir(path.join(root, 'songs', 'nested'), { recursive: true });
  for (let i = 0; i < 12; i++) await writeFile(path.join(root, 'songs', i % 2 ? 'nested' : '', `${String(i).padStart(3, '0')}.mid`), song(4 + (i % 3)));
  await writeFile(path.join(root, 'songs', 'waltz.mid'), song(4, 60, [3, 4]));
  await writeFile(path.join(root, 'songs', 'notes.txt'), 'not a midi file');
  await writeFile(path.join(root, 'songs', 'broken.mid'), Buffer.from('MThd garbage'));
  await mkdir(path.join(root, 'groove', 'drummer1'), { recursive: true });
  const rows = ['drummer,session,id,style,bpm,beat_type,time_signature,midi_filename,audio_filename,duration,split'];
  const files: [string, Uint8Array, string, string][] = [
    ['drummer1/a.mid', groove(4), '4-4', 'train'],
    ['drummer1/b.mid', groove(6, 2), '4-4', 'train'],
    ['drummer1/c.mid', groove(3), '4-4', 'validation'],
    ['drummer1/d.mid', groove(4), '6-8', 'train'],
    ['drummer1/e.mid', groove(4), '4-4', 'test'],
    ['drummer1/fill.mid', groove(1), '4-4', 'train'],
  ];
  for (const [name, bytes, meter, split] of files) {
    await writeFile(path.join(root, 'groove', name), bytes);
    rows.push(`drummer1,drummer1/s,drummer1/s/1,rock,100,beat,${meter},${name},${name}.wav,10,${split}`);
  }
  await writeFile(path.join(root, 'groove', 'info.csv'), rows.join('\n') + '\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('melody datasets', () => {
  it('finds files recursively and cuts 2-bar windows one bar apart from the MELODY track', async () => {
    expect((await findMidiFiles(path.join(root, 'songs'))).length).toBe(14);
    const converter = new MelodyConverter();
    const ds = await buildMusicDataset(path.join(root, 'songs'), converter, { cacheDir: path.join(root, 'cache') });
    expect(ds.fromCache).toBe(false);
    // 12 songs of 4, 5, 6 bars → 3, 4, 5 windows each; the 3/4 waltz is refused; the broken file is unreadable.
    expect(ds.counts).toMatchObject({ filesFound: 14, filesUsed: 12, skipped: { 'not 4/4': 1, unreadable: 1 } });
    expect(ds.counts.trainWindows + ds.counts.validationWindows).toBe(4 * 3 + 4 * 4 + 4 * 5);
    for (const f of ds.files)
      for (const w of f.windows) {
        expect(w).toHaveLength(32);
        expect(onsetCount(w, 'melody')).toBe(8); // one note per beat: the piano chords never leak in
      }
  });

  it("with meter 'any' (train:music --finetune), reads every file in its own meter, as the labs do", async () => {
    const ds = await buildMusicDataset(path.join(root, 'songs'), new MelodyConverter(), { cacheDir: path.join(root, 'cache'), meter: 'any' });
    // The 3/4 waltz is kept now, cut into the same windows (one 3/4 bar apart) as the labs' fine-tuning cuts.
    expect(ds.counts).toMatchObject({ filesFound: 14, filesUsed: 13, skipped: { unreadable: 1 } });
    const waltz = ds.files.find((f) => f.file === 'waltz.mid')?.windows ?? [];
    const labs = readFineTuneFile('waltz.mid', song(4, 60, [3, 4]), new MelodyConverter()).windows;
    expect(labs.length).toBeGreaterThan(2);
    expect(waltz.map((w) => Array.from(w))).toEqual(labs.map((w) => Array.from(w)));
    expect(ds.counts.trainWindows + ds.counts.validationWindows).toBe(4 * 3 + 4 * 4 + 4 * 5 + labs.length);
  });

  it('splits by file, so no song has windows in both parts, and the split is stable', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `pop909/${String(i).padStart(3, '0')}.mid`);
    const validation = names.filter((n) => splitOf(n) === 'validation').length;
    expect(validation / names.length).toBeGreaterThan(0.07);
    expect(validation / names.length).toBeLessThan(0.13);
    expect(names.map((n) => splitOf(n))).toEqual(names.map((n) => splitOf(n)));
  });

  it('reuses the cache on a second run, and rebuilds when a file changes', async () => {
    const converter = new MelodyConverter();
    const cacheDir = path.join(root, 'cache');
    const first = await buildMusicDataset(path.join(root, 'songs'), converter, { cacheDir });
    expect(first.fromCache).toBe(true); // built by the first test
    const again = await buildMusicDataset(path.join(root, 'songs'), converter, { cacheDir });
    expect(again.files.map((f) => f.windows.map((w) => Array.from(w)))).toEqual(first.files.map((f) => f.windows.map((w) => Array.from(w))));
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(root, 'songs', '000.mid'), later, later);
    expect((await buildMusicDataset(path.join(root, 'songs'), converter, { cacheDir })).fromCache).toBe(false);
  });

  it('transposes melody events while every note stays in range', () => {
    const conv = new MelodyConverter();
    const events = [2 + 39, 0, 1, 2 + 87, 0];
    expect(Array.from(transposeMelodyLabels(events, -5, conv.outputDepth) ?? [])).toEqual([36, 0, 1, 84, 0]);
    expect(transposeMelodyLabels(events, 1, conv.outputDepth)).toBeUndefined(); // 108 + 1 leaves the range
    expect(transposeMelodyLabels([2, 0], -1, conv.outputDepth)).toBeUndefined();
  });
});

describe('drum datasets', () => {
  it('follows info.csv: its split (test files kept apart as "test"), only 4/4; drops sparse windows and too-short files', async () => {
    const ds = await buildMusicDataset(path.join(root, 'groove'), new DrumsConverter(), { cacheDir: path.join(root, 'cache'), kit: 'roland-td11' });
    expect(ds.counts).toMatchObject({ filesFound: 6, filesUsed: 4, skipped: { 'not 4/4': 1, 'shorter than 2 bars': 1 }, testFiles: 1, testWindows: 3 });
    expect(ds.counts.skipped['test split']).toBeUndefined();
    expect(ds.files.find((f) => f.file === 'drummer1/e.mid')?.split).toBe('test');
    const byFile = new Map(ds.files.map((f) => [f.file, f]));
    expect(byFile.get('drummer1/a.mid')?.windows).toHaveLength(3);
    expect(byFile.get('drummer1/c.mid')?.split).toBe('validation');
    // b: 6 bars, silent from bar 3 except one hat at the very end → the all-silent windows are dropped.
    expect(byFile.get('drummer1/b.mid')?.windows).toHaveLength(2);
    expect(byFile.get('drummer1/b.mid')?.sparse).toBe(3);
    expect(ds.counts.validationWindows).toBe(2);
  });

  it('fails clearly on an empty or missing folder', async () => {
    await mkdir(path.join(root, 'empty'), { recursive: true });
    await expect(buildMusicDataset(path.join(root, 'empty'), new DrumsConverter())).rejects.toThrow(/No \.mid files were found/);
    await expect(buildMusicDataset(path.join(root, 'missing'), new DrumsConverter())).rejects.toThrow(/Cannot read the data folder/);
  });
});

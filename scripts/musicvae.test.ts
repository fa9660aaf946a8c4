import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MELODY_EXAMPLES, melodyExample } from '../lib/music/examples';
import { parseMidi, sequenceToMidi } from '../lib/music/midi';
import { concatenate } from '../lib/music/sequences';
import { TINY_MELODY, writeTinyCheckpoint } from '../lib/music/testing/fixtures';
import { runScript } from './testing/cli';

const cli = (args: string[]) => runScript('scripts/musicvae.ts', args);
let root: string;
let model: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'musicvae-cli-'));
  model = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 2 }, 'none', root);
  // a.mid: 4 bars (2 tunes); b.mid: 2 bars.
  const [t0, t1, t2] = MELODY_EXAMPLES.map((e) => melodyExample(e));
  if (!t0 || !t1 || !t2) throw new Error('examples missing');
  await writeFile(path.join(root, 'a.mid'), sequenceToMidi(concatenate([t0, t1])));
  await writeFile(path.join(root, 'b.mid'), sequenceToMidi(t2));
  await writeFile(path.join(root, 'broken.mid'), Buffer.from('MThd this is not really midi'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run musicvae', () => {
  it('interpolate writes N × 2 bars of notes in range, and --bar picks the window', async () => {
    const out = path.join(root, 'interp.mid');
    const r = await cli([
      'interpolate',
      '--model',
      model,
      '--a',
      path.join(root, 'a.mid'),
      '--b',
      path.join(root, 'b.mid'),
      '--steps',
      '5',
      '--slerp',
      '--bar',
      '1',
      '--out',
      out,
      '--backend',
      'cpu',
    ]);
    expect(r.stderr).toMatch(/Wrote 5 × 2 bars \(160 steps\)/);
    expect(r.code).toBe(0);
    const midi = parseMidi(new Uint8Array(await readFile(out)));
    const notes = midi.sequence.notes;
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) {
      expect(n.pitch).toBeGreaterThanOrEqual(21);
      expect(n.pitch).toBeLessThanOrEqual(108);
      expect(n.endTime).toBeLessThanOrEqual(5 * 4 + 1e-6); // 10 bars at 120 qpm = 20 s
    }
    const r2 = await cli(['interpolate', '--model', model, '--a', path.join(root, 'a.mid'), '--b', path.join(root, 'b.mid'), '--bar', '9', '--out', out]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/no 2-bar window starting at bar 9/);
  }, 120_000);

  it('sample is reproducible with --seed, and encode --json prints μ for every window', async () => {
    const s1 = path.join(root, 's1.mid');
    const s2 = path.join(root, 's2.mid');
    expect((await cli(['sample', '--model', model, '--n', '3', '--seed', '7', '--temperature', '0.9', '--out', s1])).code).toBe(0);
    expect((await cli(['sample', '--model', model, '--n', '3', '--seed', '7', '--temperature', '0.9', '--out', s2])).code).toBe(0);
    expect(parseMidi(new Uint8Array(await readFile(s1))).sequence.notes).toEqual(parseMidi(new Uint8Array(await readFile(s2))).sequence.notes);
    const r = await cli(['encode', '--model', model, '--in', path.join(root, 'a.mid'), '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { zDims: number; windows: { bar: number; mu: number[] }[] };
    expect(json.windows.map((w) => w.bar)).toEqual([1, 2, 3]);
    for (const w of json.windows) expect(w.mu).toHaveLength(json.zDims);
  }, 120_000);

  it('reconstruct rebuilds every 2-bar window (or one with --window), says how many steps came back; --refine and --window', async () => {
    const out = path.join(root, 'recon.mid');
    const plain = await cli(['reconstruct', '--model', model, '--in', path.join(root, 'a.mid'), '--out', out]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/bars 1–2: \d+\/32 steps right/);
    expect(plain.stderr).toMatch(/bars 3–4: \d+\/32 steps right/);
    expect(plain.stderr).toMatch(/Wrote 2 × 2 bars to .*: \d+\/64 steps right \(the encoder's codes, not refined\)/);
    const midi = parseMidi(new Uint8Array(await readFile(out)));
    for (const n of midi.sequence.notes) expect(n.endTime).toBeLessThanOrEqual(8 + 1e-6); // 4 bars at 120 qpm
    const one = await cli(['reconstruct', '--model', model, '--in', path.join(root, 'a.mid'), '--out', out, '--window', '2', '--refine', '5']);
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(/bars 2–3: \d+\/32 steps right/);
    expect(one.stderr).toMatch(/Wrote 1 × 2 bars .*codes refined with 5 steps/);
    const bad = await cli(['reconstruct', '--model', model, '--in', path.join(root, 'a.mid'), '--out', out, '--refine', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--refine must be a whole number from 1 to 1000/);
    const interp = await cli([
      'interpolate',
      '--model',
      model,
      '--a',
      path.join(root, 'a.mid'),
      '--b',
      path.join(root, 'b.mid'),
      '--steps',
      '3',
      '--refine',
      '3',
      '--out',
      out,
    ]);
    expect(interp.code).toBe(0);
    expect(interp.stderr).toMatch(/Ends: A \d+\/32, B \d+\/32 steps right \(codes refined with 3 steps\)/);
  }, 180_000);

  it('fails with a clear message and a non-zero exit code on bad input', async () => {
    const cases: [string[], number, RegExp][] = [
      [['encode', '--model', path.join(root, 'nope'), '--in', path.join(root, 'a.mid'), '--json'], 1, /config\.json does not exist/],
      [['encode', '--model', model, '--in', path.join(root, 'broken.mid'), '--json'], 1, /damaged or truncated MIDI|not a Standard MIDI/],
      [['encode', '--model', model, '--in', path.join(root, 'missing.mid'), '--json'], 1, /no such file/],
      [['sample', '--model', model, '--n', '0', '--out', path.join(root, 'x.mid')], 2, /--n must be a whole number from 1 to 256/],
      [['sample', '--model', model, '--out', path.join(root, 'x.mid'), '--backend', 'webgl'], 2, /--backend must be cpu or wasm/],
      [['wobble', '--model', model], 2, /Unknown command "wobble"/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(args);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(code);
    }
  }, 180_000);
});

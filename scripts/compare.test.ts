import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReportSchema } from '../lib/latent/compare/report';
import { MELODY_EXAMPLES, melodyExample } from '../lib/music/examples';
import { sequenceToMidi } from '../lib/music/midi';
import { concatenate } from '../lib/music/sequences';
import { TINY_MELODY, writeTinyCheckpoint } from '../lib/music/testing/fixtures';
import { runScript } from './testing/cli';

const cli = (args: string[]) => runScript('scripts/compare.ts', args, 180_000);
let root: string;
let model: string;
let data: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'compare-cli-'));
  model = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 3 }, 'none', root);
  data = path.join(root, 'midi');
  await import('node:fs/promises').then((fs) => fs.mkdir(path.join(data, 'album'), { recursive: true }));
  const tunes = MELODY_EXAMPLES.map((e) => melodyExample(e));
  // Three files of 8 bars each (7 windows each), one in a sub-folder, and one that is not MIDI.
  for (const [i, name] of ['a.mid', 'b.mid', 'album/c.mid'].entries())
    await writeFile(path.join(data, name), sequenceToMidi(concatenate([...tunes.slice(i, i + 4)])));
  await writeFile(path.join(data, 'broken.mid'), 'not a midi file');
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run compare', () => {
  it('writes every panel of both sides as JSON and CSV, named after the panels (spread over threads)', async () => {
    const out = path.join(root, 'report.json');
    const csv = path.join(root, 'report.csv');
    const r = await cli([
      '--image',
      'models/image/vae',
      '--music',
      model,
      '--music-data',
      data,
      '--n',
      '300',
      '--pairs',
      '3',
      '--no-umap',
      '--out',
      out,
      '--csv',
      csv,
      '--cache-free',
    ]);
    expect(r.code, r.stderr).toBe(2); // unknown option: usage error
    const ok = await cli([
      '--image',
      'models/image/vae',
      '--music',
      model,
      '--music-data',
      data,
      '--n',
      '300',
      '--pairs',
      '3',
      '--no-umap',
      '--out',
      out,
      '--csv',
      csv,
      '--image-groups',
      'thickness',
      '--threads',
      '2',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const report = compareReportSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    const image = report.sides.find((x) => x.side === 'image');
    const music = report.sides.find((x) => x.side === 'melody');
    expect(report.sides.map((x) => x.side)).toEqual(['image', 'melody']);
    expect(image?.data.items).toBe(300);
    expect(image?.units?.active).toBe(2);
    expect(image?.attributes?.groups).toEqual({ kind: 'attribute', id: 'thickness' });
    expect(music?.data.items).toBe(21);
    expect(music?.data.labels).toBe(3);
    expect(music?.units?.kl).toHaveLength(8);
    expect(music?.paths?.pairs).toBe(3);
    expect(music?.map?.pictureAgreement.umap).toBeNull();
    expect(typeof music?.holes?.share).toBe('number');
    const rows = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(rows[0]).toBe('side,field,value');
    expect(rows).toContain('image,units.active,2');
    expect(rows.some((l) => l.startsWith('melody,attributes.consistency,'))).toBe(true);
    expect(ok.stderr).toMatch(/Holes/);
    expect(ok.stderr).toMatch(/1 file skipped: unreadable/);
  }, 240_000);

  it('says what is wrong with bad usage (exit 2) and missing models (exit 1)', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Give --image/);
    const small = await cli(['--image', 'models/image/vae', '--n', '5']);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/--n must be a whole number from 10/);
    const missing = await cli(['--music', path.join(root, 'no-such-model'), '--threads', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-model/);
  }, 120_000);
});

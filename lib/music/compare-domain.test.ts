import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsSource } from '../core/checkpoint-node';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { sideReportSchema } from '../latent/compare/report';
import { analyseSide, DEFAULT_PANEL_OPTIONS } from '../latent/compare/run';
import {
  editDistanceTable,
  eventEditDistance,
  exampleWindowSet,
  hitCount,
  labelFromPath,
  midiWindowSet,
  musicCompareDomain,
  noteDensity,
  pitchRange,
  sampleInOrder,
} from './compare-domain';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import { sequenceToMidi } from './midi';
import { MusicVAE } from './music-vae';
import { concatenate } from './sequences';
import { TINY_DRUMS, TINY_MELODY, writeTinyCheckpoint } from './testing/fixtures';
import { converterFor } from './testing/random-checkpoint';

let root: string;
let melodyDir: string;
let drumsDir: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'compare-music-'));
  melodyDir = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 8 }, 'none', root);
  drumsDir = await writeTinyCheckpoint({ ...TINY_DRUMS, seed: 9 }, 'none', root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('music compare domain', () => {
  it('measures event edit distance, density, range and hits', () => {
    expect(eventEditDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(eventEditDistance([1, 2, 3], [1, 3])).toBe(1);
    expect(eventEditDistance([0, 0, 40, 0], [0, 40, 0, 0])).toBe(2);
    expect(eventEditDistance([5, 5, 5], [6, 6, 6])).toBe(3);
    expect(noteDensity([0, 40, 0, 1, 42, 0])).toBe(2);
    expect(pitchRange([0, 40, 0, 1, 47, 0])).toBe(7);
    expect(pitchRange([0, 40])).toBe(0);
    expect(hitCount([0, 0b101, 0b1, 0])).toBe(3);
  });

  it('computes the bit-parallel edit distance exactly like the table, for every length up to 32 and beyond', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let t = 0; t < 2000; t++) {
      const la = 1 + next(40);
      const lb = next(40);
      const alphabet = 1 + next(t % 2 ? 4 : 512);
      const a = Int32Array.from({ length: la }, () => next(alphabet));
      const b = Int32Array.from({ length: lb }, () => next(alphabet));
      expect(eventEditDistance(a, b)).toBe(editDistanceTable(a, b));
    }
    expect(eventEditDistance([], [1, 2])).toBe(2);
  });

  it('reads decodes back as the labels the decoder chose, for both converters', async () => {
    for (const dir of [melodyDir, drumsDir]) {
      const model = await MusicVAE.load(fsSource(dir));
      const domain = musicCompareDomain(model, exampleWindowSet(model.converter));
      const z = tf.tensor2d(createRng(4).normalArray(3 * model.zDims), [3, model.zDims]);
      const decoded = await model.decode(z);
      const items = await domain.outputItems(decoded);
      expect(items.map((l) => Array.from(l))).toEqual((await model.decodeLabels(z)).map((l) => Array.from(l)));
      tf.dispose([z, decoded]);
      model.dispose();
    }
  });

  it('builds example sets, labels from paths and samples in order', () => {
    const mel = exampleWindowSet(converterFor('melody'));
    expect(mel.windows).toHaveLength(MELODY_EXAMPLES.length * 13);
    expect(new Set(mel.labels).size).toBe(MELODY_EXAMPLES.length);
    const drums = exampleWindowSet(converterFor('drums'));
    expect(drums.windows.length).toBe(6 * 16);
    expect(labelFromPath('drummer3/session1/12_funk-groove2_98_beat_4-4.mid', 'style')).toBe('funk');
    expect(labelFromPath('drummer3/session1/12_funk-groove2_98_beat_4-4.mid', 'drummer')).toBe('drummer3');
    expect(labelFromPath('001/001.mid', 'folder')).toBe('001');
    expect(labelFromPath('song.mid', 'style')).toBe('song.mid');
    const s = sampleInOrder([1, 2, 3, 4, 5, 6], 3, 1);
    expect(s).toHaveLength(3);
    expect(s).toEqual([...s].sort());
  });

  it('reads MIDI files into windows and says which files it skipped', () => {
    const conv = converterFor('melody');
    const tunes = MELODY_EXAMPLES.slice(0, 3).map((e) => melodyExample(e));
    const good = sequenceToMidi(concatenate(tunes));
    const set = midiWindowSet(
      [
        { name: 'three-tunes.mid', bytes: good },
        { name: 'broken.mid', bytes: new TextEncoder().encode('MThd not midi') },
      ],
      conv,
      { maxItems: 100, seed: 1 },
    );
    expect(set.windows.length).toBe(5); // 6 bars → 5 windows one bar apart
    expect(set.labels.every((l) => l === 'three-tunes.mid')).toBe(true);
    expect(set.notes.join(' ')).toMatch(/broken\.mid/);
    // Where the set is described, refused files are not counted as read.
    expect(set.dataName).toBe('5 windows from 1 of 2 MIDI files (1 refused: broken.mid)');
    expect(() => midiWindowSet([{ name: 'broken.mid', bytes: new Uint8Array([1, 2, 3]) }], conv, { maxItems: 10, seed: 1 })).toThrow(/None of the 1 file/);
  });

  it('runs every panel on a tiny MusicVAE (melody and drums) with σ and no leaked tensors', async () => {
    for (const dir of [melodyDir, drumsDir]) {
      const model = await MusicVAE.load(fsSource(dir));
      expect(model.hasSigma).toBe(true);
      const data = exampleWindowSet(model.converter);
      const domain = musicCompareDomain(model, data);
      const before = liveTensorCount();
      const result = await analyseSide(
        'music',
        model,
        domain,
        { name: 'tiny', description: 'random weights' },
        { ...DEFAULT_PANEL_OPTIONS, umap: false, pairs: 4, priorDraws: 200, decodedDraws: 8, attributeItems: 2 },
      );
      expect(liveTensorCount()).toBe(before);
      const r = sideReportSchema.parse(result.report);
      expect(r.model.hasSigma).toBe(true);
      expect(r.units?.kl).toHaveLength(model.zDims);
      expect(r.paths?.distance).toBe('event edit distance');
      expect(r.attributes?.groups).toEqual({ kind: 'attribute', id: model.converter.kind === 'melody' ? 'density' : 'hits' });
      expect(result.attributes?.walks).toHaveLength(2 * 8);
      model.dispose();
    }
  }, 120_000);
});

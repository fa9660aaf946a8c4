import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsSource } from '../lib/core/checkpoint-node';
import { decodeAudio } from '../lib/sound/decode';
import { timbreExamplesSchema } from '../lib/timbre/examples';
import { estimatePitch } from '../lib/timbre/pitch';
import { prepareNote } from '../lib/timbre/sound';
import { multiScaleDistance } from '../lib/timbre/spectral-loss';
import { midiToHz, NOTE_SAMPLES } from '../lib/timbre/spec';
import { TimbreModel } from '../lib/timbre/timbre-model';
import { sineBaseline } from '../lib/timbre/baselines';

const DIR = 'models/timbre';

describe('the shipped timbre model', () => {
  it('is under 10 MB, loads, and rebuilds its own examples closer than a sine would, at their pitch', async () => {
    let bytes = 0;
    for (const f of await readdir(DIR))
      if (/^group\d+-shard/.test(f) || f === 'weights_manifest.json' || f === 'config.json') bytes += (await stat(path.join(DIR, f))).size;
    expect(bytes).toBeLessThan(10e6);
    const model = await TimbreModel.load(fsSource(DIR));
    try {
      const list = timbreExamplesSchema.parse(JSON.parse(await readFile(path.join(DIR, 'examples', 'examples.json'), 'utf8')));
      expect(list.examples.length).toBeGreaterThanOrEqual(14);
      let better = 0;
      for (const e of list.examples) {
        const note = prepareNote(await decodeAudio(new Uint8Array(await readFile(path.join(DIR, 'examples', e.file))), e.file), e.file);
        expect(note.samples).toHaveLength(NOTE_SAMPLES);
        const { z, conditions } = await model.encodeNotes([{ samples: note.samples, conditions: note.conditions }]);
        const [y] = await model.decodeNotes(z, conditions);
        const out = estimatePitch(y!, { near: note.pitch });
        expect(Math.abs(out!.midi - note.pitch)).toBeLessThan(0.5);
        if (multiScaleDistance(y!, note.samples) < multiScaleDistance(sineBaseline(note.samples, note.conditions.f0Hz), note.samples)) better++;
      }
      expect(better).toBeGreaterThanOrEqual(Math.ceil(0.8 * list.examples.length));
      // A random code plays at the asked pitch.
      const [r] = await model.decodeNotes(await model.randomCodes(1, 3), [{ f0Hz: midiToHz(64), loudnessDb: -25 }]);
      expect(estimatePitch(r!, { near: 64 })!.midi).toBeCloseTo(64, 0);
    } finally {
      model.dispose();
    }
  }, 120_000);
});

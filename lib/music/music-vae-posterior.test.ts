import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensorsToNamedValues } from '../core/checkpoint-write';
import { fsSource } from '../core/checkpoint-node';
import { CheckpointError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import { MusicVAE, musicVaeConfigSchema } from './music-vae';
import { TINY_MELODY, writeTinyCheckpoint } from './testing/fixtures';
import { converterFor, musicVaeConfigFor, randomMusicVaeVariables } from './testing/random-checkpoint';
import { batchTensors } from './train-batch';
import { DEFAULT_HPARAMS } from './train-options';
import { MusicVaeTrainer } from './train';

let root: string;
let dir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'musicvae-posterior-'));
  dir = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 21 }, 'none', root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('MusicVAE.encodeDistribution', () => {
  it('gives the same μ as encode, and a σ whose KL matches the training code', async () => {
    const model = await MusicVAE.load(fsSource(dir), { keepVariables: true });
    const conv = converterFor('melody');
    const windows = MELODY_EXAMPLES.map((e) => conv.toLabels(melodyExample(e)));
    const batch = batchTensors(conv, windows);
    try {
      const before = liveTensorCount();
      const { mean, logVar } = await model.encodeDistribution(batch.x);
      const mu = await model.encode(batch.x);
      expect(mean.shape).toEqual([windows.length, model.zDims]);
      expect(logVar.shape).toEqual([windows.length, model.zDims]);
      const [m, lv, e] = await Promise.all([mean.data(), logVar.data(), mu.data()]);
      m.forEach((v, i) => expect(v).toBeCloseTo(e[i] ?? NaN, 5));
      // KL(q(z|x) ‖ N(0, I)) per window, summed over units, averaged over windows — as the trainer computes it.
      let kl = 0;
      for (let i = 0; i < m.length; i++) kl += 0.5 * ((m[i] ?? 0) ** 2 + Math.exp(lv[i] ?? 0) - (lv[i] ?? 0) - 1);
      kl /= windows.length;
      const { encoderUnits, decoderUnits, zDims } = model.sizes;
      if (!model.variables) throw new Error('variables were not kept');
      const trainer = new MusicVaeTrainer(conv, { ...DEFAULT_HPARAMS.melody, encoderUnits, decoderUnits, zDims }, await tensorsToNamedValues(model.variables));
      const stats = await trainer.evaluate(batch);
      trainer.dispose();
      expect(kl).toBeCloseTo(stats.kl, 3);
      tf.dispose([mean, logVar, mu]);
      expect(liveTensorCount()).toBe(before);
    } finally {
      tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
      model.dispose();
    }
  });

  it('says so when a checkpoint has no encoder/sigma, and frees σ on dispose', async () => {
    const vars = randomMusicVaeVariables({ ...TINY_MELODY, seed: 5 });
    const named: tf.NamedTensorMap = {};
    for (const v of vars) if (!v.name.startsWith('encoder/sigma')) named[v.name] = tf.tensor(v.values, v.shape);
    const before = liveTensorCount();
    const model = new MusicVAE(musicVaeConfigSchema.parse(musicVaeConfigFor('melody')), named);
    const x = tf.zeros([1, 32, converterFor('melody').inputDepth]) as tf.Tensor3D;
    await expect(model.encodeDistribution(x)).rejects.toBeInstanceOf(CheckpointError);
    x.dispose();
    model.dispose();
    expect(liveTensorCount()).toBeLessThanOrEqual(before);
    const full = await MusicVAE.load(fsSource(dir));
    const start = liveTensorCount();
    full.dispose();
    expect(liveTensorCount()).toBeLessThan(start);
  });
});

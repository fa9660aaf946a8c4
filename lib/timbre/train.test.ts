import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrainingDivergedError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { noteFeatures } from './features';
import { spectralTarget } from './spectral-loss';
import { midiToHz, NOTE_SAMPLES } from './spec';
import { tinyTimbreConfig } from './testing/model';
import { syntheticNote } from './testing/notes';
import { DEFAULT_TIMBRE_HPARAMS, featureStats, TimbreTrainer, trainingSizes, type TimbreBatch } from './train';

function batchOf(pitches: number[], sizes: readonly number[]): TimbreBatch {
  const notes = pitches.map((p, i) => syntheticNote({ pitch: p, slope: 1 + (i % 3), decay: i % 2 }));
  const features = new Float32Array(notes.length * 128 * 96);
  notes.forEach((n, i) => features.set(noteFeatures(n, midiToHz(pitches[i]!)), i * 128 * 96));
  return { features, f0Hz: pitches.map(midiToHz), loudnessDb: notes.map(() => -20), targets: notes.map((n) => spectralTarget(n, sizes)), sizes };
}

describe('TimbreTrainer', () => {
  it('lowers the spectral distance on a small batch, leaks nothing, and exports loadable weights', async () => {
    const config = tinyTimbreConfig();
    const hparams = { ...DEFAULT_TIMBRE_HPARAMS, zDims: 4, harmonics: 16, noiseBands: 8, learningRate: 3e-3, betaWarmupSteps: 0, maxBeta: 1e-4 };
    const trainer = new TimbreTrainer(config, hparams);
    const sizes = [512, 128];
    const batch = batchOf([48, 55, 60, 67], sizes);
    const stats = featureStats([batch.features]);
    trainer.setFeatureStats(stats.mean, stats.std);
    const first = await trainer.trainStep(batch, 1);
    // Adam makes its moment variables on the first step; after that a step leaves nothing behind.
    const before = liveTensorCount();
    let last = first;
    for (let s = 2; s <= 25; s++) last = await trainer.trainStep(batch, s);
    expect(last.distance).toBeLessThan(first.distance * 0.9);
    expect(trainer.step).toBe(25);
    expect(liveTensorCount()).toBe(before);
    const values = await trainer.toNamedValues();
    expect(values.map((v) => v.name)).toContain('decoder/out/kernel');
    const model = trainer.snapshotModel();
    const [z] = await model.randomCodes(1, 1);
    expect((await model.decodeNotes([z!], [{ f0Hz: 220, loudnessDb: -20 }]))[0]).toHaveLength(NOTE_SAMPLES);
    model.dispose();
    trainer.dispose();
  });

  it('trains a family classifier on μ when asked, and the model names families with it', async () => {
    const config = { ...tinyTimbreConfig(), familyClassifier: true };
    const trainer = new TimbreTrainer(config, { ...DEFAULT_TIMBRE_HPARAMS, zDims: 4, harmonics: 16, noiseBands: 8, learningRate: 1e-2, familyWeight: 1 });
    const batch = { ...batchOf([48, 55, 60, 67], [128]), families: [0, 7, 0, 7] };
    const stats = featureStats([batch.features]);
    trainer.setFeatureStats(stats.mean, stats.std);
    const first = await trainer.trainStep(batch, 1);
    let last = first;
    for (let s = 2; s <= 30; s++) last = await trainer.trainStep(batch, s);
    expect(last.familyLoss).toBeLessThan(first.familyLoss);
    expect(last.familyAccuracy).toBe(1);
    await expect(trainer.trainStep({ ...batch, families: undefined }, 99)).rejects.toThrow(/family per note/);
    const model = trainer.snapshotModel();
    expect(model.hasFamilyClassifier).toBe(true);
    const { z } = await model.encodeNotes([{ samples: syntheticNote({ pitch: 55, slope: 2 }) }]);
    const [guess] = await model.predictFamilies(z);
    expect(['piano', 'brass']).toContain(guess!.family);
    expect(guess!.probability).toBeGreaterThan(0.25);
    model.dispose();
    trainer.dispose();
  });

  it('refuses a diverged step without touching the weights', async () => {
    const trainer = new TimbreTrainer(tinyTimbreConfig(), { ...DEFAULT_TIMBRE_HPARAMS, zDims: 4, harmonics: 16, noiseBands: 8 });
    const batch = batchOf([60, 64], [128]);
    batch.features[5] = Number.NaN;
    const before = await trainer.toNamedValues();
    await expect(trainer.trainStep(batch, 1)).rejects.toBeInstanceOf(TrainingDivergedError);
    const after = await trainer.toNamedValues();
    expect(after.map((v) => Array.from(v.values.slice(0, 5)))).toEqual(before.map((v) => Array.from(v.values.slice(0, 5))));
    expect(trainer.step).toBe(0);
    trainer.dispose();
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });

  it('alternates FFT sizes so two steps cover all six', () => {
    expect([...trainingSizes(0), ...trainingSizes(1)].sort((a, b) => a - b)).toEqual([64, 128, 256, 512, 1024, 2048]);
  });
});

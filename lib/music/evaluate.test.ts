import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import { evaluateModel, sequenceStats } from './evaluate';
import { MusicVAE } from './music-vae';
import { converterFor, musicVaeConfigFor } from './testing/random-checkpoint';
import { batchTensors } from './train-batch';
import { DEFAULT_HPARAMS } from './train-options';
import { MusicVaeTrainer } from './train';

describe('evaluateModel', () => {
  it('reports accuracies, KL, active units and sample statistics of a trained model', async () => {
    const converter = converterFor('melody');
    const windows = MELODY_EXAMPLES.map((e) => converter.toLabels(melodyExample(e)));
    const trainer = new MusicVaeTrainer(converter, {
      ...DEFAULT_HPARAMS.melody,
      encoderUnits: 32,
      decoderUnits: [32],
      zDims: 8,
      learningRate: 1e-2,
      betaRate: 0,
      maxBeta: 0.01,
    });
    const batch = batchTensors(converter, windows);
    for (let i = 0; i < 200; i++) await trainer.trainStep(batch, i);
    tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
    const values = await trainer.toNamedValues();
    trainer.dispose();
    const start = tf.memory().numTensors;
    const vars: tf.NamedTensorMap = {};
    for (const v of values) vars[v.name] = tf.tensor(v.values, v.shape);
    const model = new MusicVAE(musicVaeConfigFor('melody'), vars, { keepVariables: true });
    const before = tf.memory().numTensors;
    const report = await evaluateModel(model, windows, { samples: 8, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.windows).toBe(8);
    expect(report.teacherForcedAccuracy).toBeGreaterThan(0.8);
    expect(report.greedyAccuracy).toBeGreaterThan(0.7);
    expect(report.greedyEventAccuracy).toBeGreaterThan(0.3);
    expect(report.greedyEventAccuracy).toBeLessThanOrEqual(report.greedyAccuracy + 1e-9); // event steps are the hard ones
    expect(report.activeUnits).toBeGreaterThan(0);
    expect(report.activeUnits).toBeLessThanOrEqual(8);
    expect(report.meanKl).toBeGreaterThan(0);
    expect(report.data.noteDensity).toBeCloseTo(windows.reduce((a, w) => a + w.filter((l) => l >= 2).length, 0) / 8, 6);
    expect(report.samples.noteDensity).toBeGreaterThan(0);
    expect(report.refined).toBeUndefined();
    const refined = await evaluateModel(model, windows, { samples: 8, seed: 3, refine: { steps: 30 } });
    // The model keeps its decoder's weights as refinement uses them (made once, freed with the model).
    const withRefineWeights = tf.memory().numTensors;
    expect(refined.refined?.steps).toBe(30);
    // Refining the codes of windows the model knows keeps (or improves) what greedy decoding gets right.
    expect(refined.refined?.greedyAccuracy).toBeGreaterThanOrEqual(report.greedyAccuracy - 0.05);
    expect(refined.refined?.meanDistanceSigma).toBeGreaterThan(0);
    expect(refined.greedyAccuracy).toBe(report.greedyAccuracy);
    expect(refined.refined?.windows).toBe(8);
    // A refine limit refines that many windows, spread over the set; the amortized numbers stay whole.
    const some = await evaluateModel(model, windows, { samples: 8, seed: 3, refine: { steps: 5 }, refineLimit: 3 });
    expect(tf.memory().numTensors).toBe(withRefineWeights);
    expect(some.refined?.windows).toBe(3);
    expect(some.windows).toBe(8);
    expect(some.greedyAccuracy).toBe(report.greedyAccuracy);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }, 120_000);

  it('needs σ and at least one window', async () => {
    const vars: tf.NamedTensorMap = {};
    const trainer = new MusicVaeTrainer(converterFor('melody'), { ...DEFAULT_HPARAMS.melody, encoderUnits: 8, decoderUnits: [8], zDims: 2 });
    for (const v of await trainer.toNamedValues()) vars[v.name] = tf.tensor(v.values, v.shape);
    trainer.dispose();
    const withSigma = new MusicVAE(musicVaeConfigFor('melody'), { ...vars }, { keepVariables: true });
    await expect(evaluateModel(withSigma, [])).rejects.toBeInstanceOf(InvalidInputError);
    withSigma.dispose();
  });
});

describe('sequenceStats', () => {
  it('counts notes and pitch ranges per window', () => {
    const stats = sequenceStats([
      melodyExample({
        id: 'a',
        title: 'a',
        notes: [
          [60, 0, 4],
          [67, 4, 4],
        ],
      }),
      melodyExample({ id: 'b', title: 'b', notes: [[50, 0, 4]] }),
    ]);
    expect(stats).toEqual({ noteDensity: 1.5, pitchRange: 3.5 });
  });
});

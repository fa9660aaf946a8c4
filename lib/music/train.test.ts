import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DRUM_EXAMPLES, drumExample, MELODY_EXAMPLES, melodyExample } from './examples';
import { MusicVAE } from './music-vae';
import { converterFor, musicVaeConfigFor } from './testing/random-checkpoint';
import { batchTensors } from './train-batch';
import { DEFAULT_HPARAMS, type TrainHyperparams } from './train-options';
import { MusicVaeTrainer } from './train';
import { TrainingDivergedError } from '../core/errors';

const small = (kind: 'melody' | 'drums'): TrainHyperparams => ({
  ...DEFAULT_HPARAMS[kind],
  encoderUnits: 32,
  decoderUnits: [32],
  zDims: 8,
  learningRate: 1e-2,
  betaRate: 0,
  maxBeta: 0.01,
  freeBits: 0,
});

describe('MusicVaeTrainer', () => {
  it('frees every tensor it made on dispose', () => {
    const before = tf.memory().numTensors;
    new MusicVaeTrainer(converterFor('drums'), small('drums')).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('schedules β and the learning rate like Magenta', () => {
    const t = new MusicVaeTrainer(converterFor('melody'), {
      ...small('melody'),
      betaRate: 0.99,
      maxBeta: 0.2,
      learningRate: 1e-3,
      decayRate: 0.9,
      minLearningRate: 1e-5,
    });
    expect(t.beta(0)).toBe(0);
    expect(t.beta(100)).toBeCloseTo((1 - 0.99 ** 100) * 0.2, 10);
    expect(t.learningRate(0)).toBeCloseTo(1e-3, 12);
    expect(t.learningRate(10)).toBeCloseTo((1e-3 - 1e-5) * 0.9 ** 10 + 1e-5, 12);
    t.dispose();
    // A fine-tuning from a trained model's step 5,846 decays from there, not from step 0.
    const ft = new MusicVaeTrainer(converterFor('melody'), { ...small('melody'), learningRate: 1e-3, decayRate: 0.9, minLearningRate: 1e-5, decayFrom: 5846 });
    expect(ft.learningRate(5846)).toBeCloseTo(1e-3, 12);
    expect(ft.learningRate(5856)).toBeCloseTo((1e-3 - 1e-5) * 0.9 ** 10 + 1e-5, 12);
    ft.dispose();
    // With a warm-up of 4 steps: a quarter of the rate at the first step, all of it (decayed) from the fourth on.
    const warm = new MusicVaeTrainer(converterFor('melody'), {
      ...small('melody'),
      learningRate: 1e-3,
      decayRate: 0.9,
      minLearningRate: 1e-5,
      decayFrom: 100,
      warmupSteps: 4,
    });
    expect(warm.learningRate(100)).toBeCloseTo(1e-3 / 4, 12);
    expect(warm.learningRate(101)).toBeCloseTo(((1e-3 - 1e-5) * 0.9 + 1e-5) / 2, 12);
    expect(warm.learningRate(103)).toBeCloseTo((1e-3 - 1e-5) * 0.9 ** 3 + 1e-5, 12);
    warm.dispose();
  });

  it("schedules sampling with Magenta's inverse sigmoid, from a chosen step", () => {
    const t = new MusicVaeTrainer(converterFor('melody'), { ...small('melody'), samplingRate: 1000, samplingFrom: 500 });
    expect(t.samplingProbability(0)).toBeCloseTo(1 - 1000 / 1001, 10);
    expect(t.samplingProbability(500)).toBeCloseTo(1 - 1000 / 1001, 10);
    expect(t.samplingProbability(500 + 1000 * Math.log(1000))).toBeCloseTo(0.5, 6);
    expect(t.samplingProbability(500 + 20000)).toBeGreaterThan(0.99);
    t.dispose();
    const off = new MusicVaeTrainer(converterFor('melody'), small('melody'));
    expect(off.samplingProbability(1e6)).toBe(0);
    off.dispose();
  });

  it('scheduled sampling feeds the decoder its own samples, exactly as a step-by-step run would (p = 1: every step sampled)', async () => {
    const converter = converterFor('melody');
    const trainer = new MusicVaeTrainer(converter, small('melody'));
    // A sharp output layer makes sampling at temperature 1 pick the argmax, which teacher forcing can check.
    const out = trainer.variables.get('decoder/output_projection/kernel');
    out?.assign(tf.mul(out, 20000) as tf.Tensor);
    const windows = MELODY_EXAMPLES.slice(0, 3).map((e) => converter.toLabels(melodyExample(e)));
    const batch = batchTensors(converter, windows);
    const z = tf.tensor2d(
      Float32Array.from({ length: 3 * 8 }, (_, i) => Math.sin(i)),
      [3, 8],
    );
    const before = tf.memory().numTensors;
    const { previous, sampledSteps } = await trainer.sampledPrevious(batch, z, 1, 7);
    expect(sampledSteps).toBe(31 * 3);
    expect(tf.memory().numTensors).toBe(before + 1);
    // Teacher forcing on those inputs: each fed class is the argmax of the previous step's output.
    const logits = tf.tidy(() => (trainer as unknown as { decodeLogits(z: tf.Tensor2D, p: tf.Tensor3D): tf.Tensor2D }).decodeLogits(z, previous));
    const argmax = (await tf.argMax(logits, 1).data()) as Int32Array; // [T·B]
    const fed = (await tf.argMax(previous, 2).data()) as Int32Array; // [T, B]
    for (let t = 0; t + 1 < 32; t++) for (let b = 0; b < 3; b++) expect(fed[(t + 1) * 3 + b]).toBe(argmax[t * 3 + b]);
    const truth = await trainer.sampledPrevious(batch, z, 0, 7);
    expect(truth.sampledSteps).toBe(0);
    expect(Array.from(await truth.previous.data())).toEqual(Array.from(await batch.previous.data()));
    tf.dispose([previous, logits, truth.previous, z, batch.x, batch.previous, batch.targets, batch.labels]);
    trainer.dispose();
  });

  it('learns a few melodies; the exported weights decode them back in the inference model', async () => {
    const converter = converterFor('melody');
    const windows = MELODY_EXAMPLES.map((e) => converter.toLabels(melodyExample(e)));
    const trainer = new MusicVaeTrainer(converter, small('melody'));
    const batch = batchTensors(converter, windows);
    const first = await trainer.trainStep(batch, 0);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 1; i < 250; i++) last = await trainer.trainStep(batch, i);
    expect(tf.memory().numTensors).toBe(before); // no tensor grows step after step
    expect(last.reconstruction).toBeLessThan(first.reconstruction * 0.2);
    expect(last.accuracy).toBeGreaterThan(0.8); // with sampled codes
    expect(last.step).toBe(250);
    const evaluation = await trainer.evaluate(batch);
    expect(evaluation.accuracy).toBeGreaterThan(0.85); // teacher-forced, from μ

    // The same weights as a Magenta-format model: argmax decoding of μ must give the melodies back.
    const vars: tf.NamedTensorMap = {};
    for (const v of await trainer.toNamedValues()) vars[v.name] = tf.tensor(v.values, v.shape);
    const model = new MusicVAE(musicVaeConfigFor('melody'), vars);
    const { z } = await model.encodeSequences(MELODY_EXAMPLES.map((e) => melodyExample(e)));
    const codes = tf.tensor2d(z.map((r) => Array.from(r)));
    const decoded = await model.decodeLabels(codes);
    const same = decoded.flatMap((l, i) => Array.from(l).map((x, t) => (x === windows[i]?.[t] ? 1 : 0))).reduce<number>((a, b) => a + b, 0);
    // Free-running argmax decoding lands close to the teacher-forced accuracy: the training graph and
    // the inference model agree on every layout detail (a mismatch would drop this towards chance).
    expect(same / (windows.length * 32)).toBeGreaterThan(evaluation.accuracy - 0.1);
    tf.dispose([codes, batch.x, batch.previous, batch.targets, batch.labels]);
    model.dispose();
    trainer.dispose();
  }, 120_000);

  it('trains drums too (512 classes) and lowers the loss', async () => {
    const converter = converterFor('drums');
    const trainer = new MusicVaeTrainer(converter, small('drums'));
    const batch = batchTensors(
      converter,
      DRUM_EXAMPLES.map((e) => converter.toLabels(drumExample(e))),
    );
    const first = await trainer.trainStep(batch, 0);
    let last = first;
    for (let i = 1; i < 60; i++) last = await trainer.trainStep(batch, i);
    expect(last.loss).toBeLessThan(first.loss * 0.5);
    tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
    trainer.dispose();
  }, 120_000);

  it('stops on a NaN loss without touching the weights', async () => {
    const converter = converterFor('melody');
    const start = new MusicVaeTrainer(converter, small('melody'));
    const values = await start.toNamedValues();
    start.dispose();
    const poisoned = values.map((v) => (v.name === 'encoder/mu/bias' ? { ...v, values: v.values.map(() => Number.NaN) } : v));
    const trainer = new MusicVaeTrainer(converter, small('melody'), poisoned);
    const batch = batchTensors(converter, [converter.toLabels(melodyExample(MELODY_EXAMPLES[0] ?? { id: 'x', title: 'x', notes: [] }))]);
    const kernelBefore = Array.from(await (trainer.variables.get('decoder/output_projection/kernel') as tf.Variable).data());
    await expect(trainer.trainStep(batch, 1)).rejects.toBeInstanceOf(TrainingDivergedError);
    expect(Array.from(await (trainer.variables.get('decoder/output_projection/kernel') as tf.Variable).data())).toEqual(kernelBefore);
    expect(trainer.step).toBe(0);
    tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
    trainer.dispose();
  });
});

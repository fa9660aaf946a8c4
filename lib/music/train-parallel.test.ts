import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import { converterFor } from './testing/random-checkpoint';
import { batchTensors } from './train-batch';
import { DEFAULT_HPARAMS } from './train-options';
import { MusicVaeTrainer } from './train';
import { ParallelTrainer, shardSizes } from './train-parallel';
import { nodeTrainPeer } from './train-parallel-node';

describe('ParallelTrainer', () => {
  it('splits a batch as evenly as possible', () => {
    expect(shardSizes(64, 2)).toEqual([32, 32]);
    expect(shardSizes(7, 3)).toEqual([3, 2, 2]);
    expect(shardSizes(2, 4)).toEqual([1, 1, 0, 0]);
  });

  it('with a worker thread, makes the same updates as one trainer (stats and weights, up to float rounding)', async () => {
    const converter = converterFor('melody');
    const hp = { ...DEFAULT_HPARAMS.melody, encoderUnits: 24, decoderUnits: [16, 16], zDims: 6, samplingRate: 4 };
    const windows = MELODY_EXAMPLES.map((e) => converter.toLabels(melodyExample(e)));
    const single = new MusicVaeTrainer(converter, hp);
    const shared = new MusicVaeTrainer(converter, hp);
    const parallel = new ParallelTrainer(shared, converter, 2, nodeTrainPeer);
    await parallel.start();
    try {
      for (let step = 0; step < 3; step++) {
        const batch = batchTensors(converter, windows);
        const a = await single.trainStep(batch, 40 + step);
        tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
        const b = await parallel.trainStep(windows, 40 + step);
        expect(b.step).toBe(a.step);
        expect(b.loss).toBeCloseTo(a.loss, 3);
        expect(b.gradNorm).toBeCloseTo(a.gradNorm, 3);
        expect(b.accuracy).toBeCloseTo(a.accuracy, 6);
        expect(b.samplingProbability).toBeGreaterThan(0);
      }
      const [wa, wb] = [await single.toNamedValues(), await shared.toNamedValues()];
      let largest = 0;
      wa.forEach((w, i) => w.values.forEach((v, j) => (largest = Math.max(largest, Math.abs(v - (wb[i]?.values[j] ?? NaN))))));
      expect(largest).toBeLessThan(1e-5);
    } finally {
      await parallel.close();
      single.dispose();
      shared.dispose();
    }
  }, 120_000);

  it('refuses a silly number of workers', () => {
    const trainer = new MusicVaeTrainer(converterFor('drums'), { ...DEFAULT_HPARAMS.drums, encoderUnits: 8, decoderUnits: [8], zDims: 4 });
    expect(() => new ParallelTrainer(trainer, converterFor('drums'), 0)).toThrow(/--workers must be a whole number/);
    trainer.dispose();
  });
});

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { ImageAutoencoder } from './image-model';
import { IMAGE_PIXELS, imageModelSpec } from './specs';
import { imageLoss } from './losses';
import { describeSchedule, klWarmupWeight, scheduledLearningRate } from './schedule';
import { imagesTensor, type ImageData } from './tensors';
import { trainImageModel } from './train';
import { validateTrainOptions, type EpochStats, type ImageTrainOptions } from './train-options';

/** Seeded random "digits" in 0..1. */
function noiseImages(n: number, seed: number): ImageData {
  const rng = createRng(seed);
  return { images: Float32Array.from({ length: n * IMAGE_PIXELS }, () => rng.next()), count: n };
}

/** A dense AE whose weights come from a seed (layers initialise from Math.random otherwise). */
function seededDenseAe(seed: number): ImageAutoencoder {
  const model = ImageAutoencoder.create(imageModelSpec('dense-ae'));
  const rng = createRng(seed);
  for (const v of model.trainableVariables) {
    const value = tf.tensor(
      rng.normalArray(v.size).map((x) => x * 0.05),
      v.shape,
    );
    v.assign(value);
    value.dispose();
  }
  return model;
}

function kernelNorm(model: ImageAutoencoder): number {
  return model.trainableVariables.filter((v) => v.rank >= 2).reduce((s, v) => s + Array.from(v.dataSync()).reduce((a, x) => a + x * x, 0), 0);
}

describe('learning-rate schedules', () => {
  it('keeps the rate constant without a schedule or with a constant one', () => {
    for (const step of [0, 1, 50, 99, 500]) {
      expect(scheduledLearningRate(1e-3, undefined, step, 100)).toBe(1e-3);
      expect(scheduledLearningRate(1e-3, { kind: 'constant' }, step, 100)).toBe(1e-3);
    }
  });

  it('decays along half a cosine from the rate to the final rate', () => {
    const s = { kind: 'cosine', finalLearningRate: 1e-4 } as const;
    expect(scheduledLearningRate(1e-3, s, 0, 101)).toBeCloseTo(1e-3, 12);
    expect(scheduledLearningRate(1e-3, s, 50, 101)).toBeCloseTo(5.5e-4, 12);
    expect(scheduledLearningRate(1e-3, s, 25, 101)).toBeCloseTo(1e-4 + (9e-4 * (1 + Math.SQRT1_2)) / 2, 12);
    expect(scheduledLearningRate(1e-3, s, 100, 101)).toBeCloseTo(1e-4, 12);
    expect(scheduledLearningRate(1e-3, s, 400, 101)).toBeCloseTo(1e-4, 12);
    const rates = Array.from({ length: 101 }, (_, i) => scheduledLearningRate(1e-3, s, i, 101));
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThan(rates[i - 1] ?? 0);
  });

  it('decays geometrically for the exponential schedule', () => {
    const s = { kind: 'exponential', finalLearningRate: 1e-5 } as const;
    expect(scheduledLearningRate(1e-3, s, 0, 11)).toBeCloseTo(1e-3, 12);
    expect(scheduledLearningRate(1e-3, s, 5, 11)).toBeCloseTo(1e-4, 12);
    expect(scheduledLearningRate(1e-3, s, 10, 11)).toBeCloseTo(1e-5, 12);
    // Equal ratios between equal steps.
    const r = (i: number): number => scheduledLearningRate(1e-3, s, i, 11);
    expect(r(3) / r(2)).toBeCloseTo(r(8) / r(7), 10);
    // A run of one batch uses the starting rate.
    expect(scheduledLearningRate(1e-3, s, 0, 1)).toBe(1e-3);
  });

  it('describes itself', () => {
    expect(describeSchedule(1e-3, undefined)).toBe('constant learning rate 0.001');
    expect(describeSchedule(1e-3, { kind: 'cosine', finalLearningRate: 1e-5 })).toMatch(/^cosine decay .* from 0\.001 to 0\.00001 /);
  });

  it('rejects a final rate above the rate or out of range, and a bad weight decay', () => {
    const base = { epochs: 1, batchSize: 8, learningRate: 1e-3, seed: 1 };
    expect(() => validateTrainOptions({ ...base, schedule: { kind: 'cosine', finalLearningRate: 1e-4 }, weightDecay: 0.05 })).not.toThrow();
    expect(() => validateTrainOptions({ ...base, schedule: { kind: 'cosine', finalLearningRate: 2e-3 } })).toThrow(InvalidInputError);
    expect(() => validateTrainOptions({ ...base, schedule: { kind: 'exponential', finalLearningRate: 0 } })).toThrow(/final learning rate/);
    expect(() => validateTrainOptions({ ...base, schedule: { kind: 'exponential', finalLearningRate: NaN } })).toThrow(/final learning rate/);
    expect(() => validateTrainOptions({ ...base, weightDecay: -0.1 })).toThrow(/Weight decay/);
    expect(() => validateTrainOptions({ ...base, weightDecay: 2 })).toThrow(/Weight decay/);
  });
});

describe('KL warm-up', () => {
  it('ramps the KL weight linearly per batch to 1 over the warm-up epochs, and is 1 without one', () => {
    for (const step of [0, 7, 1000]) {
      expect(klWarmupWeight(undefined, step, 100)).toBe(1);
      expect(klWarmupWeight(0, step, 100)).toBe(1);
    }
    expect(klWarmupWeight(10, 0, 100)).toBeCloseTo(1 / 1000, 12);
    expect(klWarmupWeight(10, 499, 100)).toBeCloseTo(0.5, 12);
    expect(klWarmupWeight(10, 999, 100)).toBe(1);
    expect(klWarmupWeight(10, 5000, 100)).toBe(1);
  });

  it('scales only the KL term of a VAE (an autoencoder ignores it), and checks the setting', () => {
    const data = noiseImages(8, 3);
    const vae = ImageAutoencoder.create(imageModelSpec('vae'));
    const ae = seededDenseAe(2);
    const [full, half, none, aeFull, aeNone] = tf.tidy(() => {
      const x = imagesTensor(data, [0, 1, 2, 3, 4, 5, 6, 7]);
      return [
        imageLoss(vae, x, x, 5, false),
        imageLoss(vae, x, x, 5, false, 0.5),
        imageLoss(vae, x, x, 5, false, 0),
        imageLoss(ae, x, x, 5, false),
        imageLoss(ae, x, x, 5, false, 0),
      ].map((t) => t.dataSync()[0] ?? NaN);
    });
    const kl = (full ?? NaN) - (none ?? NaN);
    expect(kl).toBeGreaterThan(0);
    expect(half).toBeCloseTo((none ?? NaN) + kl / 2, 3);
    expect(aeNone).toBe(aeFull);
    vae.dispose();
    ae.dispose();
    const base = { epochs: 1, batchSize: 8, learningRate: 1e-3, seed: 1 };
    expect(() => validateTrainOptions({ ...base, klWarmupEpochs: 5 })).not.toThrow();
    expect(() => validateTrainOptions({ ...base, klWarmupEpochs: -1 })).toThrow(/KL warm-up/);
    expect(() => validateTrainOptions({ ...base, klWarmupEpochs: 1.5 })).toThrow(/KL warm-up/);
  });
});

describe('training with a schedule and weight decay', () => {
  const train = noiseImages(64, 1);
  const test = noiseImages(16, 2);
  const base: ImageTrainOptions = { epochs: 2, batchSize: 16, learningRate: 1e-2, seed: 4 };

  async function run(options: Partial<ImageTrainOptions>): Promise<{ batchLosses: number[]; epochs: EpochStats[]; norm: number }> {
    const model = seededDenseAe(9);
    const batchLosses: number[] = [];
    const result = await trainImageModel(model, train, test, { ...base, ...options, onBatch: (s) => batchLosses.push(s.loss) });
    const norm = kernelNorm(model);
    model.dispose();
    return { batchLosses, epochs: result.epochs, norm };
  }

  it('gives the same run without a schedule as with a constant one, and reports the rate per epoch', async () => {
    const plain = await run({});
    const constant = await run({ schedule: { kind: 'constant' } });
    expect(constant.batchLosses).toEqual(plain.batchLosses);
    expect(plain.epochs.map((e) => e.learningRate)).toEqual([1e-2, 1e-2]);
  });

  it('applies the scheduled rate: the last batch runs at the final rate and the steps change', async () => {
    const plain = await run({});
    const start = liveTensorCount();
    const cosine = await run({ schedule: { kind: 'cosine', finalLearningRate: 1e-4 } });
    expect(liveTensorCount()).toBe(start);
    // 4 batches per epoch, 8 in all: epoch 1 ends on step 3 of 0..7.
    expect(cosine.epochs[0]?.learningRate).toBeCloseTo(scheduledLearningRate(1e-2, { kind: 'cosine', finalLearningRate: 1e-4 }, 3, 8), 12);
    expect(cosine.epochs[1]?.learningRate).toBeCloseTo(1e-4, 12);
    // Step 0 uses the full rate in both runs, so the first loss (computed before any step) and
    // the second (after one identical step) agree; later ones differ once the rates differ.
    expect(cosine.batchLosses.slice(0, 2)).toEqual(plain.batchLosses.slice(0, 2));
    expect(cosine.batchLosses.at(-1)).not.toEqual(plain.batchLosses.at(-1));
  });

  it('shrinks the weight matrices with weight decay, and keeps a zero decay identical to none', async () => {
    const plain = await run({});
    const zero = await run({ weightDecay: 0 });
    expect(zero.batchLosses).toEqual(plain.batchLosses);
    const decayed = await run({ weightDecay: 0.9 });
    expect(decayed.norm).toBeLessThan(plain.norm * 0.95);
  });

  it('trains only the encoder when asked, leaving every decoder weight as it was', async () => {
    const model = seededDenseAe(11);
    const snapshot = (vars: tf.Variable[]): number[][] => vars.map((v) => Array.from(v.dataSync()));
    const decoderBefore = snapshot(model.decoder.trainableWeights.map((w) => w.read() as tf.Variable));
    const encoderBefore = snapshot(model.encoderVariables);
    const before = liveTensorCount();
    await trainImageModel(model, train, test, { ...base, trainOnly: 'encoder' });
    expect(liveTensorCount()).toBe(before);
    expect(snapshot(model.decoder.trainableWeights.map((w) => w.read() as tf.Variable))).toEqual(decoderBefore);
    expect(snapshot(model.encoderVariables)).not.toEqual(encoderBefore);
    model.dispose();
  });

  it('feeds the encoder noisy digits with input noise (a zero σ is no noise), and checks the setting', async () => {
    const plain = await run({});
    expect((await run({ inputNoise: 0 })).batchLosses).toEqual(plain.batchLosses);
    const before = liveTensorCount();
    const noisy = await run({ inputNoise: 0.3 });
    expect(liveTensorCount()).toBe(before);
    // The first loss is computed before any step: it differs only because the input does.
    expect(noisy.batchLosses[0]).not.toEqual(plain.batchLosses[0]);
    expect(noisy.batchLosses.every(Number.isFinite)).toBe(true);
    for (const bad of [-0.1, 2, NaN]) expect(() => validateTrainOptions({ ...base, inputNoise: bad })).toThrow(/Input noise/);
    const denoiser = ImageAutoencoder.create(imageModelSpec('denoise'), 3);
    await expect(trainImageModel(denoiser, train, test, { ...base, inputNoise: 0.2 })).rejects.toThrow(InvalidInputError);
    denoiser.dispose();
  });
});

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { NamedValues } from '../core/checkpoint-write';
import {
  FineTuner,
  fineTuneBatch,
  fineTuneHyperparams,
  fineTunedModel,
  fineTuneStateSchema,
  REHEARSAL_WINDOWS,
  rehearsalWindows,
  runFineTune,
  type FineTuneState,
} from './finetune';
import { scoreReconstruction, styleDistance, styleProfile } from './finetune-eval';
import { fineTuneRecipe, type FineTuneMode } from './finetune-recipe';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import { MusicVAE } from './music-vae';
import { TINY_MELODY } from './testing/fixtures';
import { nodeTrainPeer } from './train-parallel-node';
import { converterFor, musicVaeConfigFor, randomMusicVaeVariables } from './testing/random-checkpoint';

function base(poison = false): MusicVAE {
  const values = randomMusicVaeVariables(TINY_MELODY);
  if (poison) {
    const out = values.find((v) => v.name === 'decoder/output_projection/bias') as NamedValues;
    out.values[0] = NaN;
  }
  const vars = Object.fromEntries(values.map((v) => [v.name, tf.tensor(v.values, v.shape)]));
  return new MusicVAE(musicVaeConfigFor('melody'), vars, { keepVariables: true, name: 'tiny' });
}

const windows = (): Int32Array[] => {
  const conv = converterFor('melody');
  return MELODY_EXAMPLES.map((e) => conv.toLabels(melodyExample(e)));
};

const recipe = (mode: FineTuneMode) => ({
  ...fineTuneRecipe(mode, 'melody'),
  batchSize: 4,
  learningRate: 0.01,
  latent: { latentDims: 2, layers: [8], beta: 1 },
});

const byName = (state: FineTuneState): Map<string, Float32Array> => new Map(state.weights.map((w) => [w.name, w.values]));
const changed = (a: Float32Array | undefined, b: Float32Array | undefined): boolean => (a ?? []).some((v, i) => !Object.is(v, b?.[i]));

describe('FineTuner', () => {
  it('decoder only leaves the encoder as it was; the whole model moves both; the latent mode moves neither but trains its small model', async () => {
    const start = base();
    const before = new Map((await (await FineTuner.create(start, windows(), recipe('decoder'))).state()).weights.map((w) => [w.name, w.values]));
    for (const mode of ['decoder', 'whole', 'latent'] as const) {
      const tuner = await FineTuner.create(start, windows(), recipe(mode));
      for (let i = 0; i < 3; i++) await tuner.trainStep();
      const after = byName(await tuner.state());
      const enc = changed(before.get('encoder/mu/kernel'), after.get('encoder/mu/kernel'));
      const dec = changed(before.get('decoder/output_projection/kernel'), after.get('decoder/output_projection/kernel'));
      expect({ mode, enc, dec }).toEqual({ mode, enc: mode === 'whole', dec: mode !== 'latent' });
      if (mode === 'latent') expect((await tuner.state()).latent?.length).toBeGreaterThan(0);
      expect(tuner.step).toBe(3);
      tuner.dispose();
    }
    start.dispose();
  });

  it('continues exactly from its saved state: 4 steps straight equal 2, save, a new tuner from the state, 2 more', async () => {
    for (const mode of ['decoder', 'latent'] as const) {
      const start = base();
      const straight = await FineTuner.create(start, windows(), recipe(mode));
      for (let i = 0; i < 4; i++) await straight.trainStep();
      const first = await FineTuner.create(start, windows(), recipe(mode));
      for (let i = 0; i < 2; i++) await first.trainStep();
      const saved = await first.state();
      first.dispose();
      const resumed = await FineTuner.create(start, windows(), recipe(mode), saved);
      expect(resumed.step).toBe(2);
      for (let i = 0; i < 2; i++) await resumed.trainStep();
      const [a, b] = [await straight.state(), await resumed.state()];
      const pairs = mode === 'latent' ? [a.latent ?? [], b.latent ?? []] : [a.weights, b.weights];
      let largest = 0;
      (pairs[0] ?? []).forEach((w, k) => w.values.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - (pairs[1]?.[k]?.values[i] ?? NaN))))));
      // Float rounding only (Adam recomputes β^t on restore): a wrong restore would be off by ~lr = 0.01.
      expect(largest, mode).toBeLessThan(1e-5);
      expect(b.history.map((h) => h.step)).toEqual([1, 2, 3, 4]);
      straight.dispose();
      resumed.dispose();
      start.dispose();
    }
  });

  it('shares its steps with a peer worker (the same weights as alone, up to float rounding), then goes on alone after stopSharing', async () => {
    const start = base();
    const r = { ...recipe('whole'), rehearsal: 0.25 };
    const alone = await FineTuner.create(start, windows(), r);
    const shared = await FineTuner.create(start, windows(), r);
    expect(await shared.shareSteps(1, nodeTrainPeer)).toBe(1); // one participant: nothing started
    try {
      expect(await shared.shareSteps(2, nodeTrainPeer)).toBe(2);
      for (let i = 0; i < 3; i++) {
        const [a, b] = [await alone.trainStep(), await shared.trainStep()];
        expect(b.loss).toBeCloseTo(a.loss, 4);
      }
    } finally {
      await shared.stopSharing();
    }
    const [a, b] = [await alone.trainStep(), await shared.trainStep()]; // step 4: alone again
    expect(b.step).toBe(4);
    expect(b.loss).toBeCloseTo(a.loss, 4);
    const [wa, wb] = [(await alone.state()).weights, (await shared.state()).weights];
    let largest = 0;
    wa.forEach((w, k) => w.values.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - (wb[k]?.values[i] ?? NaN))))));
    expect(largest).toBeLessThan(1e-5); // a step missed or doubled would be off by ~lr = 0.01
    alone.dispose();
    shared.dispose();
    start.dispose();
  }, 120_000);

  it('warms up and decays the learning rate per step when the recipe asks (1 = constant)', async () => {
    const start = base();
    const tuner = await FineTuner.create(start, windows(), { ...recipe('whole'), learningRate: 0.01, decay: 0.5, minLearningRate: 0.001, warmup: 0 });
    const lr = (tuner as unknown as { trainer: { learningRate(step: number): number } }).trainer;
    expect(lr.learningRate(0)).toBeCloseTo(0.01, 9);
    expect(lr.learningRate(1)).toBeCloseTo(0.0055, 9);
    expect(lr.learningRate(50)).toBeCloseTo(0.001, 9);
    // Teacher forcing is said as a sampling rate of 0, so train:music's defaults merged under it cannot turn sampling on.
    expect(fineTuneHyperparams(fineTuneRecipe('whole', 'melody')).samplingRate).toBe(0);
    const constant = await FineTuner.create(start, windows(), { ...recipe('whole'), decay: 1, warmup: 0 });
    const warming = await FineTuner.create(start, windows(), { ...recipe('whole'), learningRate: 0.01, decay: 1, warmup: 10 });
    expect((warming as unknown as { trainer: { learningRate(step: number): number } }).trainer.learningRate(0)).toBeCloseTo(0.001, 9);
    warming.dispose();
    expect((constant as unknown as { trainer: { learningRate(step: number): number } }).trainer.learningRate(500)).toBeCloseTo(0.01, 9);
    tuner.dispose();
    constant.dispose();
    start.dispose();
  });

  it('rehearsal: a share of each batch is the base model’s own windows (greedy decodes of seeded codes), the same on resume', async () => {
    const start = base();
    const own = await rehearsalWindows(start, 1);
    expect(own).toHaveLength(REHEARSAL_WINDOWS);
    expect(await rehearsalWindows(start, 1)).toEqual(own);
    // Fewer are the first of the same windows (a terminal run with few windows of its own asks for fewer).
    expect(await rehearsalWindows(start, 1, 150)).toEqual(own.slice(0, 150));
    const ownSet = new Set(own.map((w) => w.join(',')));
    const user = windows();
    const mixed = await FineTuner.create(start, user, { ...recipe('whole'), batchSize: 8, rehearsal: 0.25, transpose: 0 });
    const batch = mixed.windowsAt(0);
    expect(batch).toHaveLength(8);
    expect(batch.filter((w) => ownSet.has(w.join(','))).length).toBeGreaterThanOrEqual(2);
    expect(batch.slice(0, 6).every((w) => user.some((u) => u.join(',') === w.join(',')))).toBe(true);
    const plain = await FineTuner.create(start, user, { ...recipe('whole'), batchSize: 8, transpose: 0, rehearsal: 0 });
    expect(plain.windowsAt(0).every((w) => user.some((u) => u.join(',') === w.join(',')))).toBe(true);
    // Resumed, it rehearses the same windows.
    await mixed.trainStep();
    const resumed = await FineTuner.create(start, user, { ...recipe('whole'), batchSize: 8, rehearsal: 0.25, transpose: 0 }, await mixed.state());
    expect(resumed.windowsAt(5)).toEqual(mixed.windowsAt(5));
    // A run saved before rehearsal existed continues without it.
    const saved = await plain.state();
    const { rehearsal: _, ...older } = saved.recipe;
    expect(fineTuneStateSchema.parse({ ...saved, recipe: older }).recipe.rehearsal).toBe(0);
    [mixed, plain, resumed].forEach((t) => t.dispose());
    start.dispose();
  });

  it('stops on a NaN loss with the weights of the last good step', async () => {
    const start = base(true);
    const tuner = await FineTuner.create(start, windows(), recipe('decoder'));
    const before = await tuner.state();
    const r = await runFineTune(tuner, { until: 5 });
    expect(r.stoppedBy).toBe('nan');
    expect(r.message).toMatch(/diverged at step 1/);
    expect(tuner.step).toBe(0);
    const after = byName(await tuner.state());
    for (const w of before.weights) expect(changed(w.values, after.get(w.name)), w.name).toBe(false);
    tuner.dispose();
    start.dispose();
  });

  it('runs to a step with progress and an ETA, waits while paused, stops when asked, checkpoints at the end, and leaks no tensor', async () => {
    const start = base();
    const tensors = tf.memory().numTensors;
    const tuner = await FineTuner.create(start, windows(), recipe('decoder'));
    const progress: { done: number; total: number; etaSeconds: number }[] = [];
    const checkpoints: number[] = [];
    let open = false;
    let release = (): void => undefined;
    const controller = new AbortController();
    const run = runFineTune(tuner, {
      until: 50,
      signal: controller.signal,
      gate: () => (open ? Promise.resolve() : new Promise<void>((resolve) => (release = resolve))),
      onStep: (_s, p) => {
        progress.push(p);
        if (p.done === 3) controller.abort();
      },
      onCheckpoint: async (state) => {
        checkpoints.push(state.step);
        await Promise.resolve();
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(progress).toHaveLength(0); // paused before the first step
    open = true;
    release();
    expect(await run).toEqual({ stoppedBy: 'stopped' });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
    expect(progress.every((p) => p.total === 50 && p.etaSeconds > 0)).toBe(true);
    expect(checkpoints).toEqual([3]);
    tuner.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    start.dispose();
  });

  it('builds the model a state describes, and scores reconstructions and the style of samples', async () => {
    const start = base();
    const tuner = await FineTuner.create(start, windows(), recipe('latent'));
    await tuner.trainStep();
    const model = fineTunedModel(await tuner.state());
    expect(model.latent).toBeDefined();
    const score = await scoreReconstruction(model, windows(), { refine: { steps: 2, learningRate: 0.1 } });
    expect(score.amortized.windows).toBe(MELODY_EXAMPLES.length);
    expect(score.amortized.greedyAccuracy).toBeGreaterThanOrEqual(0);
    expect(score.refined?.greedyAccuracy).toBeGreaterThanOrEqual(0);
    expect(score.decoded).toHaveLength(MELODY_EXAMPLES.length);
    model.vae.dispose();
    model.latent?.dispose();
    tuner.dispose();
    start.dispose();
    const style = styleProfile(windows(), 'melody');
    expect(style.sounds.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(styleDistance(style, style)).toEqual({ sounds: 0, positions: 0, densityRatio: 1 });
  });

  it('draws every window once per epoch, in a seeded order', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const epoch = [0, 1, 2].flatMap((s) => fineTuneBatch(items, s, 3, 1));
    expect(new Set(epoch).size).toBe(9);
    expect(fineTuneBatch(items, 0, 3, 1)).toEqual(fineTuneBatch(items, 0, 3, 1));
    expect(fineTuneBatch([1, 2], 0, 8, 1).sort()).toEqual([1, 2]);
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../core/backend-node';
import { evaluateTimbre, knnPredict } from './evaluate';
import { syntheticDataset, type SyntheticSpec } from './testing/dataset';
import { tinyTimbreModel } from './testing/model';
import type { TimbreModel } from './timbre-model';

describe('knnPredict', () => {
  it('takes the majority of the k nearest, ties to the nearest', () => {
    const refs = [[0], [1], [2], [10], [11]];
    const labels = ['a', 'a', 'b', 'b', 'b'];
    expect(knnPredict([0.4], refs, labels, 3)).toBe('a');
    expect(knnPredict([9], refs, labels, 3)).toBe('b');
    expect(knnPredict([1.6], refs, labels, 2)).toBe('b'); // 1 tie: [2] is nearer than [1]
    expect(knnPredict([0], refs, labels, 1, (i) => i === 0)).toBe('a');
  });
});

describe('evaluateTimbre', () => {
  let model: TimbreModel;
  beforeAll(async () => {
    await initNodeBackend();
    model = tinyTimbreModel();
  });
  afterAll(() => model.dispose());

  // Two training and one held-out note at each of three keys; programs of three families.
  const specs: SyntheticSpec[] = [48, 55, 60].flatMap((pitch) => [
    { pitch, program: 0, split: 'train' as const },
    { pitch, program: 40, split: 'train' as const },
    { pitch, program: 56, split: 'heldout-program' as const },
  ]);

  it('reports every measure, and with refineSteps the refined codes rebuild the notes at least as well as μ', async () => {
    const before = tf.memory().numTensors;
    const report = await evaluateTimbre(model, syntheticDataset(specs), {
      split: 'heldout-program',
      pcaNotes: 3,
      pairs: 3,
      griffinLimIterations: 2,
      refineSteps: 8,
    });
    expect(report.notes).toBe(3);
    const r = report.reconstruction;
    expect(r.medianModel).toBeGreaterThan(0);
    expect(r.ratioToSine).toBeCloseTo(r.medianModel / r.medianSine, 9);
    expect(r.pcaNotes).toBe(3);
    expect(r.refined?.steps).toBe(8);
    expect(r.refined?.medianStepsUsed).toBeGreaterThan(0);
    // The best code of the refinement is kept, μ among the candidates: never worse.
    expect(r.refined?.medianModel).toBeLessThanOrEqual(r.medianModel * 1.0001);
    expect(r.refined?.ratioToPca).toBeCloseTo((r.refined?.medianModelOnPcaNotes ?? NaN) / r.medianPca, 9);
    expect(report.family.neighbours).toBe(6);
    expect(report.family.accuracy).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves the refined figures out when not asked', async () => {
    const report = await evaluateTimbre(model, syntheticDataset(specs), { split: 'heldout-program', pcaNotes: 1, pairs: 1, griffinLimIterations: 1 });
    expect(report.reconstruction.refined).toBeUndefined();
  });

  it('draws midpoint pairs of different programs at one key, and splits their share by how far apart the ends are', async () => {
    const twoHeldOut: SyntheticSpec[] = [48, 60].flatMap((pitch) => [
      { pitch, program: 0, split: 'train' as const },
      { pitch, program: 40, split: 'train' as const },
      { pitch, program: 56, split: 'heldout-program' as const },
      { pitch, program: 73, split: 'heldout-program' as const },
    ]);
    const report = await evaluateTimbre(model, syntheticDataset(twoHeldOut), { split: 'heldout-program', pcaNotes: 1, pairs: 12, griffinLimIterations: 1 });
    const m = report.midpoint;
    expect(m.pairs).toBe(12);
    expect(m.byEndsGap.map((g) => g.gap)).toEqual(['< 0.1', '0.1–0.2', '≥ 0.2']);
    expect(m.byEndsGap.reduce((s, g) => s + g.pairs, 0)).toBe(12);
    const inside = m.byEndsGap.reduce((s, g) => s + (g.pairs > 0 ? g.between * g.pairs : 0), 0);
    expect(inside).toBeCloseTo(m.between * m.pairs, 9);
    const slerpInside = m.byEndsGap.reduce((s, g) => s + (g.pairs > 0 ? g.slerpBetween * g.pairs : 0), 0);
    expect(slerpInside).toBeCloseTo(m.slerpBetween * m.pairs, 9);
    for (const share of [m.slerpBetween, ...(m.between < 1 ? [m.missesDarker] : []), ...(m.slerpBetween < 1 ? [m.slerpMissesDarker] : [])]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
  });
});

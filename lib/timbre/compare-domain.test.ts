import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../core/memory';
import { sideReportSchema } from '../latent/compare/report';
import { analyseSide, DEFAULT_PANEL_OPTIONS } from '../latent/compare/run';
import { spectraDistance, TIMBRE_ATTRIBUTES, timbreCompareDomain } from './compare-domain';
import { multiScaleDistance } from './spectral-loss';
import { NOTE_SAMPLES } from './spec';
import { tinyTimbreModel } from './testing/model';
import { syntheticNote } from './testing/notes';

const bright = (i: number): Float32Array => syntheticNote({ pitch: 60, slope: 0.8, attack: 0.005, seed: i });
const mellow = (i: number): Float32Array => syntheticNote({ pitch: 60, slope: 2.8, attack: 0.3, seed: i });

describe('timbre compare domain', () => {
  it('measures brightness and attack, and gives the items and their distance', async () => {
    const [b, m] = [bright(1), mellow(2)];
    const brightness = TIMBRE_ATTRIBUTES.find((a) => a.id === 'brightness')!;
    const attack = TIMBRE_ATTRIBUTES.find((a) => a.id === 'attack')!;
    expect(brightness.measure(b)).toBeGreaterThan(brightness.measure(m));
    expect(attack.measure(m)).toBeGreaterThan(attack.measure(b));
    const model = tinyTimbreModel();
    const domain = timbreCompareDomain(model, { notes: [b, m], labels: ['brass', 'pipe'], labelName: 'family', dataName: 'two notes' });
    expect(domain.distance(b, b)).toBeCloseTo(0, 4);
    expect(domain.distance(b, m)).toBeGreaterThan(0.5);
    const x = domain.inputTensor([1, 0]);
    expect(x.shape).toEqual([2, NOTE_SAMPLES]);
    const items = await domain.outputItems(x);
    expect(items[0]).toEqual(m);
    x.dispose();
    expect(() => timbreCompareDomain(model, { notes: [b], labels: [], labelName: 'family', dataName: '' })).toThrow(/label per note/);
    model.dispose();
  });

  it("a panel's distance session gives the multi-scale spectral distance, keeping the notes used last", () => {
    const notes = [bright(1), mellow(2), bright(3), mellow(4)];
    const distance = spectraDistance(2);
    for (const a of notes)
      for (const b of notes) {
        const plain = multiScaleDistance(a, b);
        expect(Math.abs(distance(a, b) - plain)).toBeLessThanOrEqual(1e-5 * Math.max(1, plain)); // float32 log-magnitudes on both sides
      }
    // Kept or computed again, the same number; sounds of different lengths are refused.
    expect(distance(notes[0]!, notes[3]!)).toBe(distance(notes[0]!, notes[3]!));
    expect(() => distance(notes[0]!, notes[1]!.subarray(0, 100))).toThrow(/equally long/);
    expect(timbreCompareDomain(tinyTimbreModel(), { notes, labels: ['a', 'b', 'c', 'd'], labelName: 'kind', dataName: 'four' }).decodeBatch).toBe(32);
  });

  it('runs every Compare panel on a small set without leaking tensors', async () => {
    const model = tinyTimbreModel(7);
    const notes = [0, 1, 2, 3, 4, 5].map((i) => (i % 2 ? bright(i) : mellow(i)));
    const domain = timbreCompareDomain(model, {
      notes,
      labels: notes.map((_, i) => (i % 2 ? 'bright' : 'mellow')),
      labelName: 'kind',
      dataName: 'six synthetic notes',
    });
    const before = liveTensorCount();
    const result = await analyseSide(
      'timbre',
      model,
      domain,
      { name: 'tiny timbre', description: 'random weights' },
      { ...DEFAULT_PANEL_OPTIONS, umap: false, k: 2, pairs: 2, priorDraws: 16, decodedDraws: 4, worst: 2, attributeItems: 2, consistencyPairs: 4 },
    );
    expect(liveTensorCount()).toBe(before);
    const r = sideReportSchema.parse(result.report);
    expect(r.model.hasSigma).toBe(true);
    expect(r.units?.kl).toHaveLength(model.zDims);
    expect(r.paths?.distance).toBe('multi-scale spectral distance');
    expect(r.attributes?.groups).toEqual({ kind: 'attribute', id: 'brightness' });
    model.dispose();
  }, 120_000);
});

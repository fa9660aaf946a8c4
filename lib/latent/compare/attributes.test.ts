import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors';
import { liveTensorCount } from '../../core/memory';
import { createRng } from '../../core/random';
import { attributesPanel, resolveGroups, vectorConsistency } from './attributes';
import { encodeSet, type EncodedSet } from './encode';
import { attributesReportSchema } from './report';
import { SyntheticModel, identity, vectorDomain } from './testing/synthetic';

describe('attribute vectors', () => {
  it('scores 1 when every pair of the groups differs by the same vector, less with noise', () => {
    const rng = createRng(1);
    const dims = 4;
    const shift = [1, -2, 0.5, 0];
    const base = Array.from({ length: 20 }, () => rng.normalArray(dims));
    const exact: EncodedSet = { count: 40, dims, mean: new Float32Array(40 * dims), logVar: null };
    base.forEach((b, i) => {
      exact.mean.set(b, i * dims);
      exact.mean.set(
        b.map((v, j) => v + (shift[j] ?? 0)),
        (20 + i) * dims,
      );
    });
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = a.map((i) => 20 + i);
    // Paired items differ exactly by `shift`; random (a, b) pairs do not — but with a huge shift they nearly do.
    const far: EncodedSet = { ...exact, mean: Float32Array.from(exact.mean, (v, k) => (Math.floor(k / dims) >= 20 ? v + 99 * (shift[k % dims] ?? 0) : v)) };
    expect(vectorConsistency(far, a, b, shift, 300, 2).mean).toBeGreaterThan(0.99);
    const noisy = vectorConsistency(exact, a, b, shift, 300, 2);
    expect(noisy.mean).toBeLessThan(0.9);
    expect(noisy.mean).toBeGreaterThan(0.3);
    expect(noisy.agreeing).toBeGreaterThan(0.5);
    // Identical groups: every difference is as likely one way as the other.
    const same = vectorConsistency(exact, a, a.slice().reverse(), shift, 300, 2);
    expect(Math.abs(same.mean)).toBeLessThan(0.2);
  });

  it('walks a linear model along the vector: the attribute moves in equal steps, 1.5× the gap at the end', async () => {
    const rng = createRng(3);
    const items = Array.from({ length: 200 }, () => rng.normalArray(3));
    const model = new SyntheticModel({ encoder: identity(3), decoder: identity(3), logVar: [0, 0, 0] });
    const domain = vectorDomain(model, { items, labels: items.map(() => 'x'), withSigma: true });
    const set = await encodeSet(model, domain);
    const before = liveTensorCount();
    const result = await attributesPanel(model, domain, set, { kind: 'attribute', id: 'total' }, { seed: 4, items: 3, consistencyPairs: 200 });
    expect(liveTensorCount()).toBe(before);
    expect(() => attributesReportSchema.parse(result.report)).not.toThrow();
    const r = result.report;
    expect(r.alphas).toHaveLength(8);
    expect(r.alphas[7]).toBeCloseTo(1.5, 10);
    expect(result.walks).toHaveLength(3 * 8);
    expect(r.a.count).toBe(50);
    expect(r.b.count).toBe(50);
    // Decoder and attribute are linear: each step adds (1.5/7) of the groups' gap in the attribute.
    const gap = r.measure.groupB - r.measure.groupA;
    r.measure.perStep.forEach((v, k) => expect(v - (r.measure.perStep[0] ?? 0)).toBeCloseTo((r.alphas[k] ?? 0) * gap, 4));
    model.dispose();
  });

  it('groups by label, measures decodes by their nearest real item, and explains bad groups', async () => {
    const rng = createRng(6);
    const items = Array.from({ length: 60 }, (_, i) => Float32Array.from(rng.normalArray(2), (v, j) => 0.2 * v + (j === 0 ? (i < 30 ? -3 : 3) : 0)));
    const labels = items.map((_, i) => (i < 30 ? 'one' : 'seven'));
    const model = new SyntheticModel({ encoder: identity(2), decoder: identity(2), logVar: [0, 0] });
    const domain = vectorDomain(model, { items, labels, withSigma: true });
    const set = await encodeSet(model, domain);
    const result = await attributesPanel(model, domain, set, { kind: 'label', a: 'one', b: 'seven' }, { seed: 1, items: 4, consistencyPairs: 100 });
    expect(result.report.measure.perStep[0]).toBe(0);
    expect(result.report.measure.perStep[7]).toBe(1);
    expect(result.report.measure.groupA).toBe(0);
    expect(result.report.measure.groupB).toBe(1);
    expect(result.report.consistency).toBeGreaterThan(0.95);
    expect(() => resolveGroups(domain, { kind: 'label', a: 'one', b: 'two' })).toThrow(/has 0 vectors with class "two"/);
    expect(() => resolveGroups(domain, { kind: 'label', a: 'one', b: 'one' })).toThrow(InvalidInputError);
    expect(() => resolveGroups(domain, { kind: 'attribute', id: 'height' })).toThrow(/not an attribute/);
    model.dispose();
  });
});

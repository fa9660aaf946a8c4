import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../../core/memory';
import { encodeSet } from './encode';
import { SyntheticModel, identity, randomVectors, vectorDomain } from './testing/synthetic';
import { unitsPanel } from './units';

describe('units panel', () => {
  it('reports a dead unit (μ constant, σ = 1) as inactive with zero KL', async () => {
    // 5 units; unit 3 ignores the input (its encoder column is zero) and has σ = 1: q(z₃|x) = N(0, 1), the prior.
    const encoder = identity(5).map((r) => r.map((v, j) => (j === 3 ? 0 : v)));
    const model = new SyntheticModel({ encoder, decoder: identity(5), logVar: [Math.log(0.25), Math.log(0.25), Math.log(0.25), 0, Math.log(0.25)] });
    const { items, labels } = randomVectors(400, 5, 3);
    const before = liveTensorCount();
    const set = await encodeSet(model, vectorDomain(model, { items, labels, withSigma: true }));
    expect(liveTensorCount()).toBe(before);
    const units = unitsPanel(set);
    expect(units.hasSigma).toBe(true);
    expect(units.active).toBe(4);
    expect(units.variance[3]).toBe(0);
    expect(units.kl?.[3]).toBeCloseTo(0, 10);
    expect(units.order.at(-1)).toBe(3);
    // Unit 0: μ = x₀ with the set's own mean square, σ² = 1/4: KL = ½(mean(μ²) + ¼ − log ¼ − 1).
    const meanSq = items.reduce((s, x) => s + (x[0] ?? 0) ** 2, 0) / items.length;
    expect(units.kl?.[0]).toBeCloseTo(0.5 * (meanSq + 0.25 - Math.log(0.25) - 1), 5);
    model.dispose();
  });

  it('ranks units by variance and gives no KL for a model without σ', async () => {
    const scale = [
      [3, 0, 0],
      [0, 0.05, 0],
      [0, 0, 1],
    ];
    const model = new SyntheticModel({ encoder: scale, decoder: identity(3) });
    const { items, labels } = randomVectors(500, 3, 9);
    const set = await encodeSet(model, vectorDomain(model, { items, labels, withSigma: false }));
    const units = unitsPanel(set);
    expect(units.hasSigma).toBe(false);
    expect(units.kl).toBeNull();
    expect(units.klTotal).toBeNull();
    expect(units.order).toEqual([0, 2, 1]);
    expect(units.active).toBe(2); // variance 0.05² ≈ 0.0025 ≤ 0.01
    expect(units.variance[0]).toBeGreaterThan(6);
    model.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../../core/memory';
import { createRng } from '../../core/random';
import { encodeSet, type EncodedSet } from './encode';
import { componentLogVar, holesPanel, logAggregatePosterior } from './holes';
import { holesReportSchema } from './report';
import { logMeanExp } from './stats';
import { SyntheticModel, identity, vectorDomain } from './testing/synthetic';

/** `n` items of `dims` numbers: `centre` + `spread` × standard normal. */
function cloud(n: number, dims: number, centre: number, spread: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Float32Array.from(rng.normalArray(dims), (v) => centre + spread * v));
}

describe('log q(z), the aggregate posterior', () => {
  it('matches a direct log-mean-exp of Gaussian densities', async () => {
    const set: EncodedSet = {
      count: 4,
      dims: 2,
      mean: Float32Array.from([0, 0, 1, 2, -3, 0.5, 2, -1]),
      logVar: Float32Array.from([0, 0, Math.log(0.25), Math.log(4), Math.log(0.01), 0, Math.log(2), Math.log(0.5)]),
    };
    const queries = Float32Array.from([0.1, 0.2, 1, 1.5, -3, 0.4, 5, 5]);
    const before = liveTensorCount();
    const got = await logAggregatePosterior(set, set.logVar ?? new Float32Array(), queries);
    expect(liveTensorCount()).toBe(before);
    for (let q = 0; q < 4; q++) {
      const logs = [0, 1, 2, 3].map((i) => {
        let s = 0;
        for (let j = 0; j < 2; j++) {
          const lv = set.logVar?.[i * 2 + j] ?? 0;
          s += ((queries[q * 2 + j] ?? 0) - (set.mean[i * 2 + j] ?? 0)) ** 2 / Math.exp(lv) + lv + Math.log(2 * Math.PI);
        }
        return -0.5 * s;
      });
      expect(got[q]).toBeCloseTo(logMeanExp(logs), 3);
    }
    // Leaving item 2 out of query 2 (and nothing out of the others).
    const loo = await logAggregatePosterior(set, set.logVar ?? new Float32Array(), queries, { exclude: Int32Array.from([-1, -1, 2, -1]) });
    expect(loo[0]).toBeCloseTo(got[0] ?? NaN, 5);
    expect(loo[2]).toBeLessThan((got[2] ?? 0) - 1);
    expect(liveTensorCount()).toBe(before);
  });

  it('judges real codes without their own item, so a high-dimensional q that matches the prior still gives about 1%', async () => {
    // 64-D, 400 items: every item's own Gaussian would dominate its samples' log q; leave-one-out removes that.
    const dims = 64;
    const s = 0.5;
    const rng = createRng(12);
    const mean = Float32Array.from(rng.normalArray(400 * dims), (v) => v * Math.sqrt(1 - s * s));
    const set: EncodedSet = { count: 400, dims, mean, logVar: new Float32Array(400 * dims).fill(2 * Math.log(s)) };
    const model = new SyntheticModel({ encoder: identity(dims), decoder: identity(dims) });
    const items = Array.from({ length: 400 }, (_, i) => mean.slice(i * dims, (i + 1) * dims));
    const domain = vectorDomain(model, { items, labels: items.map(() => 'x'), withSigma: true });
    const holes = await holesPanel(model, domain, set, { priorDraws: 1000, decodedDraws: 4, worst: 1, seed: 5 });
    expect(holes.report.share).toBeLessThan(0.06);
    model.dispose();
  });

  it('uses Scott-rule kernels when the model has no σ', () => {
    const set: EncodedSet = { count: 3, dims: 1, mean: Float32Array.from([1, 2, 3]), logVar: null };
    const { logVar, bandwidth } = componentLogVar(set);
    const h = Math.sqrt(2 / 3) * 3 ** (-1 / 5);
    expect(bandwidth?.[0]).toBeCloseTo(h, 6);
    expect(logVar[2]).toBeCloseTo(2 * Math.log(h), 5);
  });
});

describe('holes panel', () => {
  it('finds about 1% of the prior thin when the codes cover the prior', async () => {
    const s = 0.3;
    const scale = Math.sqrt(1 - s * s);
    const model = new SyntheticModel({
      encoder: identity(2).map((r) => r.map((v) => v * scale)),
      decoder: identity(2),
      logVar: [2 * Math.log(s), 2 * Math.log(s)],
    });
    const items = cloud(1500, 2, 0, 1, 4);
    const domain = vectorDomain(model, { items, labels: items.map(() => 'x'), withSigma: true });
    const set = await encodeSet(model, domain);
    const before = liveTensorCount();
    const holes = await holesPanel(model, domain, set, { priorDraws: 2000, decodedDraws: 16, worst: 4, seed: 3 });
    expect(liveTensorCount()).toBe(before);
    expect(() => holesReportSchema.parse(holes.report)).not.toThrow();
    expect(holes.report.density).toBe('posterior');
    expect(holes.report.share).toBeLessThan(0.04);
    expect(holes.report.share).toBeGreaterThan(0.002); // ≈ 1% by construction
    expect(holes.logQ.prior).toHaveLength(2000);
    model.dispose();
  });

  it('finds every prior draw in a hole when all codes sit in a far corner, and ranks the worst draws', async () => {
    const model = new SyntheticModel({ encoder: identity(2), decoder: identity(2), logVar: [2 * Math.log(0.1), 2 * Math.log(0.1)] });
    const items = cloud(300, 2, 5, 0.2, 8);
    const domain = vectorDomain(model, { items, labels: items.map((_, i) => (i % 2 ? 'odd' : 'even')), withSigma: true });
    const set = await encodeSet(model, domain);
    const holes = await holesPanel(model, domain, set, { priorDraws: 500, decodedDraws: 20, worst: 5, seed: 1 });
    expect(holes.report.share).toBe(1);
    // Real codes decode (identity decoder) to their own items: distance 0. Prior draws land near 0, ~7 away.
    expect(holes.report.nearest.real.max).toBeCloseTo(0, 5);
    expect(holes.report.nearest.prior.median ?? 0).toBeGreaterThan(4);
    expect(holes.report.worst).toHaveLength(5);
    const d = holes.report.worst.map((w) => w.distance);
    expect(d).toEqual([...d].sort((a, b) => b - a));
    expect(Math.max(...holes.nearest.prior)).toBe(d[0]);
    expect(holes.worstItems).toHaveLength(5);
    model.dispose();
  });

  it('works for a model without σ (kernel density)', async () => {
    const model = new SyntheticModel({ encoder: identity(3), decoder: identity(3) });
    const items = cloud(200, 3, 0, 1, 2);
    const domain = vectorDomain(model, { items, labels: items.map(() => 'x'), withSigma: false });
    const set = await encodeSet(model, domain);
    const holes = await holesPanel(model, domain, set, { priorDraws: 300, decodedDraws: 8, worst: 2, seed: 2 });
    expect(holes.report.density).toBe('kernel');
    expect(holes.report.bandwidth).toHaveLength(3);
    expect(holes.report.share).toBeGreaterThanOrEqual(0);
    expect(holes.report.share).toBeLessThan(0.2);
    model.dispose();
  });
});

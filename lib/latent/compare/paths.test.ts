import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../../core/memory';
import { encodeSet } from './encode';
import { pathSmoothness, pathsPanel, randomPairs } from './paths';
import { pathsReportSchema } from './report';
import { SyntheticModel, identity, randomVectors, vectorDomain } from './testing/synthetic';

describe('paths panel', () => {
  it('gives exactly 1/10 on an 11-step lerp through a linear decoder', async () => {
    const model = new SyntheticModel({
      encoder: identity(4),
      decoder: [
        [1, 2, 0, 0],
        [0, 1, 0, 3],
        [2, 0, 1, 0],
        [0, 0, 0, 1],
      ],
    });
    const { items, labels } = randomVectors(50, 4, 1);
    const domain = vectorDomain(model, { items, labels, withSigma: false });
    const set = await encodeSet(model, domain);
    const before = liveTensorCount();
    const progress: number[] = [];
    const result = await pathsPanel(model, domain, set, { pairs: 6, seed: 2, onProgress: (p) => progress.push(p.done) });
    expect(liveTensorCount()).toBe(before);
    expect(() => pathsReportSchema.parse(result.report)).not.toThrow();
    const lerps = result.report.paths.filter((p) => p.mode === 'lerp');
    expect(lerps).toHaveLength(6);
    for (const p of lerps) {
      expect(p.stepDistances).toHaveLength(10);
      expect(p.smoothness).toBeCloseTo(0.1, 5);
    }
    // slerp changes speed along the arc, so its largest step is at least the even 1/10.
    for (const p of result.report.paths.filter((q) => q.mode === 'slerp')) expect(p.smoothness ?? 0).toBeGreaterThanOrEqual(0.1 - 1e-6);
    expect(result.report.smoothness.lerp.mean).toBeCloseTo(0.1, 5);
    expect(result.roughest.lerp).toHaveLength(11);
    // 6 pairs × (2 ends + 9 + 9 inner points) codes were decoded.
    expect(progress.at(-1)).toBe(6 * 20);
    model.dispose();
  });

  it('gives 1 when the decoder jumps once, and no smoothness when both ends decode alike', async () => {
    const items = [Float32Array.from([-1]), Float32Array.from([1]), Float32Array.from([-2])];
    const model = new SyntheticModel({ encoder: [[1]], decoder: [[1]], step: true });
    const domain = vectorDomain(model, { items, labels: ['a', 'b', 'a'], withSigma: false });
    const set = await encodeSet(model, domain);
    const result = await pathsPanel(model, domain, set, { pairs: 12, seed: 5 });
    for (const p of result.report.paths) {
      const crosses = Math.sign(items[p.a]?.[0] ?? 0) !== Math.sign(items[p.b]?.[0] ?? 0);
      expect(p.smoothness).toBe(crosses ? 1 : null);
    }
    expect(result.report.identicalEnds.lerp + result.report.identicalEnds.slerp).toBe(result.report.paths.filter((p) => p.smoothness === null).length);
    model.dispose();
  });

  it('draws distinct, reproducible pairs and measures a hand-made path', () => {
    const pairs = randomPairs(5, 40, 3);
    expect(pairs).toEqual(randomPairs(5, 40, 3));
    for (const [a, b] of pairs) expect(a).not.toBe(b);
    const d = (x: number, y: number): number => Math.abs(x - y);
    expect(pathSmoothness([0, 1, 1, 4], d)).toEqual({ stepDistances: [1, 0, 3], endToEnd: 4, smoothness: 0.75 });
    expect(pathSmoothness([0, 2, 0], d).smoothness).toBeNull();
  });
});

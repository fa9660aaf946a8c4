import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors';
import { createRng, deriveSeed, validateSeed } from './random';

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
  });

  it('is uniform in [0, 1) with the right mean and variance', () => {
    const rng = createRng(1);
    const n = 50_000;
    let sum = 0;
    let sq = 0;
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      if (x < 0 || x >= 1) outOfRange++;
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(outOfRange).toBe(0);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normal samples', () => {
    const values = createRng(9).normalArray(40_000);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeGreaterThan(0.97);
    expect(variance).toBeLessThan(1.03);
  });

  it('shuffles reproducibly without losing items, and int(n) stays in range', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const s1 = createRng(3).shuffled(items);
    expect(createRng(3).shuffled(items)).toEqual(s1);
    expect([...s1].sort((x, y) => x - y)).toEqual(items);
    expect(s1).not.toEqual(items);
    const rng = createRng(4);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('forks into independent reproducible streams', () => {
    const f1 = createRng(5).fork();
    const f2 = createRng(5).fork();
    expect(f1.next()).toBe(f2.next());
    expect(createRng(5).fork().seed).not.toBe(5);
  });

  it('rejects seeds that are not 32-bit unsigned integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 32]) expect(() => validateSeed(bad)).toThrow(InvalidInputError);
    expect(() => createRng(0)).not.toThrow();
    expect(() => createRng(2 ** 32 - 1)).not.toThrow();
  });
});

describe('deriveSeed', () => {
  it('is a pure function of the seed and the parts', () => {
    expect(deriveSeed(7, 'batch', 3, 4)).toBe(deriveSeed(7, 'batch', 3, 4));
    expect(deriveSeed(7)).toBe(deriveSeed(7));
    const s = deriveSeed(0xffffffff, 'x', 0xffffffff);
    expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
  });

  it('gives different seeds for different seeds, labels, numbers and orders', () => {
    const seeds = new Set<number>();
    for (let seed = 0; seed < 20; seed++)
      for (let epoch = 0; epoch < 20; epoch++) for (let batch = 0; batch < 20; batch++) seeds.add(deriveSeed(seed, 'batch', epoch, batch));
    expect(seeds.size).toBe(20 * 20 * 20);
    expect(deriveSeed(1, 'shuffle', 1)).not.toBe(deriveSeed(1, 'noise', 1));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 2, 0));
  });

  it('spreads neighbouring inputs over the whole range (each output bit set about half the time)', () => {
    const counts = new Array<number>(32).fill(0);
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const s = deriveSeed(1, 'epoch', i);
      for (let bit = 0; bit < 32; bit++) if ((s >>> bit) & 1) counts[bit] = (counts[bit] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c / n - 0.5)).toBeLessThan(0.05);
  });

  it('refuses parts that are not labels or 32-bit whole numbers, and bad seeds', () => {
    expect(() => deriveSeed(1, -1)).toThrow(InvalidInputError);
    expect(() => deriveSeed(1, 1.5)).toThrow(/whole number from 0 to 4294967295; got 1.5/);
    expect(() => deriveSeed(-1)).toThrow(/Seed must be a whole number/);
  });
});

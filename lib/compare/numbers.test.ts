import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../latent/compare/holes';
import { holesNumbers } from './numbers';

const holes = (items: number, dims: number, share: number) => ({
  report: {
    share,
    shareInterval: wilsonInterval(share * 1000, 1000),
    items,
    dims,
    enoughItems: items >= 10 * dims,
    percentile: 1,
    threshold: -3,
    priorDraws: 1000,
    density: 'posterior' as const,
    bandwidth: null,
    logQ: { prior: { mean: 0, median: 0, max: 0, count: 1 }, real: { mean: 0, median: 0, max: 0, count: 1 } },
    distance: 'event edit distance',
    nearest: { prior: { mean: 0, median: 0, max: 0, count: 1 }, real: { mean: 0, median: 0, max: 0, count: 1 } },
    worst: [],
  },
});

describe('the Holes panel numbers', () => {
  it('say how many items the share rests on and how sure it is, and warn when items are too few for the code size', () => {
    const few = Object.fromEntries(holesNumbers(holes(104, 128, 1)));
    expect(few['prior draws in thin regions (≈1% = no holes)']).toMatch(/^100\.0% \(95% interval 99\.6%–100\.0% over 1,000 draws\)$/);
    expect(few['based on']).toMatch(/^104 real items in 128 dimensions — too few/);
    const many = Object.fromEntries(holesNumbers(holes(2000, 128, 0.29)));
    expect(many['based on']).toBe('2,000 real items in 128 dimensions');
    expect(many['prior draws in thin regions (≈1% = no holes)']).toMatch(/^29\.0% \(95% interval 26\.3%–31\.9%/);
  });
});

describe('wilsonInterval', () => {
  it('is a proper 95% interval, also at 0 and 1', () => {
    const [lo, hi] = wilsonInterval(290, 1000);
    expect(lo).toBeCloseTo(0.2627, 3);
    expect(hi).toBeCloseTo(0.3188, 3);
    expect(wilsonInterval(0, 1000)[0]).toBeCloseTo(0, 12);
    expect(wilsonInterval(1000, 1000)[1]).toBeCloseTo(1, 12);
  });
});

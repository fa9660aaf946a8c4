import { describe, expect, it } from 'vitest';
import { createRng } from '../core/random';
import { TempoError } from './errors';
import { detectTempo, type WeightedOnset } from './tempo';

/** Onsets of a rhythm given in 16th steps, at `qpm`, first step at `t0`, with uniform ±`jitter` s. */
function rhythm(steps: readonly number[], qpm: number, t0: number, jitter = 0, seed = 1): WeightedOnset[] {
  const rng = createRng(seed);
  return steps.map((s) => ({ time: t0 + (s * 15) / qpm + (rng.next() * 2 - 1) * jitter, weight: 1 }));
}

/** A 4-bar pop-like line: quarters, eighths and a few sixteenths, longer notes on strong beats. */
const LINE = [0, 4, 6, 8, 12, 14, 16, 18, 20, 24, 28, 29, 30, 32, 36, 38, 40, 44, 46, 48, 50, 52, 56, 60, 62];

describe('detectTempo', () => {
  it.each([82, 97, 118, 141])('finds %i BPM and the beat from a sung-like line with ±30 ms timing', (qpm) => {
    const t0 = 0.7;
    const est = detectTempo(rhythm(LINE, qpm, t0, 0.03, qpm), { minQpm: 75, maxQpm: 150 });
    expect(Math.abs(est.qpm / qpm - 1)).toBeLessThan(0.01);
    // The beat grid lines up with the true beats (a whole number of beats from t0, within 25 ms).
    const beat = 60 / qpm;
    const off = (((est.beat - t0) % beat) + beat) % beat;
    expect(Math.min(off, beat - off)).toBeLessThan(0.025);
    expect(est.confidence).toBeGreaterThan(0.5);
  });

  it('prefers the metrical reading of an eighth-note tune (80, not the 120 whose grid also fits)', () => {
    const eighths = Array.from({ length: 24 }, (_, i) => 2 * i);
    expect(detectTempo(rhythm(eighths, 80, 0.5)).qpm).toBeCloseTo(80, 0);
  });

  it('places the bar line on the beat that carries the most and longest notes', () => {
    // Bars start at steps 0, 16, 32: long notes there; the take starts with a pickup on beat 4.
    const onsets: WeightedOnset[] = [
      { step: 12, w: 0.5 },
      { step: 16, w: 2 },
      { step: 20, w: 1 },
      { step: 24, w: 1 },
      { step: 28, w: 0.5 },
      { step: 32, w: 2 },
      { step: 36, w: 1 },
      { step: 40, w: 1 },
      { step: 44, w: 0.5 },
      { step: 48, w: 2 },
    ].map(({ step, w }) => ({ time: 1 + (step * 15) / 100, weight: w }));
    const est = detectTempo(onsets, { qpm: 100 });
    const bar = (16 * 15) / 100;
    const off = (((est.downbeat - 1) % bar) + bar) % bar;
    expect(Math.min(off, bar - off)).toBeLessThan(0.01);
  });

  it('with a known tempo finds only the phase', () => {
    const est = detectTempo(rhythm(LINE, 90, 0.33, 0.01), { qpm: 90 });
    expect(est.qpm).toBe(90);
    const beat = 60 / 90;
    const off = (((est.beat - 0.33) % beat) + beat) % beat;
    expect(Math.min(off, beat - off)).toBeLessThan(0.02);
  });

  it('needs three onsets and a tempo in range', () => {
    expect(() =>
      detectTempo([
        { time: 0, weight: 1 },
        { time: 0.5, weight: 1 },
      ]),
    ).toThrow(TempoError);
    expect(() => detectTempo(rhythm(LINE, 90, 0), { qpm: 500 })).toThrow(/40–240/);
  });
});

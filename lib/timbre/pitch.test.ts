import { describe, expect, it } from 'vitest';
import { estimatePitch } from './pitch';
import { syntheticChord, syntheticNote, whiteNoise } from './testing/notes';

describe('estimatePitch', () => {
  it('finds the pitch of single notes within a few cents, across the range and spectrum shapes', () => {
    for (const pitch of [36, 43.3, 55, 60, 71, 84]) {
      for (const shape of [{ slope: 1 }, { slope: 3 }, { oddOnly: true }, { slope: 1.5, decay: 3 }]) {
        const e = estimatePitch(syntheticNote({ pitch, ...shape }));
        expect(e).toBeDefined();
        expect(Math.abs(e!.midi - pitch) * 100).toBeLessThan(5);
        expect(e!.harmonicity).toBeGreaterThan(0.8);
        expect(e!.otherPitches).toEqual([]);
      }
    }
  });

  it('hears a chord as several pitches and takes one of its notes, not their common root', () => {
    const e = estimatePitch(syntheticChord([60, 64, 67]));
    expect(e).toBeDefined();
    expect([60, 64, 67].some((p) => Math.abs(e!.midi - p) < 0.1)).toBe(true);
    expect(e!.otherPitches.length).toBeGreaterThanOrEqual(1);
    for (const p of e!.otherPitches) expect([60, 64, 67].some((q) => Math.abs(p - q) < 0.2)).toBe(true);
  });

  it('gives noise a low harmonicity and returns nothing for silence', () => {
    expect(estimatePitch(whiteNoise())!.harmonicity).toBeLessThan(0.3);
    expect(estimatePitch(new Float32Array(20480))).toBeUndefined();
  });

  it('searches near a given pitch only when asked (an organ stop an octave down stays an octave down otherwise)', () => {
    const low = syntheticNote({ pitch: 48, slope: 1 });
    expect(estimatePitch(low)!.midi).toBeCloseTo(48, 1);
    expect(estimatePitch(low, { near: 60, range: 1 })?.midi ?? 0).not.toBeCloseTo(48, 0);
  });
});

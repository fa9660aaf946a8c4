import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { MODEL_SAMPLE_RATE } from './pcm';
import { resample, toModelRate } from './resample';

function sine(freq: number, seconds: number, rate: number, phase = 0): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.sin((2 * Math.PI * freq * i) / rate + phase));
}

/** Largest difference between `got` and the ideal sine at `rate`, away from the edges (filter ramp). */
function maxError(got: Float32Array, freq: number, rate: number, margin = 0.01): number {
  let worst = 0;
  const skip = Math.round(margin * rate);
  for (let i = skip; i < got.length - skip; i++) worst = Math.max(worst, Math.abs((got[i] ?? 0) - Math.sin((2 * Math.PI * freq * i) / rate)));
  return worst;
}

function rms(x: Float32Array, skip: number): number {
  let s = 0;
  for (let i = skip; i < x.length - skip; i++) s += (x[i] ?? 0) ** 2;
  return Math.sqrt(s / (x.length - 2 * skip));
}

describe('resample', () => {
  it.each([
    [44_100, 440],
    [44_100, 5_000],
    [48_000, 1_000],
    [48_000, 9_000],
    [16_000, 300],
    [16_000, 6_000],
    [96_000, 2_500],
    [8_000, 3_000],
  ])('keeps a %i Hz recording of a %i Hz sine in place and in level at 22,050 Hz', (from, freq) => {
    const out = resample(sine(freq, 0.5, from), from, MODEL_SAMPLE_RATE);
    expect(out.length).toBe(Math.ceil((0.5 * from * MODEL_SAMPLE_RATE) / from));
    // A sample at the wrong instant or a gain off by 0.1 dB would each exceed 2e-3.
    expect(maxError(out, freq, MODEL_SAMPLE_RATE)).toBeLessThan(2e-3);
  });

  it('blends neighbouring filter phases for rates in no simple ratio', () => {
    const from = 44_101; // 22,050 / gcd = 22,050 phases: more than it tabulates
    const out = resample(sine(700, 0.5, from), from, MODEL_SAMPLE_RATE);
    expect(maxError(out, 700, MODEL_SAMPLE_RATE)).toBeLessThan(2e-3);
  });

  it('removes tones above the new Nyquist frequency instead of folding them down (aliasing)', () => {
    // 15 kHz at 44.1 kHz would fold to 7.05 kHz at 22.05 kHz without the low-pass.
    const out = resample(sine(15_000, 0.5, 44_100), 44_100, MODEL_SAMPLE_RATE);
    const levelDb = 20 * Math.log10(rms(out, 500) / Math.SQRT1_2);
    expect(levelDb).toBeLessThan(-60);
    const near = resample(sine(12_000, 0.5, 48_000), 48_000, MODEL_SAMPLE_RATE);
    expect(20 * Math.log10(rms(near, 500) / Math.SQRT1_2)).toBeLessThan(-40);
  });

  it.each([
    [44_100, 440],
    [44_100, 6_000],
    [48_000, 1_000],
    [22_050, 3_000],
  ])("keeps a %i Hz recording of a %i Hz sine in place and in level at 16 kHz (the timbre model's rate)", (from, freq) => {
    const out = resample(sine(freq, 0.5, from), from, 16_000);
    expect(out.length).toBe(8000);
    expect(maxError(out, freq, 16_000)).toBeLessThan(2e-3);
  });

  it('removes what 16 kHz cannot hold when going down from 44.1 kHz', () => {
    // 12 kHz is above the new Nyquist (8 kHz): without the low-pass it would fold down to 4 kHz.
    const out = resample(sine(12_000, 0.5, 44_100), 44_100, 16_000);
    expect(20 * Math.log10(rms(out, 500) / Math.SQRT1_2)).toBeLessThan(-60);
  });

  it('copies at equal rates, keeps an empty input empty and refuses bad rates', () => {
    const x = sine(100, 0.01, 22_050);
    const same = resample(x, 22_050, 22_050);
    expect(same).toEqual(x);
    expect(same).not.toBe(x);
    expect(resample(new Float32Array(0), 44_100, 22_050).length).toBe(0);
    expect(() => resample(x, 0, 22_050)).toThrow(InvalidInputError);
    expect(() => resample(x, 44_100.5, 22_050)).toThrow(InvalidInputError);
  });

  it('toModelRate gives 22,050 Hz and checks the rate', () => {
    const audio = toModelRate({ samples: sine(440, 0.2, 48_000), sampleRate: 48_000 });
    expect(audio.sampleRate).toBe(22_050);
    expect(audio.samples.length).toBe(4410);
    expect(() => toModelRate({ samples: new Float32Array(10), sampleRate: 1000 })).toThrow(/sample rate of 1000 Hz/);
  });
});

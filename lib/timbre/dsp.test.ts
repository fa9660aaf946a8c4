import { describe, expect, it } from 'vitest';
import { attackTime, frameRms, hzToMel, melFilterbank, melToHz, peakLoudnessDb, spectralCentroid, stftMagnitude } from './dsp';
import { FEATURE_DIMS, MEL_BANDS, noteFeatures } from './features';
import { FRAMES, midiToHz, NOTE_SAMPLES, SAMPLE_RATE } from './spec';
import { syntheticNote } from './testing/notes';

describe('mel filterbank', () => {
  it('matches the HTK mel formula and a direct triangle computation', () => {
    expect(hzToMel(1000)).toBeCloseTo(1000, 0);
    expect(melToHz(hzToMel(3210))).toBeCloseTo(3210, 6);
    const n = 512;
    const bands = 10;
    const bank = melFilterbank(n, bands, 16000, 30, 8000);
    const bins = n / 2 + 1;
    const lo = hzToMel(30);
    const hi = hzToMel(8000);
    const edge = (i: number): number => melToHz(lo + ((hi - lo) * i) / (bands + 1));
    for (const b of [0, 4, 9]) {
      for (const k of [3, 40, 100, 200]) {
        const hz = (k * 16000) / n;
        const [l, c, r] = [edge(b), edge(b + 1), edge(b + 2)];
        const expected = hz > l && hz < r ? (hz <= c ? (hz - l) / (c - l) : (r - hz) / (r - c)) : 0;
        expect(bank[b * bins + k]).toBeCloseTo(expected, 5);
      }
      // Each triangle peaks at (nearly) 1 near its centre.
      expect(Math.max(...bank.subarray(b * bins, (b + 1) * bins))).toBeGreaterThan(0.5);
    }
  });
});

describe('note measurements', () => {
  it('frames, loudness, brightness and attack behave as their names say', () => {
    const x = syntheticNote({ pitch: 60, amplitude: 0.5 });
    expect(frameRms(x)).toHaveLength(NOTE_SAMPLES / 160);
    // The partials' amplitudes add up to 0.5, so the RMS is well below 0.5/√2 (−9 dB).
    expect(peakLoudnessDb(x)).toBeGreaterThan(-20);
    expect(peakLoudnessDb(x)).toBeLessThan(-9);
    const quieter = syntheticNote({ pitch: 60, amplitude: 0.05 });
    expect(peakLoudnessDb(x) - peakLoudnessDb(quieter)).toBeCloseTo(20, 0);
    const bright = syntheticNote({ pitch: 60, slope: 0.7 });
    const dull = syntheticNote({ pitch: 60, slope: 3 });
    expect(spectralCentroid(bright)).toBeGreaterThan(2 * spectralCentroid(dull));
    expect(spectralCentroid(Float32Array.from({ length: 8192 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / SAMPLE_RATE)))).toBeCloseTo(1000, -2);
    expect(attackTime(syntheticNote({ pitch: 60, attack: 0.005 }))).toBeLessThan(0.03);
    expect(attackTime(syntheticNote({ pitch: 60, attack: 0.4 }))).toBeGreaterThan(0.25);
    expect(spectralCentroid(new Float32Array(4096))).toBe(0);
  });

  it('centre framing puts frame f around sample f·hop', () => {
    const x = new Float32Array(2048);
    x[1024] = 1; // an impulse at frame 8 (hop 128)
    const s = stftMagnitude(x, 256, 128, 'center');
    expect(s.frames).toBe(16);
    const energy = Array.from({ length: s.frames }, (_, f) => s.data.subarray(f * s.bins, (f + 1) * s.bins).reduce((a, v) => a + v, 0));
    expect(energy.indexOf(Math.max(...energy))).toBe(8);
  });
});

describe('encoder features', () => {
  it('are 128 frames × 96 numbers: log-mel then partials, which follow the pitch', () => {
    const a = syntheticNote({ pitch: 48, slope: 1 });
    const b = syntheticNote({ pitch: 60, slope: 1 });
    const fa = noteFeatures(a, midiToHz(48));
    const fb = noteFeatures(b, midiToHz(60));
    expect(fa).toHaveLength(FRAMES * FEATURE_DIMS);
    expect(fa.every(Number.isFinite)).toBe(true);
    // Partial magnitudes of the same spectrum shape at two pitches are alike (pitch-normalised)…
    const frame = 60;
    const partials = (f: Float32Array): number[] => Array.from(f.subarray(frame * FEATURE_DIMS + MEL_BANDS, frame * FEATURE_DIMS + MEL_BANDS + 8));
    const pa = partials(fa);
    const pb = partials(fb);
    pa.forEach((v, i) => expect(Math.abs(v - (pb[i] ?? 0))).toBeLessThan(0.5));
    // …and fall with the partial number (slope 1: amplitude ∝ 1/k).
    expect(pa[0]).toBeGreaterThan(pa[3]!);
    // Read at the wrong f0, the partials land between the peaks and drop.
    const wrong = partials(noteFeatures(a, midiToHz(48.5)));
    expect(wrong[5]!).toBeLessThan(pa[5]! - 1);
    expect(() => noteFeatures(new Float32Array(100), 100)).toThrow(/samples/);
  });
});

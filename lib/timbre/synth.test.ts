import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { FRAMES, NOTE_SAMPLES, SAMPLE_RATE } from './spec';
import { estimatePitch } from './pitch';
import { harmonicMask, HarmonicNoiseSynth, noiseBandSignals, renderReference } from './synth';
import { stftMagnitude } from './dsp';

const SPEC = { harmonics: 12, noiseBands: 6, noiseSeed: 5 };

function randomAmps(length: number, seed: number, scale: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.next() * scale);
}

describe('harmonic-plus-noise synthesizer', () => {
  it('renders what the sample-by-sample reference renders (batch of two pitches), differentiably and without leaks', async () => {
    const synth = new HarmonicNoiseSynth(SPEC);
    const before = liveTensorCount();
    const f0 = [220, 1234.5];
    const h = [randomAmps(FRAMES * 12, 1, 0.05), randomAmps(FRAMES * 12, 2, 0.05)];
    const n = [randomAmps(FRAMES * 6, 3, 0.01), randomAmps(FRAMES * 6, 4, 0.01)];
    // The second pitch has partials above the guard frequency: masked to 0, as the decoder does.
    const mask = harmonicMask(1234.5, 12);
    expect(Array.from(mask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    for (let f = 0; f < FRAMES; f++) for (let k = 0; k < 12; k++) h[1]![f * 12 + k]! *= mask[k]!;
    const hT = tf.tensor3d([...h[0]!, ...h[1]!], [2, FRAMES, 12]);
    const nT = tf.tensor3d([...n[0]!, ...n[1]!], [2, FRAMES, 6]);
    const out = tf.tidy(() => synth.render(hT, nT, f0));
    expect(out.shape).toEqual([2, NOTE_SAMPLES]);
    const data = await out.data();
    for (let b = 0; b < 2; b++) {
      const ref = renderReference(h[b]!, n[b]!, f0[b]!, SPEC);
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < NOTE_SAMPLES; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((data[b * NOTE_SAMPLES + i] ?? 0) - (ref[i] ?? 0)));
        maxAbs = Math.max(maxAbs, Math.abs(ref[i] ?? 0));
      }
      expect(maxAbs).toBeGreaterThan(0.01);
      expect(maxDiff).toBeLessThan(1e-4 * Math.max(1, maxAbs * 10));
    }
    const grads = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(synth.render(a as tf.Tensor3D, b as tf.Tensor3D, f0))))([hT, nT]));
    expect(grads.map((g) => g.shape)).toEqual([hT.shape, nT.shape]);
    expect(Array.from(await grads[0]!.data()).some((v) => v !== 0)).toBe(true);
    tf.dispose([out, hT, nT, ...grads]);
    // The synth caches its per-f0 bases as plain arrays: no tensor is left.
    expect(liveTensorCount()).toBe(before);
    synth.dispose();
  });

  it('plays exactly the pitch it is given', () => {
    const synth = new HarmonicNoiseSynth(SPEC);
    const amps = new Float32Array(FRAMES * 12);
    for (let f = 0; f < FRAMES; f++) for (let k = 0; k < 12; k++) amps[f * 12 + k] = 0.1 / (k + 1);
    for (const hz of [65.4, 261.63, 1046.5]) {
      const m = harmonicMask(hz, 12);
      const a = amps.map((v, i) => v * (m[i % 12] ?? 0));
      const audio = tf.tidy(() => synth.render(tf.tensor3d(a, [1, FRAMES, 12]), tf.zeros([1, FRAMES, 6]) as tf.Tensor3D, [hz]).dataSync());
      const est = estimatePitch(Float32Array.from(audio));
      expect(est?.hz).toBeCloseTo(hz, 0);
    }
    synth.dispose();
  });

  it('makes unit-RMS noise bands that cover the spectrum band by band', () => {
    const bands = noiseBandSignals(4, 9);
    expect(bands).toHaveLength(4);
    const centroids = bands.map((b) => {
      const rms = Math.sqrt(b.reduce((s, v) => s + v * v, 0) / b.length);
      expect(rms).toBeCloseTo(1, 3);
      const s = stftMagnitude(b, 1024, 1024);
      let num = 0;
      let den = 0;
      for (let f = 0; f < s.frames; f++)
        for (let k = 0; k < s.bins; k++) {
          const v = s.data[f * s.bins + k] ?? 0;
          num += v * ((k * SAMPLE_RATE) / 1024);
          den += v;
        }
      return num / den;
    });
    for (let i = 1; i < 4; i++) expect(centroids[i]).toBeGreaterThan(centroids[i - 1]!);
    expect(noiseBandSignals(4, 9)[2]).toEqual(bands[2]);
  });
});

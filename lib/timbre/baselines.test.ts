import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { fitPca, fitSynthCeiling, griffinLim, istft, pcaReconstruct, sineBaseline, stftComplex } from './baselines';
import { frameRms, peakLoudnessDb } from './dsp';
import { knnPredict } from './evaluate';
import { estimatePitch } from './pitch';
import { multiScaleDistance } from './spectral-loss';
import { HarmonicNoiseSynth } from './synth';
import { syntheticNote } from './testing/notes';
import { midiToHz } from './spec';

describe('baselines', () => {
  it('the sine baseline plays the pitch with the input’s loudness envelope', () => {
    const x = syntheticNote({ pitch: 57, attack: 0.2, decay: 2 });
    const s = sineBaseline(x, 220);
    expect(estimatePitch(s)!.hz).toBeCloseTo(220, 0);
    const [rx, rs] = [frameRms(x), frameRms(s)];
    for (const f of [10, 40, 100]) expect(rs[f]!).toBeCloseTo(rx[f]!, 2);
  });

  it('STFT → ISTFT gives the signal back; Griffin-Lim rebuilds a sound from magnitudes alone', () => {
    const x = syntheticNote({ pitch: 64, length: 8192 });
    const s = stftComplex(x, 512, 128);
    const back = istft(s.re, s.im, 512, 128, x.length);
    for (let i = 600; i < 7000; i += 97) expect(back[i]).toBeCloseTo(x[i]!, 4);
    const mags = Float32Array.from(s.re, (r, i) => Math.hypot(r, s.im[i]!));
    const rebuilt = griffinLim(mags, 512, 128, x.length, 48);
    const random = griffinLim(mags, 512, 128, x.length, 0);
    // More rounds: closer in spectrogram terms.
    expect(multiScaleDistance(rebuilt, x, [512, 128])).toBeLessThan(multiScaleDistance(random, x, [512, 128]));
    expect(multiScaleDistance(rebuilt, x, [512, 128])).toBeLessThan(1.5);
  });

  it('PCA through the Gram matrix finds the subspace the data lives in, without leaks', async () => {
    const rng = createRng(4);
    const dims = 300;
    const basis = [rng.normalArray(dims), rng.normalArray(dims)];
    const rows = Array.from({ length: 40 }, () => {
      const [a, b] = [rng.normal(), rng.normal()];
      return Float32Array.from({ length: dims }, (_, j) => 1 + a * basis[0]![j]! + b * basis[1]![j]! + 0.001 * rng.normal());
    });
    const before = liveTensorCount();
    const pca = await fitPca(rows, 2);
    expect(liveTensorCount()).toBe(before);
    const test = Float32Array.from({ length: dims }, (_, j) => 1 + 0.7 * basis[0]![j]! - 1.3 * basis[1]![j]!);
    const recon = pcaReconstruct(pca, test);
    recon.forEach((v, j) => expect(v).toBeCloseTo(test[j]!, 1));
    // One component cannot hold a 2-D spread.
    const one = pcaReconstruct(await fitPca(rows, 1), test);
    expect(one.reduce((s, v, j) => s + (v - test[j]!) ** 2, 0)).toBeGreaterThan(1);
    await expect(fitPca(rows.slice(0, 2), 2)).rejects.toThrow(/more than 2 rows/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the synthesizer’s ceiling', () => {
  it('fits free knobs to a harmonic note far closer than the sine baseline, closer with more steps, leaving no tensor', async () => {
    const synth = new HarmonicNoiseSynth({ harmonics: 24, noiseBands: 8, noiseSeed: 1 });
    try {
      const notes = [57, 64].map((pitch, i) => {
        const samples = syntheticNote({ pitch, slope: 1 + i, noise: 0.02, decay: 1.5 });
        return { samples, f0Hz: midiToHz(pitch), loudnessDb: peakLoudnessDb(samples) };
      });
      const before = liveTensorCount();
      const few = await fitSynthCeiling(synth, notes, { steps: 5 });
      const many = await fitSynthCeiling(synth, notes, { steps: 80 });
      expect(liveTensorCount()).toBe(before);
      expect(many.curve).toHaveLength(80);
      expect(many.curve.at(-1)!).toBeLessThan(many.curve[0]!);
      notes.forEach((n, i) => {
        const sine = multiScaleDistance(sineBaseline(n.samples, n.f0Hz), n.samples);
        const fitted = multiScaleDistance(many.audio[i]!, n.samples);
        expect(fitted).toBeLessThan(multiScaleDistance(few.audio[i]!, n.samples));
        expect(fitted).toBeLessThan(0.5 * sine);
        expect(estimatePitch(many.audio[i]!)!.midi).toBeCloseTo([57, 64][i]!, 0);
      });
      await expect(fitSynthCeiling(synth, [{ ...notes[0]!, samples: new Float32Array(100) }], { steps: 1 })).rejects.toThrow(/20480 samples; got one of 100/);
      const stop = new AbortController();
      stop.abort();
      await expect(fitSynthCeiling(synth, notes, { steps: 3, signal: stop.signal })).rejects.toThrow(/stopped/);
      expect(liveTensorCount()).toBe(before);
    } finally {
      synth.dispose();
    }
  }, 120_000);
});

describe('k nearest neighbours', () => {
  it('votes among the k closest codes, ties going to the nearest, skipping excluded ones', () => {
    const refs = [
      [0, 0],
      [0.1, 0],
      [5, 5],
      [5.1, 5],
      [5, 5.2],
    ].map((r) => Float32Array.from(r));
    const labels = ['a', 'a', 'b', 'b', 'b'];
    expect(knnPredict([0.05, 0], refs, labels, 3)).toBe('a');
    expect(knnPredict([4, 4], refs, labels, 3)).toBe('b');
    expect(knnPredict([0.05, 0], refs, labels, 1, (i) => i < 2)).toBe('b');
    expect(knnPredict([2.4, 2.4], refs, labels, 2)).toBe('a');
  });
});

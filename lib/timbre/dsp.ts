/**
 * Sound analysis in plain JavaScript (no tensors): windows, short-time Fourier transforms, the mel
 * scale, frame loudness, spectral centroid and attack time. The FFT is fft.js (MIT, radix-4, the
 * fastest pure-JS FFT on npm; one instance per size is cached here).
 *
 * In a learner's words: a short-time Fourier transform cuts the sound into short overlapping slices
 * (frames), fades each in and out (a Hann window) and measures how strongly each frequency is
 * present in it. Stacking the frames gives a spectrogram: time across, frequency up.
 */
import FFT from 'fft.js';
import { InvalidInputError } from '../core/errors';
import { HOP, SAMPLE_RATE } from './spec';

const ffts = new Map<number, FFT>();

/** A cached fft.js instance for a power-of-two size ≥ 4. */
export function fftOf(n: number): FFT {
  let f = ffts.get(n);
  if (!f) {
    if (!Number.isInteger(n) || n < 4 || (n & (n - 1)) !== 0) throw new InvalidInputError(`FFT sizes are powers of two from 4; got ${n}.`);
    f = new FFT(n);
    ffts.set(n, f);
  }
  return f;
}

const windows = new Map<number, Float64Array>();

/** The periodic Hann window of length n (as tf.signal and DDSP use), cached. */
export function hann(n: number): Float64Array {
  let w = windows.get(n);
  if (!w) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    windows.set(n, w);
  }
  return w;
}

/** Sum of the Hann window of length n (n/2): magnitudes are divided by it, so a full-scale sine peaks at 0.5 at every size. */
export function windowSum(n: number): number {
  return hann(n).reduce((a, b) => a + b, 0);
}

/** A magnitude spectrogram: `frames × bins` values, frame-major. */
export interface Spectrogram {
  frames: number;
  bins: number;
  /** Magnitudes |X| / Σwindow, frame-major (`data[f · bins + k]`). */
  data: Float32Array;
}

/**
 * Where frames start. `pad-end`: frame f covers samples [f·hop, f·hop + n) for f < ⌈N / hop⌉, zeros
 * past the end (tf.signal.stft with pad_end, as DDSP's spectral loss). `center`: frame f is
 * centred on sample f·hop for f < ⌊N / hop⌋ (zeros before the start and past the end).
 */
export type Framing = 'pad-end' | 'center';

/** Number of frames of a signal of `length` samples. */
export function frameCount(length: number, hop: number, framing: Framing): number {
  return framing === 'pad-end' ? Math.ceil(length / hop) : Math.floor(length / hop);
}

/** First sample of frame f. */
export function frameStart(f: number, n: number, hop: number, framing: Framing): number {
  return framing === 'pad-end' ? f * hop : f * hop - n / 2;
}

/**
 * Magnitude spectrogram with a Hann window of size n (a power of two) and hop `hop`. Bins 0…n/2.
 * Plain numbers in, plain numbers out; nothing is kept.
 */
export function stftMagnitude(x: ArrayLike<number>, n: number, hop: number, framing: Framing = 'pad-end'): Spectrogram {
  const fft = fftOf(n);
  const w = hann(n);
  const scale = 1 / windowSum(n);
  const frames = frameCount(x.length, hop, framing);
  const bins = n / 2 + 1;
  const data = new Float32Array(frames * bins);
  const frame = new Float64Array(n);
  const out = new Float64Array(2 * n);
  for (let f = 0; f < frames; f++) {
    const start = frameStart(f, n, hop, framing);
    for (let i = 0; i < n; i++) {
      const j = start + i;
      frame[i] = j >= 0 && j < x.length ? (x[j] ?? 0) * (w[i] ?? 0) : 0;
    }
    fft.realTransform(out, frame);
    for (let k = 0; k < bins; k++) {
      const re = out[2 * k] ?? 0;
      const im = out[2 * k + 1] ?? 0;
      data[f * bins + k] = Math.sqrt(re * re + im * im) * scale;
    }
  }
  return { frames, bins, data };
}

/** Mel scale (HTK formula): perceived pitch distance, roughly linear below 1 kHz and logarithmic above. */
export function hzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

export function melToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

const melBanks = new Map<string, Float32Array>();

/**
 * Triangular mel filters `[bands × (n/2 + 1)]` (band-major): band b rises from the centre of band
 * b − 1 to its own centre and falls to the centre of b + 1, centres evenly spaced in mels from
 * `fmin` to `fmax`. Each triangle peaks at 1. Cached per settings.
 */
export function melFilterbank(n: number, bands: number, sampleRate = SAMPLE_RATE, fmin = 30, fmax = sampleRate / 2): Float32Array {
  const key = `${n}/${bands}/${sampleRate}/${fmin}/${fmax}`;
  let bank = melBanks.get(key);
  if (bank) return bank;
  const bins = n / 2 + 1;
  bank = new Float32Array(bands * bins);
  const lo = hzToMel(fmin);
  const hi = hzToMel(fmax);
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
  for (let b = 0; b < bands; b++) {
    const [l, c, r] = [edges[b] ?? 0, edges[b + 1] ?? 0, edges[b + 2] ?? 0];
    for (let k = 0; k < bins; k++) {
      const hz = (k * sampleRate) / n;
      const v = hz <= l || hz >= r ? 0 : hz <= c ? (hz - l) / (c - l) : (r - hz) / (r - c);
      bank[b * bins + k] = v;
    }
  }
  melBanks.set(key, bank);
  return bank;
}

/** Root-mean-square level of frames of `size` samples centred every {@link HOP} samples (`⌊N / hop⌋` values). */
export function frameRms(x: ArrayLike<number>, size = 736, hop = HOP): Float32Array {
  const frames = Math.floor(x.length / hop);
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    const start = f * hop - size / 2;
    let sum = 0;
    for (let i = 0; i < size; i++) {
      const v = x[start + i] ?? 0;
      sum += v * v;
    }
    out[f] = Math.sqrt(sum / size);
  }
  return out;
}

/** Decibels (20·log10) of an amplitude, floored at −120 dB. */
export function amplitudeDb(a: number): number {
  return 20 * Math.log10(Math.max(a, 1e-6));
}

/** The loudest frame's level in dBFS (frames of 46 ms, see {@link frameRms}): the note's loudness. */
export function peakLoudnessDb(x: ArrayLike<number>): number {
  const rms = frameRms(x);
  let max = 0;
  for (const v of rms) max = Math.max(max, v);
  return amplitudeDb(max);
}

/**
 * Brightness: the spectral centroid in Hz — the "centre of mass" of the spectrum, weighted by
 * magnitude, averaged over frames weighted by their energy (n = 1024, hop 256). 0 for silence.
 */
export function spectralCentroid(x: ArrayLike<number>, sampleRate = SAMPLE_RATE): number {
  const n = 1024;
  const s = stftMagnitude(x, n, 256);
  let num = 0;
  let den = 0;
  for (let f = 0; f < s.frames; f++) {
    let m = 0;
    let fm = 0;
    let e = 0;
    for (let k = 0; k < s.bins; k++) {
      const v = s.data[f * s.bins + k] ?? 0;
      m += v;
      fm += v * ((k * sampleRate) / n);
      e += v * v;
    }
    if (m > 0) {
      num += e * (fm / m);
      den += e;
    }
  }
  return den > 0 ? num / den : 0;
}

/**
 * Attack time in seconds: from the first frame whose level reaches 10% of the loudest frame's
 * (−20 dB) to the first that reaches 90% of it. Piano and plucks: ~0.01 s; bowed strings and pads:
 * 0.1–0.5 s. 0 for silence.
 */
export function attackTime(x: ArrayLike<number>, sampleRate = SAMPLE_RATE): number {
  const rms = frameRms(x, 320);
  let max = 0;
  for (const v of rms) max = Math.max(max, v);
  if (max <= 0) return 0;
  const start = rms.findIndex((v) => v >= 0.1 * max);
  const top = rms.findIndex((v) => v >= 0.9 * max);
  return start < 0 || top < 0 ? 0 : ((top - start) * HOP) / sampleRate;
}

/** The element-wise mean of Float32Arrays of equal length. */
export function meanOf(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays[0]?.length ?? 0);
  for (const a of arrays) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (a[i] ?? 0) / arrays.length;
  return out;
}

/**
 * Onset detection by spectral flux: where new energy appears in the spectrum.
 *
 * In a learner's words: take the spectrum every 5.8 ms, on a log scale (so a quiet hit counts, not
 * just the loudest), and add up, over all frequencies, how much *more* energy each has than 11.6 ms
 * before (decreases are ignored). That "novelty" curve jumps at every hit, pluck or consonant. Its
 * peaks that stand clearly above the local average are the onsets.
 */
import { type PcmAudio } from './pcm';
import { spectrogram, type Spectrogram } from './spectrum';

export interface Onset {
  /** Seconds from the start of the take. */
  time: number;
  /** Height of the novelty peak, 0..1 of the take's highest. */
  strength: number;
}

export interface OnsetOptions {
  /** Peaks must exceed the local mean (±`meanWindow` s) by this much of the highest peak (default 0.08). */
  delta?: number;
  /** And exceed this share of the highest peak (default 0.12). */
  minStrength?: number;
  meanWindow?: number;
  /** Onsets closer than this (s) keep the stronger (default 0.05). */
  minGap?: number;
}

/** Band edges (Hz) for the flux: three per octave from 30 Hz, so a kick's few low bins count as much as a hat's many high ones. */
function logBands(spec: Spectrogram): number[] {
  const edges: number[] = [];
  const nyquist = spec.sampleRate / 2;
  for (let hz = 30; hz < nyquist; hz *= 2 ** (1 / 3)) {
    const bin = Math.max(1, Math.round((hz * spec.size) / spec.sampleRate));
    if (edges.length === 0 || bin > (edges[edges.length - 1] as number)) edges.push(bin);
  }
  edges.push(spec.bins);
  return edges;
}

/**
 * The novelty (spectral flux) curve: one value per spectrogram frame, ≥ 0. The spectrum is first
 * pooled into bands a third of an octave wide and put on a log scale; each band's rise over `lag`
 * frames (against the strongest neighbouring band, so vibrato does not count) is summed.
 */
export function spectralFlux(spec: Spectrogram, lag = 2): Float32Array {
  const { numFrames, bins, magnitudes } = spec;
  const edges = logBands(spec);
  const B = edges.length - 1;
  const bands = new Float32Array(numFrames * B);
  for (let f = 0; f < numFrames; f++) {
    for (let b = 0; b < B; b++) {
      let s = 0;
      const lo = edges[b] as number;
      const hi = edges[b + 1] as number;
      for (let k = lo; k < hi; k++) s += (magnitudes[f * bins + k] as number) ** 2;
      bands[f * B + b] = Math.log1p(1000 * Math.sqrt(s / Math.max(1, hi - lo)));
    }
  }
  const flux = new Float32Array(numFrames);
  for (let f = lag; f < numFrames; f++) {
    let s = 0;
    const a = f * B;
    const p = (f - lag) * B;
    for (let b = 0; b < B; b++) {
      const before = Math.max(bands[p + Math.max(0, b - 1)] as number, bands[p + b] as number, bands[p + Math.min(B - 1, b + 1)] as number);
      const d = (bands[a + b] as number) - before;
      if (d > 0) s += d;
    }
    flux[f] = s;
  }
  return flux;
}

/**
 * Onsets of a take, sorted by time.
 * @param audio mono PCM at any rate (22,050 Hz is what the rest of lib/sound uses).
 */
export function detectOnsets(audio: PcmAudio, options: OnsetOptions = {}): Onset[] {
  const spec = spectrogram(audio.samples, audio.sampleRate, 1024, 128);
  const end = audio.samples.length / audio.sampleRate - END_GUARD;
  return pickOnsets(spectralFlux(spec), spec.hop / spec.sampleRate, options).filter((o) => o.time <= end);
}

/**
 * Seconds at the end of a take where no onset is reported: a recording that stops mid-sound ends in
 * a click (the frames there see the cut), and no hit fits in so little time anyway.
 */
export const END_GUARD = 0.03;

/** Peak picking on a novelty curve sampled every `frameSeconds`. */
export function pickOnsets(novelty: Float32Array, frameSeconds: number, options: OnsetOptions = {}): Onset[] {
  let max = 0;
  for (const v of novelty) max = Math.max(max, v);
  if (max <= 0) return [];
  const delta = (options.delta ?? 0.08) * max;
  const floor = (options.minStrength ?? 0.12) * max;
  const half = Math.max(1, Math.round((options.meanWindow ?? 0.1) / frameSeconds));
  const around = Math.max(1, Math.round(0.03 / frameSeconds));
  const minGap = options.minGap ?? 0.05;
  // Running sums for the local mean.
  const prefix = new Float64Array(novelty.length + 1);
  for (let i = 0; i < novelty.length; i++) prefix[i + 1] = (prefix[i] as number) + (novelty[i] as number);
  const found: Onset[] = [];
  for (let i = 1; i < novelty.length - 1; i++) {
    const v = novelty[i] as number;
    if (v < floor) continue;
    let isPeak = true;
    for (let k = Math.max(0, i - around); k <= Math.min(novelty.length - 1, i + around) && isPeak; k++)
      if (k !== i && (novelty[k] as number) > v) isPeak = false;
    if (!isPeak) continue;
    const a = Math.max(0, i - half);
    const b = Math.min(novelty.length, i + half + 1);
    const mean = ((prefix[b] as number) - (prefix[a] as number)) / (b - a);
    if (v < mean + delta) continue;
    const onset = { time: i * frameSeconds, strength: v / max };
    const last = found[found.length - 1];
    if (last && onset.time - last.time < minGap) {
      if (onset.strength > last.strength) found[found.length - 1] = onset;
      continue;
    }
    found.push(onset);
  }
  return found;
}

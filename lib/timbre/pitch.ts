/**
 * The pitch of one note, and whether it is one note at all.
 *
 * In a learner's words: a pitched sound is made of partials at whole multiples of one frequency,
 * the fundamental f0 (a 220 Hz note has partials at 220, 440, 660 … Hz). We average the spectrum
 * over the steady part of the note, find its peaks, and try every candidate f0 (each peak divided
 * by 1…6): the winner is the f0 whose multiples land on the strongest peaks ("harmonic salience",
 * as in Klapuri 2006, simplified). Its exact value is then read off the peaks it explains.
 * - Noise has no such series: few of its peaks sit on any f0's multiples ("harmonicity" is low).
 * - A chord has several series: after removing the winner's peaks, strong peaks remain, and they
 *   have their own f0. The model takes one note, so it uses the winner and says so.
 */
import { frameRms, stftMagnitude } from './dsp';
import { hzToMidi, SAMPLE_RATE } from './spec';

/** What {@link estimatePitch} found. */
export interface PitchEstimate {
  /** Fundamental frequency in Hz. */
  hz: number;
  /** The same as a fractional MIDI pitch. */
  midi: number;
  /**
   * Share (0–1) of the note's spectral energy that lies on the partials of this f0: near 1 for a
   * clean tone, low for noise.
   */
  harmonicity: number;
  /** Other pitches (MIDI, rounded to 0.1) heard at the same time: empty for a single note. */
  otherPitches: number[];
}

export interface PitchOptions {
  /** Only look for an f0 within `range` semitones of this MIDI pitch (e.g. a rendered note's label). */
  near?: number;
  /** Semitones around `near` (default 1). */
  range?: number;
  sampleRate?: number;
}

interface Peak {
  hz: number;
  mag: number;
}

const N = 4096;
/** Partials within this many cents of h·f0 count as explained by f0. */
const TOLERANCE_CENTS = 45;
const MAX_HARMONIC = 16;

/** Frames of the steady part: level within 20 dB of the loudest, after the first 30 ms of the note. */
function steadyRegion(x: ArrayLike<number>, sampleRate: number): { start: number; end: number } {
  const hop = 160;
  const rms = frameRms(x, 736, hop);
  let max = 0;
  for (const v of rms) max = Math.max(max, v);
  const onset = rms.findIndex((v) => v >= max * 0.03);
  const loud: number[] = [];
  rms.forEach((v, f) => {
    if (v >= max * 0.1 && f * hop >= (onset + 3) * hop) loud.push(f);
  });
  if (loud.length < 4) return { start: 0, end: x.length };
  const first = (loud[0] ?? 0) * hop;
  const last = (loud.at(-1) ?? 0) * hop;
  const minLength = Math.min(x.length, Math.round(0.3 * sampleRate));
  return { start: Math.max(0, Math.min(first, x.length - minLength)), end: Math.min(x.length, Math.max(last, first + minLength)) };
}

/** Power-averaged magnitude spectrum of the steady part (n = 4096, hop 1024). */
export function averageSpectrum(x: ArrayLike<number>, sampleRate = SAMPLE_RATE): Float64Array {
  const { start, end } = steadyRegion(x, sampleRate);
  const part = Array.prototype.slice.call(x, start, end) as number[];
  const padded = part.length >= N ? part : part.concat(new Array<number>(N - part.length).fill(0));
  const s = stftMagnitude(padded, N, N / 4, 'pad-end');
  const out = new Float64Array(s.bins);
  const used = Math.max(1, s.frames - (padded.length > N ? 3 : 0));
  for (let f = 0; f < used; f++) for (let k = 0; k < s.bins; k++) out[k] = (out[k] ?? 0) + (s.data[f * s.bins + k] ?? 0) ** 2;
  for (let k = 0; k < s.bins; k++) out[k] = Math.sqrt((out[k] ?? 0) / used);
  return out;
}

/** Local maxima within 50 dB of the strongest, 25 Hz – 5 kHz, with parabolic interpolation (at most 60, strongest first). */
function findPeaks(spectrum: Float64Array, sampleRate: number): Peak[] {
  const binHz = sampleRate / N;
  let max = 0;
  for (const v of spectrum) max = Math.max(max, v);
  const floor = max * 10 ** (-50 / 20);
  const peaks: Peak[] = [];
  const lo = Math.max(1, Math.floor(25 / binHz));
  const hi = Math.min(spectrum.length - 2, Math.ceil(5000 / binHz));
  for (let k = lo; k <= hi; k++) {
    const m = spectrum[k] ?? 0;
    if (m <= floor || m < (spectrum[k - 1] ?? 0) || m <= (spectrum[k + 1] ?? 0)) continue;
    const [a, b, c] = [Math.log(spectrum[k - 1] || 1e-12), Math.log(m), Math.log(spectrum[k + 1] || 1e-12)];
    const denom = a - 2 * b + c;
    const delta = denom < 0 ? (0.5 * (a - c)) / denom : 0;
    peaks.push({ hz: (k + delta) * binHz, mag: Math.exp(b - 0.25 * (a - c) * delta) });
  }
  return peaks.sort((p, q) => q.mag - p.mag).slice(0, 60);
}

function cents(a: number, b: number): number {
  return 1200 * Math.log2(a / b);
}

/** Which peaks f0 explains (index → harmonic number) and its salience Σ mag / √h. */
function explain(f0: number, peaks: readonly Peak[]): { salience: number; harmonics: Map<number, number> } {
  const harmonics = new Map<number, number>();
  const best = new Map<number, number>();
  peaks.forEach((p, i) => {
    const h = Math.round(p.hz / f0);
    if (h < 1 || h > MAX_HARMONIC || Math.abs(cents(p.hz, h * f0)) > TOLERANCE_CENTS) return;
    harmonics.set(i, h);
    best.set(h, Math.max(best.get(h) ?? 0, p.mag));
  });
  let salience = 0;
  for (const [h, m] of best) salience += m / Math.sqrt(h);
  return { salience, harmonics };
}

/**
 * The best f0 for these peaks (candidates: each of the strongest peaks divided by 1…maxDivisor). A candidate
 * whose own fundamental is not among the peaks only wins when no candidate has one: otherwise a
 * chord's common "virtual" root (C3 under C4–E4–G4, whose multiples explain every note) would win.
 */
function bestF0(peaks: readonly Peak[], lo: number, hi: number, maxDivisor = 6): { f0: number; salience: number; harmonics: Map<number, number> } | undefined {
  let best: { f0: number; salience: number; harmonics: Map<number, number> } | undefined;
  let bestWithout: typeof best;
  for (const p of peaks.slice(0, 15)) {
    for (let h = 1; h <= maxDivisor; h++) {
      const f0 = p.hz / h;
      if (f0 < lo || f0 > hi) continue;
      const e = explain(f0, peaks);
      const hasFundamental = [...e.harmonics.values()].includes(1);
      if (hasFundamental) {
        if (!best || e.salience > best.salience * 1.0001) best = { f0, ...e };
      } else if (!bestWithout || e.salience > bestWithout.salience * 1.0001) bestWithout = { f0, ...e };
    }
  }
  best ??= bestWithout;
  if (!best) return undefined;
  // Refine: the magnitude-weighted mean of (partial frequency / harmonic number) over the first 8 partials.
  let num = 0;
  let den = 0;
  for (const [i, h] of best.harmonics) {
    const p = peaks[i];
    if (!p || h > 8) continue;
    num += (p.hz / h) * p.mag;
    den += p.mag;
  }
  return { ...best, f0: den > 0 ? num / den : best.f0 };
}

/**
 * The pitch of a note (mono samples at `sampleRate`), its harmonicity and any other pitches heard
 * with it. Returns undefined when the spectrum has no peaks at all (silence).
 */
export function estimatePitch(x: ArrayLike<number>, options: PitchOptions = {}): PitchEstimate | undefined {
  const sampleRate = options.sampleRate ?? SAMPLE_RATE;
  const spectrum = averageSpectrum(x, sampleRate);
  const peaks = findPeaks(spectrum, sampleRate);
  if (peaks.length === 0) return undefined;
  const [lo, hi] =
    options.near !== undefined
      ? [440 * 2 ** ((options.near - (options.range ?? 1) - 69) / 12), 440 * 2 ** ((options.near + (options.range ?? 1) - 69) / 12)]
      : [27, 2100];
  // Near a known pitch, any partial up to the 16th may be the strongest (its f0 is in range anyway).
  const first = bestF0(peaks, lo, hi, options.near !== undefined ? MAX_HARMONIC : 6);
  if (!first) return undefined;
  // Harmonicity: energy within ±2 bins of the explained partials over all energy up to 5 kHz.
  const binHz = sampleRate / N;
  const onPartials = new Uint8Array(spectrum.length);
  for (const i of first.harmonics.keys()) {
    const k = Math.round((peaks[i]?.hz ?? 0) / binHz);
    for (let d = -2; d <= 2; d++) if (k + d >= 0 && k + d < spectrum.length) onPartials[k + d] = 1;
  }
  let total = 0;
  let explained = 0;
  const top = Math.min(spectrum.length, Math.ceil(5000 / binHz));
  for (let k = 1; k < top; k++) {
    const e = (spectrum[k] ?? 0) ** 2;
    total += e;
    if (onPartials[k]) explained += e;
  }
  // Other notes: strong peaks that f0 does not explain, grouped by their own best f0.
  const otherPitches: number[] = [];
  if (options.near === undefined) {
    const peakPower = peaks.reduce((a, p) => a + p.mag * p.mag, 0);
    let rest = peaks.filter((_, i) => !first.harmonics.has(i));
    for (let round = 0; round < 3 && rest.length > 0; round++) {
      const restPower = rest.reduce((a, p) => a + p.mag * p.mag, 0);
      if (restPower < 0.12 * peakPower) break;
      const next = bestF0(rest, 27, 2100);
      if (!next || next.salience < 0.3 * first.salience) break;
      // A partial of the first note (e.g. its octave with a weak fundamental) is not another note.
      const ratio = next.f0 / first.f0;
      if (Math.abs(cents(ratio, Math.round(ratio))) < TOLERANCE_CENTS && Math.round(ratio) >= 1) break;
      otherPitches.push(Math.round(hzToMidi(next.f0) * 10) / 10);
      rest = rest.filter((_, i) => !next.harmonics.has(i));
    }
  }
  return { hz: first.f0, midi: hzToMidi(first.f0), harmonicity: total > 0 ? explained / total : 0, otherPitches };
}

/**
 * The main melodic line straight from basic-pitch's posteriors — our own monophonic decoder.
 *
 * Why not basic-pitch's note decoder: it is polyphonic (a rich tone also gives notes at its
 * harmonics), and it ends a note when its pitch is no longer heard at all; the model is deliberately
 * loudness-blind, so it keeps hearing a note through the instrument's release and the room until the
 * sound is ~40 dB down — 150–400 ms after the player let go. A melody's rests (often one 16th) would
 * all vanish. So, in a learner's words:
 *   1. Pitch track: at every frame (11.6 ms) pick "silence" or one of the 88 pitches, so that each
 *      frame's pick is likely (the model's frame posterior) and the picks rarely jump — a Viterbi
 *      search, the same dynamic programming that finds the best path through a maze of choices.
 *      Harmonic ghosts are weaker than the note and lose.
 *   2. Notes: a run of one pitch is a note; it is split where the model hears a fresh onset of that
 *      same pitch (a repeated note), or where the note's partials suddenly stop following their own
 *      phases (a repeated note played legato, which the model often does not hear: see
 *      {@link phaseDeviation}), or where a weaker onset and a weaker phase break come together.
 *   3. Note ends come from the loudness: a note ends where the sound level falls fast (by
 *      `releaseDropDb` within `releaseWindow` seconds) — the moment the key was released or the
 *      singer stopped — or where the next note begins.
 * Pure functions over plain arrays: runs in Node and in a Web Worker.
 */
import { BASIC_PITCH, type PitchPosteriors } from './basic-pitch';
import type { HeardNote } from './notes';
import { MODEL_SAMPLE_RATE } from './pcm';
import { centredSpectrum } from './spectrum';

export interface LineDecoderOptions {
  /** Log-score cost of changing pitch between frames (default 3: ≈ a 20× less likely path). */
  pitchJumpCost?: number;
  /** Log-score cost of starting or stopping sound (default 2). */
  voicingCost?: number;
  /** Onset posterior that splits a held pitch into a repeated note (default 0.7: a sung vibrato alone reaches ~0.5). */
  reonsetThreshold?: number;
  /** Level drop (dB) below the note's recent median level that marks a release (default 6). */
  releaseDropDb?: number;
  /** How far back the recent median level looks, seconds (default 0.12). */
  releaseWindow?: number;
  /** The level must stay that low this long, seconds (default 0.035): tremolo dips come back up, a release does not. */
  releaseHold?: number;
  /** Seconds from the actual release to where the drop is detected, taken off each end (default 0.02). */
  releaseDelay?: number;
  /** Shortest note kept, seconds (default 0.05). */
  minDuration?: number;
  /**
   * Phase deviation (0–~1.4, see {@link phaseDeviation}) that splits a held pitch into a repeated note
   * when it peaks there (default 0.15; Infinity turns the test off).
   */
  phaseReonsetThreshold?: number;
  /** …and is at least this many times the note's median deviation over the 150 ms before (default 3). */
  phaseReonsetRatio?: number;
  /**
   * Weaker evidence that splits too, when both come together: an onset posterior of at least this
   * within a frame (default 0.3; Infinity turns it off)…
   */
  weakOnsetThreshold?: number;
  /** …with a phase-deviation peak of at least this (default 0.10), at the same ratio to the note's median. */
  weakOnsetPhase?: number;
  /** Onset search: a run's onset moves to its pitch's onset-posterior peak up to this many frames earlier (default 8) or 2 later. */
  onsetSnapFrames?: number;
}

const UNVOICED = 0;

/**
 * Sound level in dB (RMS over 512 samples) at each posterior frame time.
 * @param samples the 22,050 Hz mono audio the posteriors came from.
 */
export function frameLevels(samples: Float32Array, frameTimes: Float64Array): Float32Array {
  const out = new Float32Array(frameTimes.length);
  const half = 256;
  for (let i = 0; i < frameTimes.length; i++) {
    const c = Math.round((frameTimes[i] ?? 0) * MODEL_SAMPLE_RATE);
    const a = Math.max(0, c - half);
    const b = Math.min(samples.length, c + half);
    let s = 0;
    for (let k = a; k < b; k++) s += (samples[k] ?? 0) ** 2;
    out[i] = 10 * Math.log10(s / Math.max(1, b - a) + 1e-12);
  }
  return out;
}

const PHASE_N = 1024;
const PHASE_HOP = 128;

/**
 * How much the partials of a note at `midi` break from where their phases were heading, at
 * `centre` (a sample index of 22,050 Hz audio): the complex-domain onset measure (Duxbury et al.
 * 2003; Bello et al. 2004) on the bins around the first six harmonics — each bin's value predicted
 * from the two windows before (same magnitude, phase advancing at the same rate), the distance of
 * the actual value from the prediction, over the magnitudes. A steady tone scores near 0; a note
 * that restarts at the same pitch with no dip in level (a re-tongued or re-bowed note, a sample
 * restarted) breaks its phases and scores high.
 */
export function phaseDeviation(samples: Float32Array, centre: number, midi: number): number {
  const f0 = 440 * 2 ** ((midi - 69) / 12);
  const bins: number[] = [];
  for (let h = 1; h <= 6; h++) {
    const b = Math.round((h * f0 * PHASE_N) / MODEL_SAMPLE_RATE);
    for (let d = -2; d <= 2; d++) if (b + d > 0 && b + d < PHASE_N / 2) bins.push(b + d);
  }
  const frame = (c: number): Float64Array => centredSpectrum(samples, c, PHASE_N);
  const [a, b, c] = [frame(centre - 2 * PHASE_HOP), frame(centre - PHASE_HOP), frame(centre)];
  let deviation = 0;
  let magnitude = 0;
  for (const k of bins) {
    const p0 = Math.atan2(a[2 * k + 1] ?? 0, a[2 * k] ?? 0);
    const p1 = Math.atan2(b[2 * k + 1] ?? 0, b[2 * k] ?? 0);
    const m1 = Math.hypot(b[2 * k] ?? 0, b[2 * k + 1] ?? 0);
    const predicted = 2 * p1 - p0;
    deviation += Math.hypot((c[2 * k] ?? 0) - m1 * Math.cos(predicted), (c[2 * k + 1] ?? 0) - m1 * Math.sin(predicted));
    magnitude += Math.hypot(c[2 * k] ?? 0, c[2 * k + 1] ?? 0) + m1;
  }
  return deviation / (magnitude + 1e-12);
}

/** Viterbi pitch track: per frame 0 = silence, k + 1 = pitch 21 + k. */
export function pitchTrack(posteriors: PitchPosteriors, options: LineDecoderOptions = {}): Int8Array {
  const n = posteriors.numFrames;
  const P = BASIC_PITCH.notes;
  const S = P + 1;
  const jump = options.pitchJumpCost ?? 3;
  const voicing = options.voicingCost ?? 2;
  const F = posteriors.frames;
  const back = new Int8Array(n * S);
  let prev = new Float64Array(S);
  let cur = new Float64Array(S);
  const emit = (t: number, s: number): number => {
    if (s === UNVOICED) {
      let max = 0;
      for (let p = 0; p < P; p++) max = Math.max(max, F[t * P + p] ?? 0);
      return Math.log(Math.max(1e-4, 1 - max));
    }
    return Math.log(Math.max(1e-4, F[t * P + s - 1] ?? 0));
  };
  for (let s = 0; s < S; s++) prev[s] = emit(0, s) - (s === UNVOICED ? 0 : voicing);
  for (let t = 1; t < n; t++) {
    // Best and second-best voiced states of the previous frame (for "jump from another pitch").
    let best = -Infinity;
    let bestS = 1;
    let second = -Infinity;
    let secondS = 1;
    for (let s = 1; s < S; s++) {
      const v = prev[s] as number;
      if (v > best) {
        second = best;
        secondS = bestS;
        best = v;
        bestS = s;
      } else if (v > second) {
        second = v;
        secondS = s;
      }
    }
    const unv = prev[UNVOICED] as number;
    // Silence: stay silent, or stop from the best pitch.
    if (unv >= best - voicing) {
      cur[UNVOICED] = unv + emit(t, UNVOICED);
      back[t * S] = UNVOICED;
    } else {
      cur[UNVOICED] = best - voicing + emit(t, UNVOICED);
      back[t * S] = bestS;
    }
    for (let s = 1; s < S; s++) {
      const stay = prev[s] as number;
      const [other, otherS] = s === bestS ? [second, secondS] : [best, bestS];
      let v = stay;
      let from = s;
      if (other - jump > v) {
        v = other - jump;
        from = otherS;
      }
      if (unv - voicing > v) {
        v = unv - voicing;
        from = UNVOICED;
      }
      cur[s] = v + emit(t, s);
      back[t * S + s] = from;
    }
    [prev, cur] = [cur, prev];
  }
  const path = new Int8Array(n);
  let s = 0;
  for (let k = 1; k < S; k++) if ((prev[k] as number) > (prev[s] as number)) s = k;
  for (let t = n - 1; t >= 0; t--) {
    path[t] = s;
    if (t > 0) s = back[t * S + s] as number;
  }
  return path;
}

/**
 * The main line of a take as notes in seconds (sorted, never overlapping).
 * @param posteriors basic-pitch's output for the take.
 * @param samples the same take at 22,050 Hz (for the loudness that marks note ends).
 */
export function decodeMelodyLine(posteriors: PitchPosteriors, samples: Float32Array, options: LineDecoderOptions = {}): HeardNote[] {
  const n = posteriors.numFrames;
  if (n < 3) return [];
  const P = BASIC_PITCH.notes;
  const F = posteriors.frames;
  const O = posteriors.onsets;
  const times = posteriors.frameTimes;
  const hop = BASIC_PITCH.fftHop / MODEL_SAMPLE_RATE;
  const path = pitchTrack(posteriors, options);
  const levels = frameLevels(samples, times);
  const reonset = options.reonsetThreshold ?? 0.7;
  const drop = options.releaseDropDb ?? 6;
  const window = Math.max(2, Math.round((options.releaseWindow ?? 0.12) / hop));
  const stay = Math.max(1, Math.round((options.releaseHold ?? 0.035) / hop));
  const releaseDelay = options.releaseDelay ?? 0.02;
  const minDuration = options.minDuration ?? 0.05;
  const snap = options.onsetSnapFrames ?? 8;
  const phaseSplit = options.phaseReonsetThreshold ?? 0.15;
  const phaseRatio = options.phaseReonsetRatio ?? 3;
  const phaseLookback = Math.max(3, Math.round(0.15 / hop));
  const timeOf = (f: number): number => (f < n ? (times[f] ?? 0) : (times[n - 1] ?? 0) + (f - n + 1) * hop);

  // Runs of one pitch [a, b) in frames, each starting at its onset.
  const runs: { pitch: number; a: number; b: number }[] = [];
  let t = 0;
  while (t < n) {
    const s = path[t] as number;
    if (s === UNVOICED) {
      t++;
      continue;
    }
    let b = t + 1;
    while (b < n && path[b] === s) b++;
    const p = s - 1;
    // Onset: the onset-posterior peak of this pitch near the run's start.
    let a = t;
    let bestO = O[t * P + p] ?? 0;
    const floor = runs.length > 0 ? (runs[runs.length - 1] as { a: number }).a + 2 : 0;
    for (let f = Math.max(floor, t - snap); f <= Math.min(n - 1, t + 2); f++) {
      const o = O[f * P + p] ?? 0;
      if (o > bestO) {
        bestO = o;
        a = f;
      }
    }
    a = Math.min(a, b - 1);
    runs.push({ pitch: p, a, b });
    t = b;
  }
  // Pitch changes inside one sound: the earlier run ends where the later one's onset is.
  for (let i = 1; i < runs.length; i++) {
    const prev = runs[i - 1] as { a: number; b: number };
    const cur = runs[i] as { a: number; b: number };
    if (cur.a < prev.b) prev.b = Math.max(prev.a + 1, cur.a);
  }
  const notes: HeardNote[] = [];
  const recent: number[] = [];
  const level = (f: number): number => levels[Math.min(n - 1, Math.max(0, f))] ?? -120;
  const peakO = (f: number, p: number): boolean => {
    const o = O[f * P + p] ?? 0;
    for (let k = f - 2; k <= f + 2; k++) if (k !== f && (O[k * P + p] ?? 0) > o) return false;
    return true;
  };
  // Phase deviation of pitch p at frame f, computed when first asked (only inside notes, only when on).
  const deviations = new Map<number, number>();
  const deviationAt = (f: number, p: number): number => {
    const key = f * P + p;
    let d = deviations.get(key);
    if (d === undefined) {
      d = phaseDeviation(samples, Math.round(timeOf(f) * MODEL_SAMPLE_RATE), p + BASIC_PITCH.midiOffset);
      deviations.set(key, d);
    }
    return d;
  };
  const weakOnset = options.weakOnsetThreshold ?? 0.3;
  const weakPhase = options.weakOnsetPhase ?? 0.1;
  const phasePeak = (f: number, p: number, start: number, threshold = phaseSplit): boolean => {
    if (!Number.isFinite(threshold)) return false;
    const d = deviationAt(f, p);
    if (d < threshold) return false;
    for (let k = f - 2; k <= f + 2; k++) if (k !== f && k >= 0 && k < n && deviationAt(k, p) > d) return false;
    if (phaseRatio > 0) {
      const before: number[] = [];
      for (let k = Math.max(start + 2, f - phaseLookback); k <= f - 3; k++) before.push(deviationAt(k, p));
      if (before.length < 3) return false;
      before.sort((x, y) => x - y);
      if (d < phaseRatio * (before[Math.floor(before.length / 2)] ?? 0)) return false;
    }
    return true;
  };
  const emit = (p: number, a: number, endFrame: number, released: boolean): void => {
    const start = timeOf(a);
    const end = released ? timeOf(endFrame) - releaseDelay : timeOf(endFrame);
    if (end - start < minDuration) return;
    let sum = 0;
    for (let f = a; f < Math.max(a + 1, endFrame); f++) sum += F[f * P + p] ?? 0;
    notes.push({ pitch: p + BASIC_PITCH.midiOffset, start, end, salience: sum / Math.max(1, endFrame - a) });
  };
  for (const run of runs) {
    // Within a run of one pitch: a note sounds until its release (the level falls `drop` dB below its
    // recent median and stays there) or a fresh attack of the same pitch (a strong onset peak); after a
    // release, a rise of the level by `drop` dB is a new note of that pitch (a repeated note after a rest).
    // (Splitting at mere dips of the level was tried: it helped a flute's re-tongued notes but cut
    // tremolo-rich voices into pieces — worse overall on the tuning songs.)
    const p = run.pitch;
    let sounding = true;
    let start = run.a;
    let minLevel = Infinity;
    let minFrame = run.a;
    for (let f = run.a + 3; f < run.b; f++) {
      if (sounding) {
        if (
          f - start >= 4 &&
          (((O[f * P + p] ?? 0) >= reonset && peakO(f, p)) ||
            phasePeak(f, p, start) ||
            (Math.max(O[f * P + p] ?? 0, O[(f - 1) * P + p] ?? 0, O[(f + 1) * P + p] ?? 0) >= weakOnset && phasePeak(f, p, start, weakPhase)))
        ) {
          emit(p, start, f, false);
          start = f;
          continue;
        }
        recent.length = 0;
        for (let k = Math.max(start + 1, f - window); k < f; k++) recent.push(level(k));
        recent.sort((x, y) => x - y);
        const ref = recent[Math.floor(recent.length / 2)] ?? -Infinity;
        let below = true;
        for (let k = f; k < Math.min(n, f + stay); k++) if (level(k) >= ref - drop) below = false;
        if (below) {
          emit(p, start, f, true);
          sounding = false;
          minLevel = level(f);
          minFrame = f;
        }
      } else {
        if (level(f) < minLevel) {
          minLevel = level(f);
          minFrame = f;
        }
        if (level(f) > minLevel + drop) {
          // The new attack began where the level was lowest; its onset peak, if near, is more exact.
          let a2 = minFrame;
          let best = 0;
          for (let k = minFrame; k <= Math.min(run.b - 1, f + 2); k++) {
            const o = O[k * P + p] ?? 0;
            if (o > best) {
              best = o;
              a2 = k;
            }
          }
          start = best >= 0.3 ? a2 : minFrame;
          sounding = true;
          f = Math.max(f, start + 3);
        }
      }
    }
    if (sounding) emit(p, start, run.b, false);
  }
  return notes;
}

/**
 * Grooves from audio (a beatboxed, tapped or played take) and from keyboard taps: onsets, each
 * classed as kick, snare and/or closed hi-hat, placed on the 16th-note grid as a drum
 * NoteSequence with Magenta's drum pitches (36 kick, 38 snare, 42 closed hat).
 *
 * Classing a hit, in a learner's words: a kick is a burst of low frequencies that rings on, a hi-hat
 * a short hiss of high ones, a snare a crack in between with a noisy tail. We measure how much
 * energy rises at the hit in six frequency bands, how that energy is shared between the bands, and
 * how fast the low and high bands die away — 14 numbers — and three tiny logistic regressions
 * (trained by `scripts/train-drum-classifier.ts` on drum hits rendered from General MIDI kits; the
 * weights live in drum-model.ts) each say whether their drum is in the hit. A hit can hold more
 * than one drum (kick and hat together are common). A beatboxed take makes one sound per hit; there
 * where a hit falls in the bar counts too — the snare of a groove sits on beats 2 and 4, the kick on
 * the one — from a table counted over drum-machine patterns (drum-positions.ts).
 */
import { DEFAULT_VELOCITY, STEPS_PER_BAR, emptyQuantizedSequence, type QuantizedNote, type QuantizedNoteSequence } from '../music/note-sequence';
import { unquantize } from '../music/sequences';
import { DRUM_MODEL, type DrumModel } from './drum-model';
import { DRUM_POSITIONS } from './drum-positions';
import { CancelledError } from '../core/errors';
import { NoHitsError } from './errors';
import { checkGrid, stepSeconds, type BeatGrid } from './melody';
import { END_GUARD, pickOnsets, spectralFlux, type OnsetOptions } from './onsets';
import { assertUsableAudio, durationSeconds, peakDb, type PcmAudio } from './pcm';
import { toModelRate } from './resample';
import { spectrogram, binOf, type Spectrogram } from './spectrum';
import { detectTempo, type TempoEstimate, type TempoOptions } from './tempo';

export const DRUM_SOUNDS = ['kick', 'snare', 'hat'] as const;
export type DrumSound = (typeof DRUM_SOUNDS)[number];
/** Magenta's drum pitches (the first pitch of each DrumsConverter class). */
export const DRUM_PITCHES: Readonly<Record<DrumSound, number>> = { kick: 36, snare: 38, hat: 42 };

/** Band edges in Hz for the features. */
export const DRUM_BANDS: readonly (readonly [number, number])[] = [
  [30, 150],
  [150, 400],
  [400, 1000],
  [1000, 3000],
  [3000, 6000],
  [6000, 11000],
];
/** Number of features per hit. */
export const DRUM_FEATURES = 2 * DRUM_BANDS.length + 2;

const FFT_SIZE = 1024;
const HOP = 128;

function bandEnergy(spec: Spectrogram, band: readonly [number, number], from: number, to: number): number {
  const a = binOf(spec, band[0]);
  const b = Math.max(a + 1, binOf(spec, band[1]));
  let sum = 0;
  let count = 0;
  for (let f = Math.max(0, from); f < Math.min(spec.numFrames, to); f++) {
    const base = f * spec.bins;
    for (let k = a; k < b; k++) sum += (spec.magnitudes[base + k] as number) ** 2;
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/**
 * The 14 features of the hit at spectrogram frame `frame` (its onset): per band the rise in log10
 * energy from just before to just after the onset, per band the share of the after-onset energy
 * (log10), and the decay (log10 ratio, 50–120 ms vs 0–40 ms after) of the low and high bands.
 */
export function hitFeatures(spec: Spectrogram, frame: number): Float32Array {
  const perMs = spec.sampleRate / spec.hop / 1000;
  const after = [frame, frame + Math.round(40 * perMs)] as const;
  const before = [frame - Math.round(60 * perMs), frame - Math.round(20 * perMs)] as const;
  const late = [frame + Math.round(50 * perMs), frame + Math.round(120 * perMs)] as const;
  const eps = 1e-9;
  const out = new Float32Array(DRUM_FEATURES);
  const afterE = DRUM_BANDS.map((b) => bandEnergy(spec, b, after[0], after[1]));
  const total = afterE.reduce((x, y) => x + y, 0) + eps;
  DRUM_BANDS.forEach((b, i) => {
    const pre = bandEnergy(spec, b, before[0], before[1]);
    out[i] = Math.max(-2, Math.min(6, Math.log10(((afterE[i] as number) + eps) / (pre + eps))));
    out[DRUM_BANDS.length + i] = Math.log10(((afterE[i] as number) + eps) / total);
  });
  const low = DRUM_BANDS[0] as readonly [number, number];
  const high = DRUM_BANDS[DRUM_BANDS.length - 1] as readonly [number, number];
  out[2 * DRUM_BANDS.length] = Math.log10((bandEnergy(spec, low, late[0], late[1]) + eps) / ((afterE[0] as number) + eps));
  out[2 * DRUM_BANDS.length + 1] = Math.log10((bandEnergy(spec, high, late[0], late[1]) + eps) / ((afterE[DRUM_BANDS.length - 1] as number) + eps));
  return out;
}

/** A hit's features standardized as `model` standardizes them (its means and standard deviations). */
export const standardizeHit = (features: ArrayLike<number>, model: DrumModel = DRUM_MODEL): number[] =>
  Array.from({ length: DRUM_FEATURES }, (_, i) => ((features[i] ?? 0) - (model.mean[i] ?? 0)) / (model.std[i] ?? 1));

/** Probability (0..1) that each drum sounds in a hit with these features. */
export function classifyHit(features: ArrayLike<number>, model: DrumModel = DRUM_MODEL): Record<DrumSound, number> {
  const result = { kick: 0, snare: 0, hat: 0 };
  const x = standardizeHit(features, model);
  DRUM_SOUNDS.forEach((sound, c) => {
    const w = model.weights[c] as readonly number[];
    const z = x.reduce((sum, v, i) => sum + (w[i] ?? 0) * v, w[DRUM_FEATURES] ?? 0);
    result[sound] = 1 / (1 + Math.exp(-z));
  });
  return result;
}

/** A hit heard in a take. */
export interface HeardHit {
  /** Seconds from the start of the take. */
  time: number;
  /** Onset strength 0..1 (of the take's strongest). */
  strength: number;
  /** The drums in the hit (at least one). */
  sounds: DrumSound[];
  probabilities: Record<DrumSound, number>;
}

export interface HitOptions {
  onsets?: OnsetOptions;
  model?: DrumModel;
  /**
   * true: a hit may hold several drums (a kit: kick and hat together); false (default): one sound
   * per hit, the likeliest — a beatboxer's mouth makes one at a time.
   */
  stacked?: boolean;
  /** Hits quieter than this many dB below the take's loudest moment are ignored (default −35). */
  minLevelDb?: number;
  /** One sound per hit only: group the take's hits by sound and give each group one drum (default true). */
  adapt?: boolean;
  /**
   * One sound per hit only: the bar's grid, when known, lets where a hit falls count too — a groove's
   * snare sits on the backbeat, its kick on the one (see {@link positionLogPrior}).
   */
  grid?: BeatGrid;
  /** Weight of the position prior against the sound's evidence (default {@link POSITION_WEIGHT}; 0 turns it off). */
  positionWeight?: number;
  /** Drum probabilities from a hit's features instead of the kit classifier's (the player's sounds: drum-calibration.ts). */
  classify?: (features: Float32Array) => Record<DrumSound, number>;
}

/** A group of hits whose mean probability of one drum is at least this is that drum (see adaptToTake). */
const SURE_GROUP = 0.9;

/** How much a hit's place in the bar counts against how it sounds (tuned on book patterns the evaluation does not use). */
export const POSITION_WEIGHT = 3;

/**
 * log P(drum | the 16th of the bar a hit falls on), from {@link DRUM_POSITIONS}, per drum, or zeros
 * when the hit lies between two 16ths by more than a third of one (its place says nothing then).
 */
export function positionLogPrior(time: number, grid: BeatGrid): number[] {
  const step = stepSeconds(grid.qpm);
  const at = (time - grid.downbeat) / step;
  const nearest = Math.round(at);
  if (Math.abs(at - nearest) > 1 / 3) return DRUM_SOUNDS.map(() => 0);
  const pos = ((nearest % STEPS_PER_BAR) + STEPS_PER_BAR) % STEPS_PER_BAR;
  return DRUM_SOUNDS.map((s) => Math.log(DRUM_POSITIONS.share[s][pos] ?? 1 / 3));
}

/** Every hit of a take at 22,050 Hz (use `toModelRate` first), classed. */
export function detectHits(audio: PcmAudio, options: HitOptions = {}): HeardHit[] {
  const found = findHits(audio, options);
  labelHits(found, options);
  return found.hits;
}

/** The features ({@link hitFeatures}) and times of every hit of a take at 22,050 Hz (a player's example takes). */
export function hitFeaturesOf(audio: PcmAudio, options: Pick<HitOptions, 'onsets' | 'minLevelDb'> = {}): { time: number; features: Float32Array }[] {
  const { hits, features } = findHits(audio, options);
  return hits.map((h, i) => ({ time: h.time, features: features[i] as Float32Array }));
}

interface FoundHits {
  hits: HeardHit[];
  features: Float32Array[];
}

/** The take's hits with their features and the classifier's probabilities (each labelled with its likeliest drum, or drums when stacked). */
function findHits(audio: PcmAudio, options: HitOptions): FoundHits {
  const spec = spectrogram(audio.samples, audio.sampleRate, FFT_SIZE, HOP);
  const frameSeconds = spec.hop / spec.sampleRate;
  // Frame energies: a hit must be within `minLevelDb` of the loudest moment (the log-scale flux also
  // "hears" the first whispers of a sound swelling out of silence).
  const energy = new Float64Array(spec.numFrames);
  let loudest = 0;
  for (let f = 0; f < spec.numFrames; f++) {
    let e = 0;
    for (let k = 0; k < spec.bins; k++) e += (spec.magnitudes[f * spec.bins + k] as number) ** 2;
    energy[f] = e;
    loudest = Math.max(loudest, e);
  }
  const floor = loudest * 10 ** ((options.minLevelDb ?? -35) / 10);
  const after = Math.round(0.04 / frameSeconds);
  const end = audio.samples.length / audio.sampleRate - END_GUARD;
  const onsets = pickOnsets(spectralFlux(spec), frameSeconds, options.onsets).filter((o) => {
    if (o.time > end) return false;
    const f = Math.round(o.time / frameSeconds);
    let e = 0;
    for (let k = f; k < Math.min(spec.numFrames, f + after); k++) e = Math.max(e, energy[k] as number);
    return e >= floor;
  });
  const model = options.model ?? DRUM_MODEL;
  const features = onsets.map((o) => hitFeatures(spec, Math.round(o.time / frameSeconds)));
  const hits = onsets.map((o, i) => {
    const probabilities = options.classify ? options.classify(features[i] as Float32Array) : classifyHit(features[i] as Float32Array, model);
    const likeliest = DRUM_SOUNDS.reduce((a, b) => (probabilities[b] > probabilities[a] ? b : a));
    let sounds = options.stacked ? DRUM_SOUNDS.filter((s) => probabilities[s] >= 0.5) : [likeliest];
    if (sounds.length === 0) sounds = [likeliest];
    return { time: o.time, strength: o.strength, sounds, probabilities };
  });
  return { hits, features };
}

/**
 * One sound per hit: each hit's drum from how it sounds and, with `options.grid`, where it falls in
 * the bar; with `adapt`, per group of alike hits (see {@link adaptToTake}). Stacked hits keep their
 * drums. Changes the hits in place.
 */
function labelHits({ hits, features }: FoundHits, options: HitOptions): void {
  if (options.stacked) return;
  const weight = options.positionWeight ?? POSITION_WEIGHT;
  const grid = options.grid;
  const evidence = hits.map((h) => {
    const prior = grid && weight > 0 ? positionLogPrior(h.time, grid) : undefined;
    return DRUM_SOUNDS.map((s, c) => Math.log(Math.max(1e-6, h.probabilities[s])) + weight * (prior?.[c] ?? 0));
  });
  hits.forEach((h, i) => {
    const e = evidence[i] as number[];
    h.sounds = [DRUM_SOUNDS[e.indexOf(Math.max(...e))] as DrumSound];
  });
  if (options.adapt !== false) adaptToTake(hits, features, evidence, options.model ?? DRUM_MODEL);
}

/**
 * One voice, one take: a beatboxer's "k" may sound unlike any drum kit's snare, but all their "k"s
 * sound alike. So the take's hits are grouped by sound (k-means on the standardized features, 2 or 3
 * groups, the count with the clearest separation — silhouette ≥ 0.3 — or none), and each group gets
 * one drum, different per group, by the summed evidence over the group's hits (how they sound, and
 * where they fall in the bar when the grid is known). Changes `hits` in place; takes under 6 hits stay as classed one by one.
 */
function adaptToTake(hits: HeardHit[], features: readonly Float32Array[], evidence: readonly (readonly number[])[], model: DrumModel): void {
  const n = hits.length;
  if (n < 6) return;
  const z = features.map((f) => standardizeHit(f, model));
  const dist = (a: readonly number[], b: readonly number[]): number => Math.sqrt(a.reduce((s, v, i) => s + (v - (b[i] ?? 0)) ** 2, 0));
  // Grouping is by sound alone (seeds from the classifier); naming the groups weighs the evidence, position included.
  const logp = hits.map((h) => DRUM_SOUNDS.map((s) => Math.log(Math.max(1e-6, h.probabilities[s]))));
  const likeliest = logp.map((l) => l.indexOf(Math.max(...l)));
  let best: { k: number; assign: number[]; silhouette: number } | undefined;
  for (const k of [2, 3]) {
    // Seeds: the hit most sure of each drum (for k = 2, of the two drums with the most such hits).
    const counts = DRUM_SOUNDS.map((_s, c) => likeliest.filter((l) => l === c).length);
    const drums = [0, 1, 2].sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0)).slice(0, k);
    let centroids = drums.map((c) => {
      let arg = 0;
      for (let i = 1; i < n; i++) if ((logp[i]?.[c] ?? -Infinity) > (logp[arg]?.[c] ?? -Infinity)) arg = i;
      return [...(z[arg] as number[])];
    });
    let assign = new Array<number>(n).fill(0);
    for (let iter = 0; iter < 25; iter++) {
      assign = z.map((v) => centroids.reduce((bi, c, ci) => (dist(v, c) < dist(v, centroids[bi] as number[]) ? ci : bi), 0));
      centroids = centroids.map((c, ci) => {
        const members = z.filter((_v, i) => assign[i] === ci);
        return members.length === 0 ? c : c.map((_x, d) => members.reduce((s, m) => s + (m[d] ?? 0), 0) / members.length);
      });
    }
    const sizes = centroids.map((_c, ci) => assign.filter((a) => a === ci).length);
    if (sizes.some((s) => s < 2)) continue;
    // Mean silhouette: how much closer each hit is to its own group than to the nearest other one.
    let sil = 0;
    for (let i = 0; i < n; i++) {
      const own = assign[i] as number;
      const meanTo = (ci: number): number => {
        let sum = 0;
        let count = 0;
        for (let j = 0; j < n; j++) {
          if (j === i || assign[j] !== ci) continue;
          sum += dist(z[i] as number[], z[j] as number[]);
          count++;
        }
        return count > 0 ? sum / count : 0;
      };
      const a = meanTo(own);
      const b = Math.min(...centroids.map((_c, ci) => (ci === own ? Infinity : meanTo(ci))));
      sil += (b - a) / Math.max(a, b, 1e-9);
    }
    sil /= n;
    if (!best || sil > best.silhouette) best = { k, assign, silhouette: sil };
  }
  if (!best || best.silhouette < 0.3) return;
  // Groups the classifier is sure are the same drum (mean probability ≥ 0.9) are one: k-means may
  // split one drum in two (loud and soft kicks), and two groups must not be forced apart.
  const sureOf = (g: number): number => {
    const members = hits.filter((_h, i) => best?.assign[i] === g);
    const means = DRUM_SOUNDS.map((s) => members.reduce((a, h) => a + h.probabilities[s], 0) / Math.max(1, members.length));
    const top = Math.max(...means);
    return top >= SURE_GROUP ? means.indexOf(top) : -1;
  };
  const sure = Array.from({ length: best.k }, (_g, g) => sureOf(g));
  const merged = sure.map((c, g) => (c >= 0 ? sure.indexOf(c) : g));
  const renumber = [...new Set(merged)];
  best = { ...best, k: renumber.length, assign: best.assign.map((g) => renumber.indexOf(merged[g] ?? g)) };
  if (best.k < 2) return;
  // One drum per group, distinct, by the largest summed evidence (all assignments tried).
  const groups = best.k;
  const score = (g: number, c: number): number => hits.reduce((s, _h, i) => (best?.assign[i] === g ? s + (evidence[i]?.[c] ?? 0) : s), 0);
  let bestMap: number[] = [];
  let bestScore = -Infinity;
  const permute = (prefix: number[]): void => {
    if (prefix.length === groups) {
      const total = prefix.reduce((s, c, g) => s + score(g, c), 0);
      if (total > bestScore) {
        bestScore = total;
        bestMap = prefix;
      }
      return;
    }
    for (let c = 0; c < 3; c++) if (!prefix.includes(c)) permute([...prefix, c]);
  };
  permute([]);
  hits.forEach((h, i) => {
    h.sounds = [DRUM_SOUNDS[bestMap[best?.assign[i] ?? 0] ?? 0] as DrumSound];
  });
}

/** A timed drum event: from a key press, or a classed hit. */
export interface DrumTap {
  /** Seconds (any origin, the same as the grid's bar line). */
  time: number;
  sound: DrumSound;
  /** 1–127 (default 80). */
  velocity?: number;
}

export interface DrumPattern {
  /** The groove on the 16th grid (whole bars, 2 at least); drum notes one step long on channel 10. */
  sequence: QuantizedNoteSequence;
  /** Seconds of step 0 (a bar line at or before the first hit). */
  origin: number;
}

/**
 * Timed taps (keyboard keys, or classed hits) → a drum pattern: each tap to its nearest 16th step
 * of `grid`; one note per drum and step. Pure.
 */
export function tapsToPattern(taps: readonly DrumTap[], grid: BeatGrid): DrumPattern {
  checkGrid(grid);
  const step = stepSeconds(grid.qpm);
  const bar = step * STEPS_PER_BAR;
  const usable = taps.filter((t) => Number.isFinite(t.time));
  const first = usable.reduce((m, t) => Math.min(m, t.time), Infinity);
  const origin = Number.isFinite(first) ? grid.downbeat + Math.floor((first + step / 2 - grid.downbeat) / bar) * bar : grid.downbeat;
  const seen = new Set<string>();
  const notes: QuantizedNote[] = [];
  for (const t of [...usable].sort((a, b) => a.time - b.time)) {
    const s = Math.max(0, Math.round((t.time - origin) / step));
    const k = `${t.sound}@${s}`;
    if (seen.has(k)) continue;
    seen.add(k);
    notes.push({
      pitch: DRUM_PITCHES[t.sound],
      velocity: Math.max(1, Math.min(127, Math.round(t.velocity ?? DEFAULT_VELOCITY))),
      startTime: 0,
      endTime: 0,
      isDrum: true,
      program: 0,
      instrument: 9,
      quantizedStartStep: s,
      quantizedEndStep: s + 1,
    });
  }
  notes.sort((a, b) => a.quantizedStartStep - b.quantizedStartStep || a.pitch - b.pitch);
  const last = notes.reduce((m, n) => Math.max(m, n.quantizedEndStep), 0);
  const seq = emptyQuantizedSequence(Math.max(2, Math.ceil(last / STEPS_PER_BAR)) * STEPS_PER_BAR, grid.qpm);
  seq.notes = notes;
  return { sequence: unquantize(seq), origin };
}

/**
 * Where the bar lines of a groove go when only its tempo is known: the onsets fix the beats but not
 * which beat is the first of a bar, and a groove's "one" nearly always has a kick — so the bar line
 * moves to the first kick that falls on a beat (within a 16th), else stays at `downbeat`.
 */
export function kickDownbeat(hits: readonly HeardHit[], qpm: number, downbeat: number): number {
  const beat = 60 / qpm;
  for (const h of hits) {
    if (!h.sounds.includes('kick')) continue;
    const beats = (h.time - downbeat) / beat;
    if (Math.abs(beats - Math.round(beats)) <= 0.25) return downbeat + Math.round(beats) * beat;
  }
  return downbeat;
}

export interface TranscribeGrooveOptions {
  /** Known grid (metronome / count-in); else tempo `qpm` if given, else detected. */
  grid?: BeatGrid;
  qpm?: number;
  tempoSearch?: Pick<TempoOptions, 'minQpm' | 'maxQpm'>;
  hits?: HitOptions;
  maxSeconds?: number;
  name?: string;
  signal?: AbortSignal;
  onProgress?: (stage: 'resampling' | 'hits' | 'tempo', fraction: number) => void;
}

export interface GrooveTranscription extends DrumPattern {
  hits: HeardHit[];
  tempo: { qpm: number; downbeat: number; source: 'given' | 'tempo-given' | 'detected'; estimate?: TempoEstimate };
  seconds: number;
}

/**
 * A beatboxed or played groove → a drum pattern. Pure over PCM (any rate); no model needed.
 * @throws SilentAudioError / AudioTooLongError / AudioTooShortError; NoHitsError when no hit is
 *   found; TempoError when the tempo must be detected from fewer than 3 hits; CancelledError.
 */
export function transcribeGroove(audio: PcmAudio, options: TranscribeGrooveOptions = {}): GrooveTranscription {
  const name = options.name ?? 'The recording';
  assertUsableAudio(audio, name, options.maxSeconds);
  options.onProgress?.('resampling', 0);
  const mono = toModelRate(audio);
  if (options.signal?.aborted) throw new CancelledError('Transcribing the groove');
  options.onProgress?.('hits', 0);
  const found = findHits(mono, options.hits ?? {});
  const hits = found.hits;
  if (hits.length === 0) {
    throw new NoHitsError(
      `${name} (peak ${peakDb(audio.samples).toFixed(0)} dBFS) has no drum-like hit: no short burst of sound stands out. Beatbox or tap more crisply.`,
    );
  }
  options.onProgress?.('tempo', 0);
  let grid: BeatGrid;
  let tempo: GrooveTranscription['tempo'];
  if (options.grid) {
    grid = options.grid;
    tempo = { ...grid, source: 'given' };
  } else {
    // Labelled by sound alone first: the detected grid's bar line goes on the first kick on a beat.
    labelHits(found, { ...options.hits, grid: undefined, positionWeight: 0 });
    const estimate = detectTempo(
      hits.map((h) => ({ time: h.time, weight: 0.5 + h.strength })),
      options.qpm !== undefined ? { qpm: options.qpm } : { ...options.tempoSearch },
    );
    grid = { qpm: estimate.qpm, downbeat: kickDownbeat(hits, estimate.qpm, estimate.downbeat) };
    tempo = { ...grid, source: options.qpm !== undefined ? 'tempo-given' : 'detected', estimate };
  }
  // Labelled with where each hit falls in the grid's bar.
  labelHits(found, { ...options.hits, grid });
  const taps = hits.flatMap((h) => h.sounds.map((sound) => ({ time: h.time, sound, velocity: 40 + Math.round(87 * h.strength) })));
  const pattern = tapsToPattern(taps, grid);
  return { ...pattern, hits, tempo, seconds: durationSeconds(audio) };
}

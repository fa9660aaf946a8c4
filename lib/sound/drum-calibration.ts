/**
 * "Teach it your sounds": every beatboxer's kick, snare and hi-hat sound different, and a classifier
 * trained on drum kits (drum-model.ts) can only guess how a mouth imitates them. So the player may
 * record a few examples of each of their three sounds ("boom boom boom boom", then "k k k k", then
 * "ts ts ts ts"); each hit of those takes is measured with the same 14 features as any hit
 * ({@link hitFeatures}), and a hit of a groove is then the drum whose examples it sounds most like.
 *
 * In a learner's words: per drum, the average of its examples' features (standardized as the kit
 * classifier standardizes them) is its centre; how far the examples scatter around their own centre,
 * feature by feature, says how much a difference in that feature counts. A hit's likelihood of
 * each drum is a bell curve around that drum's centre (a Gaussian with the pooled, per-feature
 * spread: "nearest centre", with distances measured in each feature's own scatter).
 * Pure and small: computed on the page, sent to the worker with each groove.
 */
import { z } from 'zod';
import { InvalidInputError } from '../core/errors';
import { DRUM_MODEL, type DrumModel } from './drum-model';
import { DRUM_FEATURES, DRUM_SOUNDS, hitFeaturesOf, standardizeHit, type DrumSound } from './drums';
import { NoHitsError } from './errors';
import { assertUsableAudio, peakDb, type PcmAudio } from './pcm';
import { toModelRate } from './resample';

/** Longest example take, seconds ("say it four times" takes a few). */
export const MAX_EXAMPLE_SECONDS = 15;

/** Fewest example hits per drum before the examples are used. */
export const MIN_EXAMPLES_PER_DRUM = 2;
/** Most example hits kept per drum (the newest). */
export const MAX_EXAMPLES_PER_DRUM = 24;
/**
 * Floor of the per-feature spread, in standardized units: with a handful of examples a feature may
 * happen to scatter very little, and would then decide alone.
 */
export const MIN_SPREAD = 0.25;

/** One hit's features as stored and sent (14 finite numbers). */
export const drumFeatureVectorSchema = z.array(z.number().finite().min(-100).max(100)).length(DRUM_FEATURES);

/** A player's example hits: per drum, the features of each hit ({@link hitFeaturesOf}). */
export const drumExamplesSchema = z.object({
  kick: z.array(drumFeatureVectorSchema).max(MAX_EXAMPLES_PER_DRUM),
  snare: z.array(drumFeatureVectorSchema).max(MAX_EXAMPLES_PER_DRUM),
  hat: z.array(drumFeatureVectorSchema).max(MAX_EXAMPLES_PER_DRUM),
});
export type DrumExamples = z.infer<typeof drumExamplesSchema>;

export const NO_EXAMPLES: DrumExamples = { kick: [], snare: [], hat: [] };

/** True when every drum has at least {@link MIN_EXAMPLES_PER_DRUM} example hits. */
export function examplesComplete(examples: DrumExamples): boolean {
  return DRUM_SOUNDS.every((s) => examples[s].length >= MIN_EXAMPLES_PER_DRUM);
}

/** `examples` with `hits` added to `sound` (the newest {@link MAX_EXAMPLES_PER_DRUM} kept). */
export function addExamples(examples: DrumExamples, sound: DrumSound, hits: readonly ArrayLike<number>[]): DrumExamples {
  const added = hits.map((h) => Array.from(h));
  return { ...examples, [sound]: [...examples[sound], ...added].slice(-MAX_EXAMPLES_PER_DRUM) };
}

export interface DrumSoundModel {
  /** Per drum, the mean of its examples' standardized features. */
  centres: Record<DrumSound, number[]>;
  /** Per feature, the examples' pooled scatter around their own drum's centre (standardized units, ≥ {@link MIN_SPREAD}). */
  spread: number[];
}

/**
 * The player's three sounds from their examples.
 * @throws InvalidInputError when a drum has fewer than {@link MIN_EXAMPLES_PER_DRUM} examples.
 */
export function learnDrumSounds(examples: DrumExamples, model: DrumModel = DRUM_MODEL): DrumSoundModel {
  for (const s of DRUM_SOUNDS) {
    if (examples[s].length < MIN_EXAMPLES_PER_DRUM) {
      throw new InvalidInputError(
        `Your ${s} has ${examples[s].length} example hit${examples[s].length === 1 ? '' : 's'}; record at least ${MIN_EXAMPLES_PER_DRUM} (say it a few times, with a gap between).`,
      );
    }
  }
  const standard = (f: readonly number[]): number[] => standardizeHit(f, model);
  const z = { kick: examples.kick.map(standard), snare: examples.snare.map(standard), hat: examples.hat.map(standard) };
  const centre = (rows: number[][]): number[] => Array.from({ length: DRUM_FEATURES }, (_, i) => rows.reduce((a, r) => a + (r[i] ?? 0), 0) / rows.length);
  const centres = { kick: centre(z.kick), snare: centre(z.snare), hat: centre(z.hat) };
  const n = DRUM_SOUNDS.reduce((a, s) => a + z[s].length, 0);
  const spread = Array.from({ length: DRUM_FEATURES }, (_, i) => {
    let ss = 0;
    for (const s of DRUM_SOUNDS) for (const r of z[s]) ss += ((r[i] ?? 0) - (centres[s][i] ?? 0)) ** 2;
    return Math.max(MIN_SPREAD, Math.sqrt(ss / Math.max(1, n - DRUM_SOUNDS.length)));
  });
  return { centres, spread };
}

/** Probability of each drum for a hit's features, by the player's sounds (a softmax of Gaussian log-likelihoods). */
export function classifyByExamples(features: ArrayLike<number>, sounds: DrumSoundModel, model: DrumModel = DRUM_MODEL): Record<DrumSound, number> {
  const x = standardizeHit(features, model);
  const logl = DRUM_SOUNDS.map((s) => {
    let d = 0;
    for (let i = 0; i < DRUM_FEATURES; i++) d += (((x[i] as number) - (sounds.centres[s][i] ?? 0)) / (sounds.spread[i] ?? 1)) ** 2;
    return -0.5 * d;
  });
  const top = Math.max(...logl);
  const e = logl.map((l) => Math.exp(l - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return { kick: (e[0] ?? 0) / sum, snare: (e[1] ?? 0) / sum, hat: (e[2] ?? 0) / sum };
}

/** A `classify` hook for the hit options: the player's sounds instead of the kit classifier. */
export function drumsFromExamples(examples: DrumExamples): (features: Float32Array) => Record<DrumSound, number> {
  const sounds = learnDrumSounds(examples);
  return (features) => classifyByExamples(features, sounds);
}

/**
 * The features of every hit in an example take (any rate; one drum said a few times).
 * @throws SilentAudioError / AudioTooLongError (over {@link MAX_EXAMPLE_SECONDS}) / AudioTooShortError; NoHitsError when no hit stands out.
 */
export function exampleHits(audio: PcmAudio, name = 'The example take'): number[][] {
  assertUsableAudio(audio, name, MAX_EXAMPLE_SECONDS);
  const hits = hitFeaturesOf(toModelRate(audio));
  if (hits.length === 0) {
    throw new NoHitsError(
      `${name} (peak ${peakDb(audio.samples).toFixed(0)} dBFS) has no hit: no short burst of sound stands out. Say the sound crisply, with a gap between.`,
    );
  }
  return hits.map((h) => Array.from(h.features));
}

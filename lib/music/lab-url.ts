/**
 * The melody and drum labs' state as it lives in the URL (see lib/core/url-state): every key with
 * its type, range and default, from the music core's constants. Clips (melodies A and B, edited drum
 * patterns, corners) are checked by their own decoders in lib/music/clips, which name what is wrong.
 */
import { z } from 'zod';
import { INTERPOLATION_MODES, MAX_REFINE_STEPS } from '../core/latent-model';
import { MAX_SEED } from '../core/random';
import { defineUrlState, urlFlag, urlInt, urlNum } from '../core/url-state';
import { MUSIC_LIMITS } from './limits';
import { SAVED_MODEL_VALUE, URL_MODEL_VALUE } from './model-value';
import { SWING_RANGE, TEMPO_RANGE } from './note-sequence';

/**
 * Refinement of the user's own inputs by default (Adam steps on each code; 0 = the encoder alone).
 * Melodies: 25 steps scaled by σ rebuild as much as 50 plain steps did, in half the time (docs/music-labs.md);
 * drum patterns still gain from 25 to 50 (0.879 → 0.914 on 256 Groove validation windows), so they keep 50.
 */
export const DEFAULT_MELODY_REFINE_STEPS = 25;
export const DEFAULT_DRUM_REFINE_STEPS = 50;
/** The labs offer up to this many refinement steps (the model allows more: MAX_REFINE_STEPS). */
export const LAB_MAX_REFINE_STEPS = Math.min(200, MAX_REFINE_STEPS);

/** Limits of the melody lab's settings (its controls use the same). */
export const MELODY_LAB_LIMITS = {
  steps: MUSIC_LIMITS.steps,
  temperature: MUSIC_LIMITS.temperature,
  variations: [1, 16],
  similarity: [0, 1],
  refine: [0, LAB_MAX_REFINE_STEPS],
} as const;

/** The lab's model when it is not the shipped one (`saved:<name>` or `url:https://…`, see ./model-value): a challenge's or a shared link's. */
const modelField = z
  .string()
  .max(2100)
  .refine((v) => SAVED_MODEL_VALUE.test(v) || URL_MODEL_VALUE.test(v))
  .optional();

export const melodyLabUrl = defineUrlState({
  model: modelField,
  /** Melodies A and B as compact note lists (lib/music/clips); absent = the examples. */
  a: z.string().max(2000).optional(),
  b: z.string().max(2000).optional(),
  qpm: urlInt(TEMPO_RANGE.min, TEMPO_RANGE.max).default(TEMPO_RANGE.default),
  steps: urlInt(...MELODY_LAB_LIMITS.steps).default(7),
  temp: urlNum(...MELODY_LAB_LIMITS.temperature).default(0),
  mode: z.enum(INTERPOLATION_MODES).default('slerp'),
  seed: urlInt(0, MAX_SEED).default(1),
  nvar: urlInt(...MELODY_LAB_LIMITS.variations).default(4),
  sim: urlNum(...MELODY_LAB_LIMITS.similarity).default(0.8),
  refine: urlInt(...MELODY_LAB_LIMITS.refine).default(DEFAULT_MELODY_REFINE_STEPS),
  loop: urlFlag(),
  /** Which result a link shows. */
  show: z.enum(['interpolation', 'variations']).default('interpolation'),
});
export type MelodyLabState = typeof melodyLabUrl.defaults;

/** Cells per side of the drum lab's blend square (the puck snaps to the nearest). */
export const BLEND_SIZE = 7;

/** Limits of the drum lab's settings. */
export const DRUM_LAB_LIMITS = {
  patterns: [1, 16],
  temperature: MUSIC_LIMITS.drumTemperature,
  refine: [0, LAB_MAX_REFINE_STEPS],
} as const;

/** URL keys of the blend corners and of the edited sample patterns. */
export const CORNER_KEYS = ['c1', 'c2', 'c3', 'c4'] as const;
export const PATTERN_KEYS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10', 'p11', 'p12', 'p13', 'p14', 'p15', 'p16'] as const;

/** Optional clip fields (a drum clip is 32 steps of a 9-bit mask, a few dozen characters). */
function clipFields<K extends string>(keys: readonly K[]): Record<K, z.ZodOptional<z.ZodString>> {
  return Object.fromEntries(keys.map((k) => [k, z.string().max(200).optional()])) as Record<K, z.ZodOptional<z.ZodString>>;
}

const drumFields = {
  model: modelField,
  n: urlInt(...DRUM_LAB_LIMITS.patterns).default(8),
  temp: urlNum(...DRUM_LAB_LIMITS.temperature).default(0.5),
  seed: urlInt(0, MAX_SEED).default(1),
  qpm: urlInt(TEMPO_RANGE.min, TEMPO_RANGE.max).default(100),
  swing: urlNum(SWING_RANGE.min, SWING_RANGE.max).default(SWING_RANGE.default),
  refine: urlInt(...DRUM_LAB_LIMITS.refine).default(DEFAULT_DRUM_REFINE_STEPS),
  /** The puck on the blend square (0..1 each). */
  x: urlNum(0, 1).default(0.5),
  y: urlNum(0, 1).default(0.5),
  /** Corners and edited patterns as drum clips (lib/music/clips); absent = presets / the samples. */
  ...clipFields(CORNER_KEYS),
  ...clipFields(PATTERN_KEYS),
};

export const drumLabUrl = defineUrlState(drumFields);
export type DrumLabState = typeof drumLabUrl.defaults;

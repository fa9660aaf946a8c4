/**
 * The timbre lab's state as it lives in the URL (see lib/core/url-state): its sounds — a program of
 * the shipped set ("p24", nylon guitar) or a code ("z0.12_-1.30_…", 16 numbers: a recording's, a
 * random one's, a point of the pad) — and its settings. The melody lab's "play with a timbre" and the
 * classroom's timbre challenge use the same sound references.
 */
import { z } from 'zod';
import { INTERPOLATION_MODES } from '../core/latent-model';
import { MAX_SEED } from '../core/random';
import { defineUrlState, urlInt, urlNum } from '../core/url-state';
import { MAX_PITCH, MIN_PITCH } from './spec';

/** A sound: a program of the shipped set, or a code (see {@link formatCode}). */
export type SoundRef = { kind: 'program'; program: number } | { kind: 'code'; z: number[] };

const PROGRAM = /^p(\d{1,3})$/;
const CODE = /^z(-?\d{1,2}(?:\.\d{1,3})?(?:_-?\d{1,2}(?:\.\d{1,3})?){0,511})$/;
export const soundRefText = z
  .string()
  .max(4000)
  .regex(/^(p\d{1,3}|z[-0-9._]+)$/, 'a sound is p<program> or z<numbers separated by _>');

/** Reads a sound reference; undefined when it is not one. */
export function parseSoundRef(text: string): SoundRef | undefined {
  const p = PROGRAM.exec(text);
  if (p) {
    const program = Number(p[1]);
    return program <= 127 ? { kind: 'program', program } : undefined;
  }
  const c = CODE.exec(text);
  if (c) return { kind: 'code', z: (c[1] ?? '').split('_').map(Number) };
  return undefined;
}

/** A code as URL text: two decimals are plenty (the decoder hears no difference below 0.01). */
export function formatCode(z: ArrayLike<number>): string {
  return 'z' + Array.from(z, (v) => (Math.round(Math.max(-99, Math.min(99, v)) * 100) / 100).toString()).join('_');
}

export function formatSoundRef(ref: SoundRef): string {
  return ref.kind === 'program' ? `p${ref.program}` : formatCode(ref.z);
}

/** Refinement of the lab's own sounds when the toggle is on (Adam steps on the multi-scale spectral distance). */
export const TIMBRE_REFINE_STEPS = 40;

export const TIMBRE_LAB_LIMITS = { steps: [2, 16], pitch: [MIN_PITCH, MAX_PITCH], temperature: [0.1, 2] } as const;

/** Default sounds: A a piano, B a string ensemble, and the pad's other corners a flute and a synth lead. */
export const TIMBRE_DEFAULTS = { a: 'p0', b: 'p48', c: 'p73', d: 'p80' } as const;

export const timbreLabUrl = defineUrlState({
  a: soundRefText.default(TIMBRE_DEFAULTS.a),
  b: soundRefText.default(TIMBRE_DEFAULTS.b),
  /** The pad's bottom corners (A and B are its top corners). */
  c: soundRefText.default(TIMBRE_DEFAULTS.c),
  d: soundRefText.default(TIMBRE_DEFAULTS.d),
  steps: urlInt(...TIMBRE_LAB_LIMITS.steps).default(7),
  mode: z.enum(INTERPOLATION_MODES).default('slerp'),
  pitch: urlInt(...TIMBRE_LAB_LIMITS.pitch).default(60),
  refine: urlInt(0, 200).default(0),
  temp: urlNum(...TIMBRE_LAB_LIMITS.temperature).default(1),
  seed: urlInt(0, MAX_SEED).default(1),
  x: urlNum(0, 1).default(0.5),
  y: urlNum(0, 1).default(0.5),
});
export type TimbreLabState = typeof timbreLabUrl.defaults;

/**
 * The melody lab's "play with" choice (read beside its own URL state): its synth, one timbre, or a
 * timbre morph from `timbre` to `timbre2` across an interpolation's steps.
 */
export const timbreVoiceUrl = defineUrlState({
  voice: z.enum(['synth', 'timbre', 'morph']).default('synth'),
  timbre: soundRefText.default(TIMBRE_DEFAULTS.a),
  timbre2: soundRefText.default(TIMBRE_DEFAULTS.b),
});
export type TimbreVoiceState = typeof timbreVoiceUrl.defaults;

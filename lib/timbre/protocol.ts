/**
 * The timbre lab's messages with the model worker (TF-free, validated on both sides). Sounds travel
 * as Float32Array samples (moved, not copied); codes as plain number arrays (16 numbers each).
 */
import { z } from 'zod';
import type { WorkerProtocol } from '../domains/types';
import { soundRefText } from './lab-url';

const id = z.number().int();
const f32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
/** Longest recording the lab sends (seconds × the highest rate); prepareNote refuses over 4 s itself. */
const MAX_TAKE_SAMPLES = 30 * 192_000;
export const MAX_TIMBRE_CODES = 256;
const code = z.array(z.number().finite().min(-50).max(50)).min(1).max(512);
const pitch = z.number().min(12).max(108);

export const timbreModelSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shipped') }),
  z.object({ kind: z.literal('url'), url: z.string().min(1).max(2000) }),
]);
export type TimbreModelSource = z.infer<typeof timbreModelSourceSchema>;

export const timbreModelInfoSchema = z.object({
  name: z.string(),
  zDims: z.number().int(),
  parameters: z.number().int(),
  bytes: z.number(),
  sampleRate: z.number().int(),
  noteSamples: z.number().int(),
  /** What was loaded, in words (shipped, URL). */
  source: z.string(),
});
export type TimbreModelInfo = z.infer<typeof timbreModelInfoSchema>;

export const timbreRequestSchemas = [
  z.object({ id, type: z.literal('timbre:load'), source: timbreModelSourceSchema }),
  /** One note (a file, a recording, a shipped example): prepared, encoded (refined when `refine` > 0), and rebuilt. */
  z.object({
    id,
    type: z.literal('timbre:note'),
    samples: f32.refine((s) => s.length <= MAX_TAKE_SAMPLES, 'too many samples'),
    sampleRate: z.number().int().min(8_000).max(192_000),
    name: z.string().max(200),
    refine: z.number().int().min(0).max(500),
  }),
  /** Codes → notes at the given pitch(es) and loudness. */
  z.object({
    id,
    type: z.literal('timbre:decode'),
    codes: z.array(code).min(1).max(MAX_TIMBRE_CODES),
    pitch: z.union([pitch, z.array(pitch).max(MAX_TIMBRE_CODES)]),
    loudnessDb: z.number().min(-80).max(0).optional(),
  }),
  /** `steps` codes from a to b (lerp or slerp), and their notes at `pitch`. */
  z.object({
    id,
    type: z.literal('timbre:morph'),
    a: code,
    b: code,
    steps: z.number().int().min(2).max(16),
    mode: z.enum(['lerp', 'slerp']),
    pitch,
  }),
  /** The pad: the bilinear blend of four corner codes (top-left, top-right, bottom-left, bottom-right) at (x, y) in 0..1. */
  z.object({
    id,
    type: z.literal('timbre:blend'),
    corners: z.array(code).length(4),
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    pitch,
  }),
  /** `n` random codes (seeded; `temperature` scales the prior's σ) and their notes. */
  z.object({
    id,
    type: z.literal('timbre:random'),
    n: z.number().int().min(1).max(16),
    seed: z.number().int().min(0).max(0xffffffff),
    temperature: z.number().min(0.1).max(2),
    pitch,
  }),
  /** The shipped set of notes (every program at C4), encoded and placed on a 2-D map. */
  z.object({ id, type: z.literal('timbre:map') }),
  /** Codes of sound references (a set program is encoded from its note; a code is read as is), for other labs' players. */
  z.object({ id, type: z.literal('timbre:codes'), refs: z.array(soundRefText).min(1).max(8) }),
] as const;

export const timbreResponseSchemas = [
  z.object({ id, type: z.literal('timbre:progress'), label: z.string(), fraction: z.number().optional() }),
  z.object({ id, type: z.literal('timbre:loaded'), info: timbreModelInfoSchema }),
  z.object({
    id,
    type: z.literal('timbre:note:done'),
    z: z.array(z.number()),
    pitch: z.number(),
    f0Hz: z.number(),
    loudnessDb: z.number(),
    /** Other pitches heard at once (a chord: the strongest was taken). */
    otherPitches: z.array(z.number()),
    /** What was done to the recording (resampled, trimmed…). */
    notes: z.array(z.string()),
    /** The note as the model read it (16 kHz, 1.28 s) and as it comes back from its code. */
    input: f32,
    rebuilt: f32,
    /** Multi-scale spectral distance of the rebuild (lower is closer); before refining when refined. */
    distance: z.number(),
    distanceBefore: z.number().optional(),
    refineSteps: z.number().int().optional(),
    ms: z.number(),
  }),
  /** Notes, with the codes they came from when the worker made them (morph, blend, random). */
  z.object({
    id,
    type: z.literal('timbre:audio'),
    clips: z.array(f32),
    codes: z.array(z.array(z.number())).optional(),
    sampleRate: z.number().int(),
    ms: z.number(),
  }),
  z.object({
    id,
    type: z.literal('timbre:map:done'),
    points: z.array(z.tuple([z.number(), z.number()])),
    codes: z.array(z.array(z.number())),
    programs: z.array(z.number().int()),
    programNames: z.array(z.string()),
    families: z.array(z.string()),
    /** How much of the codes' variance the two axes hold (PCA). */
    explained: z.number(),
  }),
  z.object({ id, type: z.literal('timbre:codes:done'), codes: z.array(z.array(z.number())), titles: z.array(z.string()) }),
] as const;

export const timbreProtocol = {
  id: 'timbre',
  requests: timbreRequestSchemas,
  responses: timbreResponseSchemas,
  streamed: ['timbre:progress'],
} as const satisfies WorkerProtocol;

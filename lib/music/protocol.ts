/**
 * Music-lab messages of the model worker (validated with zod on both sides). Sequences travel as
 * plain quantized NoteSequences, bounded so a damaged message cannot ask for absurd work.
 */
import { z } from 'zod';
import { INTERPOLATION_MODES } from '../core/latent-model';
import { seedSchema as seed } from '../core/random';
import type { WorkerProtocol } from '../domains/types';
import { MUSIC_LIMITS } from './limits';
import { TEMPO_RANGE } from './note-sequence';

const id = z.number().int();
const kind = z.enum(['melody', 'drums']);

const noteSchema = z.object({
  pitch: z.number().int().min(0).max(127),
  velocity: z.number().min(0).max(127),
  startTime: z.number().finite(),
  endTime: z.number().finite(),
  isDrum: z.boolean(),
  program: z.number().int().min(0).max(127),
  instrument: z.number().int().min(0),
  quantizedStartStep: z.number().int().min(0),
  quantizedEndStep: z.number().int().min(0),
});

/** A quantized NoteSequence as it crosses the worker boundary (at most 64 bars of 16th notes). */
export const sequenceSchema = z.object({
  notes: z.array(noteSchema).max(4096),
  totalTime: z.number().finite().min(0),
  tempos: z.array(z.object({ time: z.number().finite(), qpm: z.number().min(1).max(1000) })).max(64),
  timeSignatures: z.array(z.object({ time: z.number().finite(), numerator: z.number().int(), denominator: z.number().int() })).max(64),
  quantizationInfo: z.object({ stepsPerQuarter: z.number().int().min(1).max(96) }),
  totalQuantizedSteps: z
    .number()
    .int()
    .min(1)
    .max(64 * 16),
});

export const musicModelSourceSchema = z.discriminatedUnion('kind', [
  /** The model shipped in models/ for this lab. */
  z.object({ kind: z.literal('shipped') }),
  /** Any Magenta-format checkpoint folder on the web (e.g. the official hosted ones). */
  z.object({ kind: z.literal('url'), url: z.string().min(1).max(2000) }),
  /** A checkpoint folder the user picked on this computer. */
  z.object({ kind: z.literal('folder'), name: z.string().max(200), files: z.array(z.instanceof(File)).min(1).max(500) }),
  /** A fine-tuned model saved in this browser (lib/music/finetune-store), by its name. */
  z.object({ kind: z.literal('saved'), name: z.string().min(1).max(100) }),
]);
export type MusicModelSource = z.infer<typeof musicModelSourceSchema>;

const decodeOptions = {
  /** 0 = argmax (the most likely output at every step). */
  temperature: z.number().min(MUSIC_LIMITS.temperature[0]).max(MUSIC_LIMITS.temperature[1]),
  seed,
  qpm: z.number().min(TEMPO_RANGE.min).max(TEMPO_RANGE.max),
};

/**
 * Refined codes for the user's own inputs (see RefineOptions in lib/core/latent-model). Numbers are
 * passed through as given (NaN included) so the model can refuse bad ones with a named error.
 */
const refineSchema = z
  .object({
    steps: z.union([z.number(), z.nan()]),
    learningRate: z.union([z.number(), z.nan()]).optional(),
    priorWeight: z.union([z.number(), z.nan()]).optional(),
  })
  .optional();

export const musicRequestSchemas = [
  z.object({ id, type: z.literal('music:load'), lab: kind, source: musicModelSourceSchema }),
  /**
   * Encodes (and refines) the user's inputs ahead of a click — as soon as an input changes — so
   * interpolating or blending them later reuses the codes: the worker keeps them per (model, input,
   * refinement settings). Answered with their fidelity.
   */
  z.object({
    id,
    type: z.literal('music:encode'),
    lab: kind,
    seqs: z.array(sequenceSchema).min(1).max(4),
    labels: z.array(z.string().max(40)).max(4),
    refine: refineSchema,
  }),
  z.object({
    id,
    type: z.literal('music:interpolate'),
    a: sequenceSchema,
    b: sequenceSchema,
    steps: z.number().int().min(MUSIC_LIMITS.steps[0]).max(MUSIC_LIMITS.steps[1]),
    mode: z.enum(INTERPOLATION_MODES),
    refine: refineSchema,
    ...decodeOptions,
  }),
  z.object({
    id,
    type: z.literal('music:similar'),
    source: sequenceSchema,
    n: z.number().int().min(MUSIC_LIMITS.count[0]).max(MUSIC_LIMITS.count[1]),
    similarity: z.number().min(0).max(1),
    refine: refineSchema,
    ...decodeOptions,
  }),
  z.object({ id, type: z.literal('music:sample'), lab: kind, n: z.number().int().min(MUSIC_LIMITS.count[0]).max(MUSIC_LIMITS.count[1]), ...decodeOptions }),
  z.object({
    id,
    type: z.literal('music:grid'),
    corners: z.tuple([sequenceSchema, sequenceSchema, sequenceSchema, sequenceSchema]),
    size: z.number().int().min(2).max(11),
    refine: refineSchema,
    ...decodeOptions,
  }),
] as const;

/** How faithfully one of the user's inputs comes back from its code (greedy decode vs the input). */
export const fidelitySchema = z.object({
  /** "Melody A", "Corner 2", … */
  label: z.string(),
  matchingSteps: z.number().int(),
  totalSteps: z.number().int(),
  eventSteps: z.number().int(),
  matchingEventSteps: z.number().int(),
  refined: z.boolean(),
  /** When refined: how far the code moved from the encoder's guess, in σ. */
  distanceSigma: z.number().optional(),
  /** When refined: the Adam steps it took, and why it stopped (rebuilt exactly, stopped improving, or all steps). */
  steps: z.number().int().optional(),
  stopped: z.enum(['steps', 'exact', 'plateau']).optional(),
  /** True when the code came from the worker's cache (refined earlier for the same input and settings). */
  cached: z.boolean().optional(),
});
export type FidelityInfo = z.infer<typeof fidelitySchema>;

export const musicModelInfoSchema = z.object({
  lab: kind,
  name: z.string(),
  source: z.enum(['shipped', 'url', 'folder', 'saved']),
  location: z.string(),
  converter: z.string(),
  zDims: z.number(),
  encoderUnits: z.number(),
  decoderUnits: z.array(z.number()),
  parameters: z.number(),
  bytes: z.number(),
  loadMs: z.number(),
});
export type MusicModelInfo = z.infer<typeof musicModelInfoSchema>;

export const musicResponseSchemas = [
  z.object({ id, type: z.literal('music:loaded'), info: musicModelInfoSchema }),
  /** The inputs of a `music:encode` are encoded (their codes are kept in the worker). */
  z.object({ id, type: z.literal('music:encoded'), fidelity: z.array(fidelitySchema), ms: z.number(), refineMs: z.number(), backend: z.string() }),
  /** Streamed while a model downloads (the request stays open). */
  z.object({ id, type: z.literal('music:progress'), label: z.string(), fraction: z.number() }),
  z.object({
    id,
    type: z.literal('music:sequences'),
    sequences: z.array(sequenceSchema),
    /** What the converter had to change in the inputs (e.g. pitches moved by octaves into range). */
    notes: z.array(z.string()),
    /** Time the model work took inside the worker. */
    ms: z.number(),
    backend: z.string(),
    /** For requests that encode the user's inputs: how faithfully each comes back. */
    fidelity: z.array(fidelitySchema).optional(),
    /** Of `ms`, the time spent refining codes. */
    refineMs: z.number().optional(),
  }),
] as const;

/** The melody and drum labs' worker messages (served by lib/music/worker). */
export const musicProtocol = {
  id: 'music',
  requests: musicRequestSchemas,
  responses: musicResponseSchemas,
  streamed: ['music:progress'],
} as const satisfies WorkerProtocol;

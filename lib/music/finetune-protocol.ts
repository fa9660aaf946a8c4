/**
 * Messages of the fine-tuning worker part (`finetune:*`, served by ./finetune-worker), validated with
 * zod on both sides. TF-free: the page imports it. A lab reads the user's files (`prepare`), trains
 * with live progress and pause/stop (`train`), compares before and after (`compare`), and keeps the
 * result (`save`, `list`, `delete`, `export`); a run saved as it goes can be resumed after the tab
 * was closed (`checkpoint`, `train` with `resume`, `discard`).
 */
import { z } from 'zod';
import type { WorkerProtocol } from '../domains/types';
import { FINETUNE_DATA_LIMITS } from './finetune-data';
import { FINETUNE_MODES } from './finetune-recipe';
import { fineTuneCardSchema, savedModelNameSchema } from './finetune-card';
import { MAX_MIDI_BYTES } from './midi';
import { musicModelSourceSchema, sequenceSchema } from './protocol';

const id = z.number().int();
const lab = z.enum(['melody', 'drums']);
const u8 = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');

/** Most steps one fine-tuning may be asked for. */
export const MAX_FINETUNE_STEPS = 5000;

export const finetuneRequestSchemas = [
  /** Reads the user's files into windows (kept in the worker for `train`). */
  z.object({
    id,
    type: z.literal('finetune:prepare'),
    lab,
    files: z
      .array(
        z.object({ name: z.string().max(500), bytes: u8.refine((b) => b.byteLength <= MAX_MIDI_BYTES, `MIDI files up to ${MAX_MIDI_BYTES / 1024 / 1024} MB`) }),
      )
      .min(1)
      .max(FINETUNE_DATA_LIMITS.maxFiles),
  }),
  /** Fine-tunes `base` on the prepared windows to `steps` steps, or continues the saved checkpoint (`resume`). */
  z.object({
    id,
    type: z.literal('finetune:train'),
    lab,
    mode: z.enum(FINETUNE_MODES),
    base: musicModelSourceSchema,
    steps: z.number().int().min(1).max(MAX_FINETUNE_STEPS),
    /** Stop after this many seconds of training (pauses excluded), whatever the steps. */
    maxSeconds: z
      .number()
      .positive()
      .max(24 * 3600)
      .optional(),
    resume: z.boolean().default(false),
  }),
  z.object({ id, type: z.literal('finetune:pause'), paused: z.boolean() }),
  /** Before and after, side by side: the held-back windows rebuilt, and samples. */
  z.object({
    id,
    type: z.literal('finetune:compare'),
    lab,
    count: z.number().int().min(1).max(8),
    temperature: z.number().min(0).max(2),
    seed: z.number().int().min(0),
  }),
  z.object({ id, type: z.literal('finetune:save'), lab, name: savedModelNameSchema }),
  z.object({ id, type: z.literal('finetune:list'), lab: lab.optional() }),
  z.object({ id, type: z.literal('finetune:delete'), name: z.string().max(100) }),
  z.object({ id, type: z.literal('finetune:export'), name: z.string().max(100) }),
  /** Is there a run saved as it went (e.g. the tab was closed)? */
  z.object({ id, type: z.literal('finetune:checkpoint'), lab }),
  z.object({ id, type: z.literal('finetune:discard'), lab }),
] as const;

const fileSummarySchema = z.object({ name: z.string(), windows: z.number().int(), sparse: z.number().int(), refused: z.string().optional() });
const scoreSchema = z.object({ greedyAccuracy: z.number(), greedyEventAccuracy: z.number() });
/** A number that may be NaN (not known yet: a loss before the first step, an accuracy the latent mode has not). */
const maybe = z.union([z.number(), z.nan()]);

/** A run saved as it went. */
export const checkpointInfoSchema = z.object({
  mode: z.enum(FINETUNE_MODES),
  base: z.string(),
  step: z.number().int(),
  until: z.number().int(),
  seconds: z.number(),
  savedAt: z.number(),
  trainWindows: z.number().int(),
  heldBackWindows: z.number().int(),
});
export type CheckpointInfo = z.infer<typeof checkpointInfoSchema>;

export const finetuneResponseSchemas = [
  z.object({
    id,
    type: z.literal('finetune:prepared'),
    files: z.array(fileSummarySchema),
    trainWindows: z.number().int(),
    heldBackWindows: z.number().int(),
    heldBackNote: z.string(),
  }),
  /** Streamed after every step (the request stays open). */
  z.object({
    id,
    type: z.literal('finetune:progress'),
    phase: z.enum(['loading', 'scoring', 'training']),
    label: z.string(),
    step: z.number().int(),
    done: z.number().int(),
    total: z.number().int(),
    loss: maybe,
    accuracy: maybe,
    stepsPerSecond: z.number(),
    etaSeconds: maybe,
    /** Seconds trained in this call so far (pauses excluded). */
    seconds: z.number(),
    /** When the run last saved itself (ms since the epoch), if it has. */
    checkpointedAt: z.number().optional(),
  }),
  z.object({
    id,
    type: z.literal('finetune:trained'),
    stoppedBy: z.enum(['done', 'stopped', 'time', 'nan']),
    message: z.string().optional(),
    step: z.number().int(),
    seconds: z.number(),
    before: scoreSchema.optional(),
    after: scoreSchema.optional(),
    backend: z.string(),
    threads: z.number().int(),
    /** Workers that shared each step (one per core; 1 = the model worker alone). */
    workers: z.number().int().min(1).default(1),
    /** Why fewer workers trained than the cores allow, when they did. */
    note: z.string().optional(),
  }),
  z.object({
    id,
    type: z.literal('finetune:compared'),
    /** The held-back windows as they are, rebuilt before and after. */
    inputs: z.array(sequenceSchema),
    before: z.array(sequenceSchema),
    after: z.array(sequenceSchema),
    scores: z.object({ before: scoreSchema, after: scoreSchema, windows: z.number().int() }),
    /** Samples "in your style" from each model (same codes and seed). */
    samples: z.object({ before: z.array(sequenceSchema), after: z.array(sequenceSchema) }),
    /** How far each model's samples are from the held-back windows' style (0 = the same, 1 = nothing shared). */
    style: z.object({
      before: z.object({ sounds: z.number(), positions: z.number(), densityRatio: z.number() }),
      after: z.object({ sounds: z.number(), positions: z.number(), densityRatio: z.number() }),
    }),
  }),
  z.object({ id, type: z.literal('finetune:saved'), models: z.array(fineTuneCardSchema) }),
  z.object({ id, type: z.literal('finetune:exported'), name: z.string(), files: z.array(z.object({ name: z.string(), data: z.union([z.string(), u8]) })) }),
  z.object({ id, type: z.literal('finetune:checkpoint-info'), checkpoint: checkpointInfoSchema.optional() }),
] as const;

/** The fine-tuning worker part's messages. */
export const finetuneProtocol = {
  id: 'finetune',
  requests: finetuneRequestSchemas,
  responses: finetuneResponseSchemas,
  streamed: ['finetune:progress'],
} as const satisfies WorkerProtocol;

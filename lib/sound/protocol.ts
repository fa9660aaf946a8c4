/**
 * Audio-in messages of the model worker (TF-free, validated on both sides): the melody and drum labs
 * send a take's samples (decoded on the page, moved, not copied) and get the whole take back on the
 * 16th grid, to show on a roll and cut 2 bars from. (Keyboard taps need no model: the page places them.)
 */
import { z } from 'zod';
import type { WorkerProtocol } from '../domains/types';
import { sequenceSchema } from '../music/protocol';
import { TEMPO_RANGE } from '../music/note-sequence';
import { drumExamplesSchema, drumFeatureVectorSchema } from './drum-calibration';
import { MAX_AUDIO_SECONDS, SAMPLE_RATE_RANGE } from './pcm';

const id = z.number().int();
const f32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const qpm = z.number().min(TEMPO_RANGE.min).max(TEMPO_RANGE.max);
/** A known grid: the tempo, and the time in the take of a bar line (a count-in's end). */
const gridSchema = z.object({ qpm, downbeat: z.number().min(-60).max(MAX_AUDIO_SECONDS) });
const audioFields = {
  samples: f32.refine((s) => s.length <= MAX_AUDIO_SECONDS * SAMPLE_RATE_RANGE.max, `at most ${MAX_AUDIO_SECONDS} s of audio`),
  sampleRate: z.number().int().min(SAMPLE_RATE_RANGE.min).max(SAMPLE_RATE_RANGE.max),
  /** What the take is called in messages (a file name, "Your recording"). */
  name: z.string().max(200),
  grid: gridSchema.optional(),
  qpm: qpm.optional(),
};
export const heardNoteSchema = z.object({ pitch: z.number().int().min(0).max(127), start: z.number(), end: z.number(), salience: z.number() });
export type HeardNoteMessage = z.infer<typeof heardNoteSchema>;
const tempoSchema = z.object({
  qpm: z.number(),
  downbeat: z.number(),
  source: z.enum(['given', 'tempo-given', 'detected']),
  latency: z.number().optional(),
  /** Other likely tempos when detected ("did you mean …?"). */
  candidates: z.array(z.number()).optional(),
});

export const soundRequestSchemas = [
  /** A sung, hummed, whistled or played take → the main melody line, quantised. */
  z.object({ id, type: z.literal('sound:melody'), ...audioFields }),
  /** The same notes again on another tempo or bar line (no model run). */
  z.object({
    id,
    type: z.literal('sound:requantize'),
    heard: z.array(heardNoteSchema).max(20_000),
    name: z.string().max(200),
    grid: gridSchema.optional(),
    qpm: qpm.optional(),
  }),
  /** A beatboxed or played groove → kick, snare and hi-hat on the grid (by the player's example hits when given). */
  z.object({ id, type: z.literal('sound:groove'), ...audioFields, examples: drumExamplesSchema.optional() }),
  /** An example take of one drum ("teach it your sounds") → the features of each of its hits. */
  z.object({ id, type: z.literal('sound:example-hits'), samples: audioFields.samples, sampleRate: audioFields.sampleRate, name: audioFields.name }),
] as const;

/** A whole take on the 16th grid (whole bars, at most the longest take); step 0 is a bar line. */
const takeSequenceSchema = sequenceSchema.extend({
  totalQuantizedSteps: z
    .number()
    .int()
    .min(1)
    .max(MAX_AUDIO_SECONDS * 16),
});

export const soundResponseSchemas = [
  z.object({ id, type: z.literal('sound:progress'), label: z.string(), fraction: z.number() }),
  z.object({
    id,
    type: z.literal('sound:melody:done'),
    sequence: takeSequenceSchema,
    origin: z.number(),
    tempo: tempoSchema,
    /** Every note heard, to quantise again on another tempo or bar line. */
    heard: z.array(heardNoteSchema),
    seconds: z.number(),
    ms: z.number(),
  }),
  z.object({
    id,
    type: z.literal('sound:groove:done'),
    sequence: takeSequenceSchema,
    origin: z.number(),
    tempo: tempoSchema,
    hits: z.number().int(),
    /** True when the player's example hits classed the hits. */
    taught: z.boolean(),
    ms: z.number(),
  }),
  z.object({ id, type: z.literal('sound:example-hits:done'), features: z.array(drumFeatureVectorSchema), ms: z.number() }),
] as const;

/** The audio-in worker part's messages (served by ./worker). */
export const soundProtocol = {
  id: 'sound',
  requests: soundRequestSchemas,
  responses: soundResponseSchemas,
  streamed: ['sound:progress'],
} as const satisfies WorkerProtocol;

/**
 * Image-lab messages of the model worker (validated with zod on both sides, like every boundary).
 * Typed arrays travel as themselves (structured clone / transfer).
 */
import { z } from 'zod';
import { INTERPOLATION_MODES } from '../core/latent-model';
import { seedSchema as seed } from '../core/random';
import type { WorkerProtocol } from '../domains/types';
import { DOWNSAMPLE_KERNELS, IMAGE_MODEL_IDS } from './specs';

const f32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const u8 = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');
const id = z.number().int();

export const imageModelSourceSchema = z.discriminatedUnion('kind', [
  /** The pretrained model shipped in models/image/<id>. */
  z.object({ kind: z.literal('shipped'), id: z.enum(IMAGE_MODEL_IDS) }),
  /** A fresh, untrained model (for training from scratch). */
  z.object({
    kind: z.literal('fresh'),
    id: z.enum(IMAGE_MODEL_IDS),
    zDims: z.number().int().min(1).max(256).optional(),
    noiseSigma: z.number().min(0).max(2).optional(),
  }),
  /** A model saved in this browser (IndexedDB). */
  z.object({ kind: z.literal('saved'), name: z.string().min(1).max(80) }),
  /** Files downloaded earlier: encoder/decoder model.json and weights. */
  z.object({ kind: z.literal('files'), encoder: z.array(z.instanceof(File)).length(2), decoder: z.array(z.instanceof(File)).length(2) }),
]);
export type ImageModelSource = z.infer<typeof imageModelSourceSchema>;

export const imageDataSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }),
  /** Four IDX files (raw or .gz): train images/labels, test images/labels. */
  z.object({ kind: z.literal('idx'), name: z.string().max(200), files: z.tuple([u8, u8, u8, u8]) }),
]);

export const imageRequestSchemas = [
  z.object({ id, type: z.literal('image:data'), source: imageDataSourceSchema }),
  z.object({ id, type: z.literal('image:load'), source: imageModelSourceSchema }),
  z.object({
    id,
    type: z.literal('image:train'),
    epochs: z.number(),
    batchSize: z.number(),
    learningRate: z.number(),
    /** Gaussian noise σ on the encoder's training input (models that see clean digits). */
    inputNoise: z.number().min(0).max(1).optional(),
    seed,
    subset: z.number().int().min(1).max(100_000).optional(),
  }),
  z.object({ id, type: z.literal('image:pause'), paused: z.boolean() }),
  z.object({
    id,
    type: z.literal('image:reconstruct'),
    indices: z.array(z.number().int()).min(1).max(64),
    seed,
    sigma: z.number().optional(),
    /** Super-resolution: how the small input is made from the test digit (default box). */
    kernel: z.enum(DOWNSAMPLE_KERNELS).optional(),
  }),
  z.object({ id, type: z.literal('image:scatter'), method: z.enum(['pca', 'umap']), count: z.number().int().optional() }),
  z.object({ id, type: z.literal('image:manifold'), n: z.number().int(), range: z.number() }),
  z.object({ id, type: z.literal('image:generate'), n: z.number().int(), seed }),
  z.object({ id, type: z.literal('image:decode'), codes: f32, count: z.number().int() }),
  z.object({ id, type: z.literal('image:latent-noise'), index: z.number().int(), sigma: z.number(), n: z.number().int(), seed }),
  z.object({ id, type: z.literal('image:interpolate'), a: z.number().int(), b: z.number().int(), steps: z.number().int(), mode: z.enum(INTERPOLATION_MODES) }),
  z.object({ id, type: z.literal('image:drawn'), ink: f32, width: z.number().int(), height: z.number().int() }),
  z.object({ id, type: z.literal('image:baseline'), count: z.number().int() }),
  z.object({
    id,
    type: z.literal('image:save'),
    name: z.string().regex(/^[\w .-]{1,60}$/, 'Use letters, digits, spaces, dots, dashes or underscores (up to 60).'),
  }),
  z.object({ id, type: z.literal('image:saved-list') }),
  z.object({ id, type: z.literal('image:export') }),
  z.object({ id, type: z.literal('image:digits'), indices: z.array(z.number().int()).min(1).max(256) }),
] as const;

export const modelInfoSchema = z.object({
  id: z.enum(IMAGE_MODEL_IDS),
  title: z.string(),
  lesson: z.string(),
  zDims: z.number(),
  variational: z.boolean(),
  inputSize: z.number(),
  corruption: z.string(),
  noiseSigma: z.number().optional(),
  parameters: z.number(),
  source: z.string(),
  defaults: z.object({ epochs: z.number(), batchSize: z.number(), learningRate: z.number() }),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

const batchStats = z.object({
  epoch: z.number(),
  batch: z.number(),
  batches: z.number(),
  loss: z.number(),
  examplesPerSecond: z.number(),
  progress: z.number(),
});
const epochStats = z.object({ epoch: z.number(), epochs: z.number(), trainLoss: z.number(), testLoss: z.number(), seconds: z.number() });
export type BatchStatsMessage = z.infer<typeof batchStats>;
export type EpochStatsMessage = z.infer<typeof epochStats>;

export const imageResponseSchemas = [
  z.object({ id, type: z.literal('image:data:done'), name: z.string(), train: z.number(), test: z.number(), testLabels: u8 }),
  z.object({ id, type: z.literal('image:loaded'), info: modelInfoSchema }),
  /** Streamed while training (the request stays open). */
  z.object({ id, type: z.literal('image:batch'), stats: batchStats }),
  /** After each epoch; `source` is where the weights now come from (e.g. "pretrained (shipped), then trained here for 2 epochs"). */
  z.object({ id, type: z.literal('image:epoch'), stats: epochStats, source: z.string() }),
  z.object({
    id,
    type: z.literal('image:trained'),
    stoppedBy: z.enum(['done', 'cancelled']),
    epochs: z.array(epochStats),
    seconds: z.number(),
    source: z.string(),
  }),
  /** Streamed during long work; without `fraction` the work cannot be counted (show it as indeterminate). */
  z.object({ id, type: z.literal('image:progress'), label: z.string(), fraction: z.number().min(0).max(1).optional() }),
  z.object({
    id,
    type: z.literal('image:reconstruct:done'),
    indices: z.array(z.number()),
    labels: z.array(z.number()),
    clean: f32,
    corrupted: f32.nullable(),
    inputSize: z.number(),
    outputs: f32,
    psnr: z.array(z.number()),
    inputPsnr: z.array(z.number()).nullable(),
  }),
  z.object({ id, type: z.literal('image:scatter:done'), points: f32, labels: u8, count: z.number(), method: z.enum(['code', 'pca', 'umap']) }),
  z.object({ id, type: z.literal('image:images'), images: f32, count: z.number() }),
  z.object({ id, type: z.literal('image:drawn:done'), digit: f32, output: f32, code: f32, point: z.tuple([z.number(), z.number()]).nullable() }),
  z.object({
    id,
    type: z.literal('image:baseline:done'),
    kind: z.enum(['code', 'input', 'none']),
    k: z.number(),
    explained: z.number(),
    explanation: z.string(),
    rows: z.array(
      z.object({
        label: z.string(),
        role: z.enum(['pca', 'model', 'input', 'bilinear', 'bicubic']),
        mse: z.number(),
        bce: z.number(),
        psnr: z.number(),
        images: f32,
      }),
    ),
    clean: f32,
  }),
  z.object({ id, type: z.literal('image:saved'), names: z.array(z.string()) }),
  z.object({
    id,
    type: z.literal('image:export:done'),
    files: z.array(z.object({ name: z.string(), data: z.union([z.string(), z.instanceof(ArrayBuffer)]) })),
  }),
] as const;

/** The image lab's worker messages (served by lib/image/worker). */
export const imageProtocol = {
  id: 'image',
  requests: imageRequestSchemas,
  responses: imageResponseSchemas,
  streamed: ['image:batch', 'image:epoch', 'image:progress'],
} as const satisfies WorkerProtocol;

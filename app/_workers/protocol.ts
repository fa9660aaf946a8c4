/**
 * Messages between pages and the model worker. Both directions are validated with zod, because a
 * worker boundary is a trust boundary like any other (and a mismatch should say so, not crash).
 */
import { z } from 'zod';
import { backendNameSchema } from '@/lib/core/backend-names';
import { compareRequestSchemas, compareResponseSchemas } from './compare-protocol';
import { imageRequestSchemas, imageResponseSchemas } from './image-protocol';
import { musicRequestSchemas, musicResponseSchemas } from './music-protocol';

export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({
    id: z.number().int(),
    type: z.literal('init'),
    override: backendNameSchema.optional(),
    cached: backendNameSchema.optional(),
  }),
  /** Stops the long request `target` (training, UMAP) between steps. */
  z.object({ id: z.number().int(), type: z.literal('cancel'), target: z.number().int() }),
  ...imageRequestSchemas,
  ...musicRequestSchemas,
  ...compareRequestSchemas,
]);
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

const gpuProbeSchema = z.object({
  webgl: z.object({ available: z.boolean(), renderer: z.string().optional(), software: z.boolean() }),
  webgpu: z.object({ available: z.boolean(), fallback: z.boolean(), description: z.string().optional() }),
});

export const backendInfoSchema = z.object({
  backend: backendNameSchema,
  reason: z.enum(['override', 'cached', 'benchmark', 'only-option', 'first-available']),
  timings: z.partialRecord(backendNameSchema, z.number()),
  notes: z.array(z.string()),
  gpu: gpuProbeSchema,
  initMs: z.number(),
});
export type BackendInfo = z.infer<typeof backendInfoSchema>;

export const workerResponseSchema = z.discriminatedUnion('type', [
  z.object({ id: z.number().int(), type: z.literal('init:done'), info: backendInfoSchema }),
  z.object({ id: z.number().int(), type: z.literal('error'), name: z.string(), message: z.string() }),
  ...imageResponseSchemas,
  ...musicResponseSchemas,
  ...compareResponseSchemas,
]);

/** Responses that report progress of a request that is still running (they do not settle it). */
export const STREAMED_RESPONSES: ReadonlySet<WorkerResponse['type']> = new Set([
  'image:batch',
  'image:epoch',
  'image:progress',
  'music:progress',
  'compare:progress',
]);
export type WorkerResponse = z.infer<typeof workerResponseSchema>;

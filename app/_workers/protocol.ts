/**
 * Messages between pages and the model worker. Both directions are validated with zod, because a
 * worker boundary is a trust boundary like any other (and a mismatch should say so, not crash).
 * Each worker part brings its own messages (lib/domains: the domains' protocols, plus Compare's);
 * this module adds the shared ones (init, cancel, ok, error) and builds the unions pages use.
 */
import { z } from 'zod';
import { backendNameSchema } from '@/lib/core/backend-names';
import { compareProtocol } from '@/lib/compare/protocol';
import { soundProtocol } from '@/lib/sound/protocol';
import { type DOMAINS, domainProtocols } from '@/lib/domains';
import { finetuneProtocol } from '@/lib/music/finetune-protocol';
import { responseSchemaFor, type sharedResponseSchemas, streamedTypes } from '@/lib/domains/protocol';
import type { WorkerProtocol } from '@/lib/domains/types';

/** Starts the worker's TF.js backend (answered by the worker itself, before any part). */
export const initRequestSchema = z.object({
  id: z.number().int(),
  type: z.literal('init'),
  override: backendNameSchema.optional(),
  cached: backendNameSchema.optional(),
});
/** How much memory the worker holds (for benchmarks and the backend badge's details). */
export const memoryRequestSchema = z.object({ id: z.number().int(), type: z.literal('memory') });
/** Stops the long request `target` (training, UMAP) between steps. */
export const cancelRequestSchema = z.object({ id: z.number().int(), type: z.literal('cancel'), target: z.number().int() });

/** The worker parts' protocols this page knows: every domain's, and the tool parts' (Compare, audio in, fine-tuning). */
export const PROTOCOLS: readonly WorkerProtocol[] = [...domainProtocols(), compareProtocol, soundProtocol, finetuneProtocol];
type KnownProtocol = (typeof DOMAINS)[number]['protocol'] | typeof compareProtocol | typeof soundProtocol | typeof finetuneProtocol;

export type WorkerRequest =
  z.infer<typeof initRequestSchema> | z.infer<typeof cancelRequestSchema> | z.infer<typeof memoryRequestSchema> | z.infer<KnownProtocol['requests'][number]>;

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

const initDoneSchema = z.object({ id: z.number().int(), type: z.literal('init:done'), info: backendInfoSchema });
/** The worker's memory: TF.js tensors (count and bytes), the WASM heap (it never shrinks), and its JS heap when the browser tells. */
export const memoryInfoSchema = z.object({
  tensors: z.number().int(),
  tensorBytes: z.number(),
  wasmHeapBytes: z.number().nullable(),
  jsHeapBytes: z.number().nullable(),
  backend: z.string(),
});
export type MemoryInfo = z.infer<typeof memoryInfoSchema>;
const memoryDoneSchema = z.object({ id: z.number().int(), type: z.literal('memory:done'), memory: memoryInfoSchema });

export type WorkerResponse =
  | z.infer<typeof initDoneSchema>
  | z.infer<typeof memoryDoneSchema>
  | z.infer<(typeof sharedResponseSchemas)[number]>
  | z.infer<KnownProtocol['responses'][number]>;

/** Every answer a part may send, checked by its type. */
export const workerResponseSchema = responseSchemaFor(PROTOCOLS, [initDoneSchema, memoryDoneSchema]) as unknown as z.ZodType<WorkerResponse>;

/** Responses that report progress of a request that is still running (they do not settle it). */
export const STREAMED_RESPONSES: ReadonlySet<string> = streamedTypes(PROTOCOLS);

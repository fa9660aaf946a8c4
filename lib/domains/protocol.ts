/**
 * The answers a page accepts from the model worker, built from the worker parts' protocols plus the
 * shared ones (`error`, `ok`): a new domain's answers are checked with no change here. TF-free.
 */
import { z } from 'zod';
import type { MessageSchema, WorkerProtocol } from './types';

const id = z.number().int();
/** Answers every part may send. */
export const sharedResponseSchemas = [
  z.object({ id, type: z.literal('error'), name: z.string(), message: z.string() }),
  z.object({ id, type: z.literal('ok') }),
] as const;

/** A schema of every answer of `protocols` (plus the shared ones and `extra`), discriminated by type. */
export function responseSchemaFor(protocols: readonly WorkerProtocol[], extra: readonly MessageSchema[] = []): z.ZodType<{ id: number; type: string }> {
  return z.discriminatedUnion('type', [...sharedResponseSchemas, ...extra, ...protocols.flatMap((p) => p.responses)]) as unknown as z.ZodType<{
    id: number;
    type: string;
  }>;
}

/** Answer types that report progress of a request still running (they do not settle it). */
export function streamedTypes(protocols: readonly WorkerProtocol[]): ReadonlySet<string> {
  return new Set(protocols.flatMap((p) => p.streamed));
}

/**
 * Request bodies that name challenge kinds or entry kinds (read from the registry in
 * ./challenges): creating a session and submitting an entry. Shared by the browser and the server.
 */
import { z } from 'zod';
import { ENTRY_KINDS, challengeSchema } from './challenges';
import { LIMITS, base64Schema, paramsSchema, titleSchema } from './schema';

export const createSessionSchema = z.strictObject({
  title: titleSchema,
  challenge: challengeSchema,
  /** Submissions close this many minutes after creation (none when missing or null). */
  timeLimitMinutes: z.number().int().min(LIMITS.timeLimitMinutes.min).max(LIMITS.timeLimitMinutes.max).nullable().optional(),
  /** 'teacher': every student waits until the teacher admits them (default 'open'). */
  admission: z.enum(['open', 'teacher']).optional(),
});
export type CreateSessionInput = z.input<typeof createSessionSchema>;

export const submitSchema = z.strictObject({
  title: titleSchema,
  kind: z.enum(ENTRY_KINDS, { error: `kind must be one of ${ENTRY_KINDS.join(', ')}.` }),
  midiBase64: base64Schema('midiBase64').optional(),
  pngBase64: base64Schema('pngBase64').optional(),
  wavBase64: base64Schema('wavBase64').optional(),
  latent: z.array(z.number().refine(Number.isFinite, 'Latent codes hold finite numbers.')).min(1).max(LIMITS.latentDims).optional(),
  params: paramsSchema.optional(),
});
export type SubmitInput = z.input<typeof submitSchema>;

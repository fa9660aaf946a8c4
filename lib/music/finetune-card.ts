/**
 * A fine-tuned model's card and name rules (TF-free, shared by the page, the worker and the store):
 * its data, its steps and mode, and the before/after numbers on the user's held-back files.
 */
import { z } from 'zod';

/** A saved model's name: what the user typed, kept short and safe in a URL (`saved:<name>`). */
export const savedModelNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,47}$/, 'a name of 1–48 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit');

const scoreSchema = z.object({ greedyAccuracy: z.number(), greedyEventAccuracy: z.number() });

/** A saved model's card: small, listed without loading any weights. */
export const fineTuneCardSchema = z.object({
  name: z.string(),
  kind: z.enum(['melody', 'drums']),
  mode: z.enum(['encoder', 'decoder', 'whole', 'latent']),
  /** The model it started from (e.g. "mel_2bar"). */
  base: z.string(),
  steps: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  savedAt: z.number(),
  data: z.object({
    files: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    trainWindows: z.number().int().nonnegative(),
    heldBackWindows: z.number().int().nonnegative(),
    heldBackNote: z.string(),
  }),
  /** Greedy reconstruction of the held-back windows from the encoder's μ, before and after. */
  before: scoreSchema.optional(),
  after: scoreSchema.optional(),
});
export type FineTuneCard = z.infer<typeof fineTuneCardSchema>;

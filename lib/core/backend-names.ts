/**
 * The names of the TF.js backends Latent Lab can run on, and their parser — without TF.js, so
 * pages (the header badge, the `?backend=` override, the worker protocol) can use them and the
 * main thread never loads TF.js (only the model worker does; see `backend.ts` for the choice).
 */
import { z } from 'zod';
import { BackendError } from './errors';

/** Backends Latent Lab knows how to run on. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export const backendNameSchema = z.enum(BACKEND_NAMES);

/** Parses a user-supplied backend name (URL parameter, CLI flag, env var); undefined if empty. */
export function parseBackendName(value: string | null | undefined, source = 'backend'): BackendName | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const parsed = backendNameSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) {
    throw new BackendError(`Unknown ${source} "${value}". Use one of: ${BACKEND_NAMES.join(', ')}.`);
  }
  return parsed.data;
}

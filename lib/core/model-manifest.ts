/**
 * `models/manifest.json`: the list of shipped models the app offers by default. Each entry points
 * at a folder under `models/` with its weights and `MODEL_CARD.md`.
 */
import { z } from 'zod';

export const manifestEntrySchema = z.object({
  /** Unique id, also the folder under models/ (e.g. "mel_2bar", "image/vae"). */
  id: z.string().regex(/^[a-z0-9][a-z0-9_/-]*$/),
  /** What the model makes: each domain says which kinds it loads (lib/domains; a test checks every shipped entry has one). */
  kind: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  title: z.string().min(1),
  /** Folder relative to models/. */
  path: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_/.-]*$/)
    .refine((p) => !p.split('/').includes('..'), 'no ".." in paths'),
  /** How the files are laid out (the domain's loader reads it), e.g. "magenta-musicvae", "tfjs-layers-pair". */
  format: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  zDims: z.number().int().positive(),
  /** Total bytes of the weight files. */
  bytes: z.number().int().nonnegative(),
  /** Headline test/validation metrics, as written in the model card. */
  metrics: z.record(z.string(), z.number()),
  trainedAt: z.string(),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const manifestSchema = z.object({ version: z.literal(1), models: z.array(manifestEntrySchema) });
export type ModelManifest = z.infer<typeof manifestSchema>;

/** The manifest with `entry` added or replacing the entry with the same id (sorted by id). */
export function upsertEntry(manifest: ModelManifest, entry: ManifestEntry): ModelManifest {
  const models = manifest.models.filter((m) => m.id !== entry.id);
  models.push(manifestEntrySchema.parse(entry));
  models.sort((a, b) => a.id.localeCompare(b.id));
  return { version: 1, models };
}

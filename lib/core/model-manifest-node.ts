/** Reading and updating `models/manifest.json` on disk (Node only; atomic write). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointError } from './errors';
import { manifestSchema, upsertEntry, type ManifestEntry, type ModelManifest } from './model-manifest';

export async function readManifest(file: string): Promise<ModelManifest> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (error) {
    // No manifest yet: the first model written starts it. Any other failure is the caller's to see.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, models: [] };
    throw new CheckpointError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new CheckpointError(`${file} is not JSON (${error instanceof Error ? error.message : String(error)}); fix or delete it.`, { file, cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new CheckpointError(`${file} is not a valid model manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { file });
  return parsed.data;
}

/** Adds or replaces `entry` in the manifest file. */
export async function updateManifest(file: string, entry: ManifestEntry): Promise<void> {
  const next = upsertEntry(await readManifest(file), entry);
  const tmp = path.join(path.dirname(file), `.manifest-${process.pid}.json`);
  await fs.writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
  await fs.rename(tmp, file);
}

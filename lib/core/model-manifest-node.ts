/** Reading and updating `models/manifest.json` on disk (Node only; atomic write). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointError } from './errors';
import { manifestSchema, upsertEntry, type ManifestEntry, type ModelManifest } from './model-manifest';

export async function readManifest(file: string): Promise<ModelManifest> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch {
    return { version: 1, models: [] };
  }
  const parsed = manifestSchema.safeParse(JSON.parse(raw));
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

/** Node-only checkpoint access: read a checkpoint folder from disk, or write one. */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeRelativePath, urlSource, type WeightSource } from './checkpoint';
import type { EncodedCheckpoint } from './checkpoint-write';
import { CheckpointError } from './errors';

const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** A {@link WeightSource} over a folder on disk. Missing folders and files name the path. */
export function fsSource(dir: string): WeightSource {
  const root = path.resolve(dir);
  const read = async (name: string): Promise<Buffer> => {
    assertSafeRelativePath(name, root);
    const file = path.join(root, name);
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new CheckpointError(`${file} is not a file.`, { file: name });
      if (info.size > MAX_FILE_BYTES)
        throw new CheckpointError(`${file} is ${(info.size / 1e6).toFixed(0)} MB, too large for a checkpoint file.`, { file: name });
      return await readFile(file);
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new CheckpointError(
        code === 'ENOENT'
          ? `The checkpoint file ${file} does not exist. Is ${root} a checkpoint folder with all its shards?`
          : `Could not read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        { file: name, cause: error },
      );
    }
  };
  return {
    location: root,
    async readJson(name) {
      const text = (await read(name)).toString('utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new CheckpointError(`${path.join(root, name)} is not valid JSON (starts with "${text.slice(0, 40)}").`, { file: name, cause: error });
      }
    },
    async readBinary(name) {
      const buf = await read(name);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    },
  };
}

/** A source for either an http(s) URL or a local folder path (CLIs accept both). */
export function sourceFor(location: string): WeightSource {
  return /^https?:\/\//i.test(location) ? urlSource(location) : fsSource(location);
}

/**
 * Writes an encoded checkpoint (manifest + shards) and any extra JSON files (e.g. config.json)
 * into `dir`, creating it. Files are written to a temporary name first and then renamed, so a
 * crash never leaves a half-written checkpoint behind under the real names.
 */
export async function writeCheckpointFolder(dir: string, encoded: EncodedCheckpoint, json: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: [string, Uint8Array | string][] = [
    ...[...encoded.shards.entries()],
    ...Object.entries(json).map(([name, value]): [string, string] => [name, JSON.stringify(value, null, 2) + '\n']),
    ['weights_manifest.json', JSON.stringify(encoded.manifest)],
  ];
  for (const [name, content] of files) {
    assertSafeRelativePath(name, dir);
    const target = path.join(dir, name);
    await writeFile(target + '.partial', content);
    await rename(target + '.partial', target);
  }
}

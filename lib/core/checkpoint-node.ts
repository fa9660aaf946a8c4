/** Node-only {@link WeightSource}: reads a checkpoint folder from disk. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeRelativePath, urlSource, type WeightSource } from './checkpoint';
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
      if (info.size > MAX_FILE_BYTES) throw new CheckpointError(`${file} is ${(info.size / 1e6).toFixed(0)} MB, too large for a checkpoint file.`, { file: name });
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

/**
 * Loading TF.js weights checkpoints (a `weights_manifest.json` plus binary shards), the format
 * Magenta's MusicVAE checkpoints use too.
 *
 * The loader works on a {@link WeightSource}: `urlSource` fetches relative to a base URL (browser,
 * or hosted checkpoints), `fsSource` in `checkpoint-node.ts` reads a folder (Node). Every
 * response, byte count, dtype and shape is checked, and every failure names the file or variable
 * and says what was expected. Quantized weights (uint8, uint16 with min/scale, float16) are
 * de-quantized to float32 on load.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { CheckpointError } from './errors';

/** Where checkpoint files come from. Names are relative paths inside the checkpoint. */
export interface WeightSource {
  /** Shown in error messages, e.g. the URL or folder. */
  readonly location: string;
  readJson(name: string): Promise<unknown>;
  /** A file's bytes; `onBytes` (optional) hears the bytes received so far while a download streams in. */
  readBinary(name: string, onBytes?: (received: number) => void): Promise<ArrayBuffer>;
}

const quantizationSchema = z.object({
  dtype: z.enum(['uint8', 'uint16', 'float16']),
  min: z.number().finite().optional(),
  scale: z.number().finite().optional(),
  original_dtype: z.enum(['float32', 'int32']).optional(),
});

const weightEntrySchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: quantizationSchema.optional(),
});

/** The TF.js weights manifest: groups of weights, each stored across one or more shard files. */
export const weightsManifestSchema = z.array(z.object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(weightEntrySchema) })).min(1);

export type WeightsManifest = z.infer<typeof weightsManifestSchema>;
export type WeightEntry = z.infer<typeof weightEntrySchema>;

/** Default cap on the total size of a checkpoint's weights (the largest MusicVAE is ~150 MB). */
export const DEFAULT_MAX_CHECKPOINT_BYTES = 512 * 1024 * 1024;

/** Bytes one stored value of `entry` takes in a shard. */
export function bytesPerValue(entry: WeightEntry): number {
  if (entry.quantization) return entry.quantization.dtype === 'uint8' ? 1 : 2;
  return entry.dtype === 'bool' ? 1 : 4;
}

/** Bytes `entry` takes in its shard. */
export function storedBytes(entry: WeightEntry): number {
  return entry.shape.reduce((a, b) => a * b, 1) * bytesPerValue(entry);
}

/** Rejects names that could escape the checkpoint folder or point at another host. */
export function assertSafeRelativePath(name: string, location: string): void {
  if (name.startsWith('/') || name.startsWith('\\') || /^[a-z][a-z0-9+.-]*:/i.test(name) || name.split(/[\\/]/).includes('..')) {
    throw new CheckpointError(
      `The checkpoint at ${location} refers to the file "${name}", which is not a plain relative path inside the checkpoint. ` +
        'Shard paths must be names like "group1-shard1of1.bin".',
      { file: name },
    );
  }
}

/** Parses and validates a weights manifest, with a message naming the first problem. */
export function parseWeightsManifest(json: unknown, file = 'weights_manifest.json'): WeightsManifest {
  const parsed = weightsManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top level)' : '(unknown)';
    throw new CheckpointError(
      `${file} is not a valid TF.js weights manifest: at ${where}: ${issue?.message ?? 'invalid'}. ` +
        'Expected a list of {paths: [shard files], weights: [{name, shape, dtype}]}.',
      { file },
    );
  }
  for (const group of parsed.data) {
    for (const w of group.weights) {
      if (w.quantization && w.quantization.dtype !== 'float16' && (w.quantization.min === undefined || w.quantization.scale === undefined)) {
        throw new CheckpointError(`${file}: weight "${w.name}" is ${w.quantization.dtype}-quantized but has no min/scale.`, {
          file,
          variable: w.name,
        });
      }
    }
  }
  return parsed.data;
}

export interface LoadCheckpointOptions {
  /** Manifest file name inside the source. */
  manifestFile?: string;
  /** Variables the caller needs, with their shapes; missing or mis-shaped ones are errors. */
  expected?: Readonly<Record<string, readonly number[]>>;
  /** Refuse checkpoints whose weights add up to more than this many bytes. */
  maxBytes?: number;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Reads a checkpoint and returns its variables as float32/int32 tensors keyed by name.
 * The caller owns (and must dispose) every returned tensor. On any error nothing is left allocated.
 */
export async function loadCheckpointTensors(source: WeightSource, options: LoadCheckpointOptions = {}): Promise<tf.NamedTensorMap> {
  const manifestFile = options.manifestFile ?? 'weights_manifest.json';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CHECKPOINT_BYTES;
  const manifest = parseWeightsManifest(await source.readJson(manifestFile), manifestFile);

  let totalBytes = 0;
  const seen = new Set<string>();
  for (const group of manifest) {
    group.paths.forEach((p) => assertSafeRelativePath(p, source.location));
    for (const w of group.weights) {
      if (seen.has(w.name)) throw new CheckpointError(`${manifestFile} lists the variable "${w.name}" twice.`, { file: manifestFile, variable: w.name });
      seen.add(w.name);
      totalBytes += storedBytes(w);
    }
  }
  if (totalBytes > maxBytes) {
    throw new CheckpointError(
      `The checkpoint at ${source.location} declares ${(totalBytes / 1e6).toFixed(1)} MB of weights, more than the ` +
        `${(maxBytes / 1e6).toFixed(0)} MB limit. Use a smaller (or quantized) checkpoint.`,
      { file: manifestFile },
    );
  }
  if (options.expected) {
    const byName = new Map(manifest.flatMap((g) => g.weights).map((w) => [w.name, w] as const));
    for (const [name, shape] of Object.entries(options.expected)) {
      const entry = byName.get(name);
      if (!entry) {
        throw new CheckpointError(
          `The checkpoint at ${source.location} has no variable "${name}" (expected shape ${shapeText(shape)}). ` +
            'It is probably a different kind of model; check the model type and its config.json.',
          { file: manifestFile, variable: name },
        );
      }
      if (entry.shape.length !== shape.length || entry.shape.some((d, i) => d !== shape[i])) {
        throw new CheckpointError(
          `Variable "${name}" in ${source.location} has shape ${shapeText(entry.shape)} but the model expects ${shapeText(shape)}. ` +
            'The config.json sizes and the weights disagree.',
          { file: manifestFile, variable: name },
        );
      }
    }
  }

  const out: tf.NamedTensorMap = {};
  try {
    for (const group of manifest) {
      const buffers: ArrayBuffer[] = [];
      for (const p of group.paths) buffers.push(await source.readBinary(p));
      const got = buffers.reduce((a, b) => a + b.byteLength, 0);
      const want = group.weights.reduce((a, w) => a + storedBytes(w), 0);
      if (got !== want) {
        throw new CheckpointError(
          `The shards ${group.paths.join(', ')} of ${source.location} hold ${got} bytes, but the manifest's weights ` +
            `(${group.weights.map((w) => w.name).join(', ')}) need ${want}. A shard is truncated or belongs to another checkpoint.`,
          { file: group.paths.join(', ') },
        );
      }
      // One shard is used as it is; several are joined (a weight may span two), then let go at once.
      let joined: Uint8Array;
      if (buffers.length === 1) joined = new Uint8Array(buffers[0] as ArrayBuffer);
      else {
        joined = new Uint8Array(got);
        let offset = 0;
        for (const b of buffers) {
          joined.set(new Uint8Array(b), offset);
          offset += b.byteLength;
        }
      }
      buffers.length = 0;
      assertFinite(joined, group.weights, source.location);
      Object.assign(out, decodeGroup(joined, group.weights));
    }
  } catch (error) {
    tf.dispose(out);
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`Could not decode the checkpoint at ${source.location}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return out;
}

/**
 * The tensors of a group's bytes. Plain float32 weights become tensors straight from views of the
 * bytes (the backend copies them in; no intermediate copy per weight, which kept a second and third
 * copy of the whole checkpoint alive in memory); the rest (quantized, other types) go through TF.js's
 * decodeWeights.
 */
function decodeGroup(bytes: Uint8Array, weights: readonly WeightEntry[]): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  let offset = 0;
  for (const w of weights) {
    const size = storedBytes(w);
    const start = bytes.byteOffset + offset;
    if (w.dtype === 'float32' && !w.quantization && start % 4 === 0) {
      out[w.name] = tf.tensor(new Float32Array(bytes.buffer, start, size / 4), w.shape, 'float32');
    } else {
      const copy = bytes.slice(offset, offset + size);
      Object.assign(out, tf.io.decodeWeights(copy.buffer, [w as tf.io.WeightsManifestEntry]));
    }
    offset += size;
  }
  return out;
}

/**
 * Throws if a float32 or float16 weight in a group's bytes is NaN or infinite. Runs on the raw
 * bytes, before any tensor exists, so no backend (e.g. a GPU) has to hand data back for the check.
 */
function assertFinite(bytes: Uint8Array, weights: readonly WeightEntry[], location: string): void {
  let offset = 0;
  for (const w of weights) {
    const size = storedBytes(w);
    const q = w.quantization?.dtype;
    if (w.dtype === 'float32' && (q === undefined || q === 'float16')) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size);
      const ok = q === 'float16' ? allFiniteFloat16(view) : allFiniteFloat32(view);
      if (!ok)
        throw new CheckpointError(`Variable "${w.name}" in ${location} contains NaN or infinite values; the checkpoint is corrupt.`, { variable: w.name });
    }
    offset += size;
  }
}

function allFiniteFloat32(view: DataView): boolean {
  for (let i = 0; i + 4 <= view.byteLength; i += 4) if (!Number.isFinite(view.getFloat32(i, true))) return false;
  return true;
}

function allFiniteFloat16(view: DataView): boolean {
  // Exponent bits all ones means infinity or NaN in IEEE half precision.
  for (let i = 0; i + 2 <= view.byteLength; i += 2) if ((view.getUint16(i, true) & 0x7c00) === 0x7c00) return false;
  return true;
}

/** Largest single file the URL source accepts (a shard or JSON), to stop runaway downloads. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * A {@link WeightSource} over HTTP(S): files are fetched relative to `baseUrl` (a folder URL).
 * Non-2xx answers, network failures and non-JSON manifests become {@link CheckpointError}s that
 * name the file's URL.
 */
export function urlSource(baseUrl: string, fetchFn: typeof fetch = (input, init) => fetch(input, init)): WeightSource {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : baseUrl + '/', typeof location === 'undefined' ? undefined : location.href);
  } catch (error) {
    throw new CheckpointError(`"${baseUrl}" is not a valid URL for a checkpoint folder.`, { cause: error });
  }
  const location_ = base.href;
  const get = async (name: string): Promise<Response> => {
    assertSafeRelativePath(name, location_);
    const url = new URL(name, base).href;
    let response: Response;
    try {
      response = await fetchFn(url);
    } catch (error) {
      throw new CheckpointError(
        `Could not reach ${url} (${error instanceof Error ? error.message : String(error)}). ` +
          'Check the address and your connection; hosted checkpoints need internet access.',
        { file: name, cause: error },
      );
    }
    if (!response.ok) {
      throw new CheckpointError(
        `Fetching ${url} failed with HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}. ` +
          (response.status === 404 ? 'The file is missing: is the URL the checkpoint folder, and is every shard uploaded?' : ''),
        { file: name },
      );
    }
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > MAX_FILE_BYTES) throw new CheckpointError(`${url} is ${(length / 1e6).toFixed(0)} MB, too large for a checkpoint file.`, { file: name });
    return response;
  };
  return {
    location: location_,
    async readJson(name) {
      const response = await get(name);
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new CheckpointError(`${new URL(name, base).href} is not valid JSON (starts with "${text.slice(0, 40)}").`, { file: name, cause: error });
      }
    },
    async readBinary(name, onBytes) {
      const response = await get(name);
      const body = response.body;
      if (!onBytes || !body) return response.arrayBuffer();
      // Streamed, so a progress bar can follow the bytes of a big shard as they arrive.
      const reader = body.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        if (received > MAX_FILE_BYTES) {
          await reader.cancel();
          throw new CheckpointError(`${new URL(name, base).href} is over ${(MAX_FILE_BYTES / 1e6).toFixed(0)} MB, too large for a checkpoint file.`, {
            file: name,
          });
        }
        onBytes(received);
      }
      const out = new Uint8Array(received);
      let offset = 0;
      for (const c of chunks) {
        out.set(c, offset);
        offset += c.byteLength;
      }
      return out.buffer;
    },
  };
}

/** The file's path inside the folder a user picked (`webkitRelativePath` minus the top folder), or its name. */
function pathInFolder(file: File): string {
  const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
  const parts = relative.split('/').filter((p) => p.length > 0);
  return parts.length > 1 ? parts.slice(1).join('/') : file.name;
}

/**
 * A {@link WeightSource} over files a user picked (a folder, or its files selected together):
 * `config.json`, `weights_manifest.json` and the shards are found by their path in the folder.
 * A missing file gives a CheckpointError that names it and lists what was picked.
 */
export function filesSource(files: readonly File[], label = 'the chosen folder'): WeightSource {
  const byPath = new Map<string, File>();
  for (const f of files) byPath.set(pathInFolder(f), f);
  const find = (name: string): File => {
    assertSafeRelativePath(name, label);
    const file = byPath.get(name) ?? files.find((f) => f.name === name);
    if (!file) {
      const listed = [...byPath.keys()].slice(0, 8).join(', ');
      throw new CheckpointError(
        `${label} has no "${name}". A Magenta checkpoint folder holds config.json, weights_manifest.json and its shard files; got ${listed || 'no files'}.`,
        { file: name },
      );
    }
    if (file.size > MAX_FILE_BYTES)
      throw new CheckpointError(`${name} is ${(file.size / 1e6).toFixed(0)} MB, too large for a checkpoint file.`, { file: name });
    return file;
  };
  return {
    location: label,
    async readJson(name) {
      const text = await find(name).text();
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new CheckpointError(`${name} in ${label} is not valid JSON (starts with "${text.slice(0, 40)}").`, { file: name, cause: error });
      }
    },
    async readBinary(name) {
      return find(name).arrayBuffer();
    },
  };
}

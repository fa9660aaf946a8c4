/**
 * Saving and loading image models in TF.js layers format: a folder with `spec.json` (which lesson
 * model, code size, noise level), `encoder/model.json` + `encoder/weights.bin` and the same for the
 * decoder. Works with any `tf.io` handler: files in Node, URLs, IndexedDB or uploaded files in the
 * browser.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { encodeCheckpoint, type NamedValues } from '../core/checkpoint-write';
import { CheckpointError } from '../core/errors';
import { ImageAutoencoder } from './image-model';
import { IMAGE_MODEL_IDS, imageModelSpec, type ImageModelSpec } from './specs';

export const imageSpecFileSchema = z.object({
  format: z.literal('latent-lab-image-model'),
  version: z.literal(1),
  id: z.enum(IMAGE_MODEL_IDS),
  zDims: z.number().int().min(1).max(4096),
  noiseSigma: z.number().min(0).max(2).optional(),
});
export type ImageSpecFile = z.infer<typeof imageSpecFileSchema>;

export function specFile(spec: ImageModelSpec): ImageSpecFile {
  const file: ImageSpecFile = { format: 'latent-lab-image-model', version: 1, id: spec.id, zDims: spec.zDims };
  if (spec.corruption.kind === 'noise') file.noiseSigma = spec.corruption.sigma;
  return file;
}

/** Parses and checks a `spec.json` value; throws {@link CheckpointError} naming the problem. */
export function parseSpecFile(value: unknown, source = 'spec.json'): ImageModelSpec {
  const parsed = imageSpecFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError(
      `${source} is not a Latent Lab image model description (${issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'invalid'}).`,
      { file: source },
    );
  }
  const { id, zDims, noiseSigma } = parsed.data;
  const base = imageModelSpec(id);
  const fixed = !base.variational && id !== 'dense-ae';
  if (fixed && zDims !== base.zDims) throw new CheckpointError(`${source}: "${id}" has a code of ${base.zDims} numbers, not ${zDims}.`, { file: source });
  return imageModelSpec(id, { zDims: fixed ? undefined : zDims, noiseSigma });
}

/** All weight bytes of saved artifacts as one buffer (what `weights.bin` holds). */
export function weightBytes(artifacts: tf.io.ModelArtifacts): ArrayBuffer {
  const data = artifacts.weightData;
  if (!data) return new ArrayBuffer(0);
  return tf.io.concatenateArrayBuffers(Array.isArray(data) ? data : [data]);
}

/** How `weights.bin` stores the weights: float32 as trained, or float16 (half the bytes; TF.js widens them again on load). */
export const IMAGE_WEIGHT_FORMATS = ['float32', 'float16'] as const;
export type ImageWeightFormat = (typeof IMAGE_WEIGHT_FORMATS)[number];

/**
 * The weight specs and bytes of saved artifacts stored as `format`. For float16 the weights go through
 * the checkpoint writer's quantizer (`encodeCheckpoint`, one shard): each is rounded to the nearest half
 * float and its spec says so (`quantization: {dtype: 'float16'}`), which `tf.loadLayersModel` understands.
 */
export function storedWeights(artifacts: tf.io.ModelArtifacts, format: ImageWeightFormat): { specs: tf.io.WeightsManifestEntry[]; bytes: Uint8Array } {
  const specs = artifacts.weightSpecs ?? [];
  const data = weightBytes(artifacts);
  if (format === 'float32') return { specs, bytes: new Uint8Array(data) };
  const variables: NamedValues[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization)
      throw new CheckpointError(
        `Weight "${spec.name}" is ${spec.quantization ? `already stored as ${spec.quantization.dtype}` : spec.dtype}; only float32 weights can be stored as float16.`,
      );
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + size * 4 > data.byteLength)
      throw new CheckpointError(`The weight data ends inside "${spec.name}" (${data.byteLength} bytes for the listed weights).`);
    variables.push({ name: spec.name, shape: spec.shape, values: new Float32Array(data, offset, size) });
    offset += size * 4;
  }
  if (offset !== data.byteLength) throw new CheckpointError(`The weight data has ${data.byteLength - offset} bytes more than the listed weights need.`);
  const { manifest, shards } = encodeCheckpoint(variables, { quantization: 'float16', shardBytes: Math.max(1, data.byteLength) });
  return { specs: manifest[0]?.weights ?? [], bytes: shards.values().next().value ?? new Uint8Array(0) };
}

/** The layers-format artifacts of both halves (topology + weight specs + weight bytes). */
export async function imageModelArtifacts(
  model: ImageAutoencoder,
): Promise<{ spec: ImageSpecFile; encoder: tf.io.ModelArtifacts; decoder: tf.io.ModelArtifacts }> {
  const capture = async (m: tf.LayersModel): Promise<tf.io.ModelArtifacts> => {
    let captured: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler((artifacts) => {
        captured = artifacts;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
      }),
    );
    if (!captured) throw new Error('Saving the model produced nothing.');
    return captured;
  };
  return { spec: specFile(model.spec), encoder: await capture(model.encoder), decoder: await capture(model.decoder) };
}

/**
 * Loads a model from two `tf.io` handlers (or URLs/`indexeddb://` keys) and its spec. Load
 * failures become {@link CheckpointError}s that say which half failed.
 */
export async function loadImageModel(
  spec: ImageModelSpec,
  sources: { encoder: string | tf.io.IOHandler; decoder: string | tf.io.IOHandler },
  options: tf.io.LoadOptions = {},
): Promise<ImageAutoencoder> {
  const load = async (part: 'encoder' | 'decoder'): Promise<tf.LayersModel> => {
    try {
      return await tf.loadLayersModel(sources[part], options);
    } catch (error) {
      const where = typeof sources[part] === 'string' ? ` from ${sources[part]}` : '';
      throw new CheckpointError(`Could not load the ${part} of "${spec.id}"${where}: ${error instanceof Error ? error.message : String(error)}`, {
        file: `${part}/model.json`,
        cause: error,
      });
    }
  };
  const encoder = await load('encoder');
  let decoder: tf.LayersModel;
  try {
    decoder = await load('decoder');
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  try {
    return new ImageAutoencoder(spec, encoder, decoder);
  } catch (error) {
    encoder.dispose();
    decoder.dispose();
    throw new CheckpointError(`The files do not hold a "${spec.id}" model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * Loads a model folder served over HTTP(S) (e.g. `/models/image/vae`). `options.fetchFunc` fetches
 * the model files (e.g. one that counts the bytes for a progress bar).
 */
export async function loadImageModelFromUrl(
  base: string,
  fetchJson: (url: string) => Promise<unknown>,
  options: tf.io.LoadOptions = {},
): Promise<ImageAutoencoder> {
  const root = base.replace(/\/+$/, '');
  let raw: unknown;
  try {
    raw = await fetchJson(`${root}/spec.json`);
  } catch (error) {
    throw new CheckpointError(`Could not read ${root}/spec.json: ${error instanceof Error ? error.message : String(error)}`, {
      file: 'spec.json',
      cause: error,
    });
  }
  const spec = parseSpecFile(raw, `${root}/spec.json`);
  return loadImageModel(spec, { encoder: `${root}/encoder/model.json`, decoder: `${root}/decoder/model.json` }, options);
}

/** Where models saved in this browser live (IndexedDB keys `<prefix><name>/encoder|decoder`). */
export const SAVED_IMAGE_MODEL_PREFIX = 'indexeddb://latent-lab-image/';

/** The model shipped in `models/image/<id>`, served by the app at `/models/image/<id>`. */
export function loadShippedImageModel(
  id: ImageModelSpec['id'],
  fetchJson: (url: string) => Promise<unknown>,
  options: tf.io.LoadOptions = {},
  base = '/models/image',
): Promise<ImageAutoencoder> {
  return loadImageModelFromUrl(`${base}/${id}`, fetchJson, options);
}

/** A model's description stored in both halves' metadata, so saved or downloaded files load on their own. */
function stamp(model: ImageAutoencoder): ImageSpecFile {
  const spec = specFile(model.spec);
  model.encoder.setUserDefinedMetadata(spec);
  model.decoder.setUserDefinedMetadata(spec);
  return spec;
}

/** Reads the spec stamped into an encoder file (see {@link stamp}) without keeping the model. */
async function stampedSpec(source: string | tf.io.IOHandler, name: string, missing: string): Promise<ImageModelSpec> {
  let encoder: tf.LayersModel;
  try {
    encoder = await tf.loadLayersModel(source);
  } catch (error) {
    throw new CheckpointError(`Could not read ${name}: ${error instanceof Error ? error.message : String(error)}`, { file: name, cause: error });
  }
  const meta = encoder.getUserDefinedMetadata();
  encoder.dispose();
  if (!meta) throw new CheckpointError(missing, { file: name });
  return parseSpecFile(meta, name);
}

/** Saves both halves in this browser's IndexedDB under `name` (see {@link SAVED_IMAGE_MODEL_PREFIX}). */
export async function saveImageModelInBrowser(model: ImageAutoencoder, name: string): Promise<void> {
  stamp(model);
  await model.encoder.save(`${SAVED_IMAGE_MODEL_PREFIX}${name}/encoder`);
  await model.decoder.save(`${SAVED_IMAGE_MODEL_PREFIX}${name}/decoder`);
}

/** The names of the models saved in this browser, sorted. */
export async function savedImageModelNames(): Promise<string[]> {
  const all = await tf.io.listModels();
  const names = new Set<string>();
  for (const key of Object.keys(all)) {
    if (key.startsWith(SAVED_IMAGE_MODEL_PREFIX) && key.endsWith('/encoder')) names.add(key.slice(SAVED_IMAGE_MODEL_PREFIX.length, -'/encoder'.length));
  }
  return [...names].sort();
}

/** A model saved in this browser with {@link saveImageModelInBrowser}. */
export async function loadSavedImageModel(name: string): Promise<ImageAutoencoder> {
  const base = `${SAVED_IMAGE_MODEL_PREFIX}${name}`;
  const spec = await stampedSpec(`${base}/encoder`, `saved model "${name}"`, `The saved model "${name}" has no Latent Lab model description; save it again.`);
  return loadImageModel(spec, { encoder: `${base}/encoder`, decoder: `${base}/decoder` });
}

/** A model from the four files {@link imageModelFiles} wrote (picked by the user): each half's JSON and weights. */
export async function loadImageModelFromFiles(files: { encoder: readonly [File, File]; decoder: readonly [File, File] }): Promise<ImageAutoencoder> {
  const [ej, ew] = files.encoder;
  const [dj, dw] = files.decoder;
  const spec = await stampedSpec(tf.io.browserFiles([ej, ew]), ej.name, `${ej.name} has no Latent Lab model description: use the files from "Download model".`);
  return loadImageModel(spec, { encoder: tf.io.browserFiles([ej, ew]), decoder: tf.io.browserFiles([dj, dw]) });
}

/** The four files of a model download: `<id>-encoder.json`, `<id>-encoder.weights.bin` and the same for the decoder. */
export async function imageModelFiles(model: ImageAutoencoder): Promise<Array<{ name: string; data: string | ArrayBuffer }>> {
  const spec = stamp(model);
  const artifacts = await imageModelArtifacts(model);
  const files: Array<{ name: string; data: string | ArrayBuffer }> = [];
  for (const part of ['encoder', 'decoder'] as const) {
    const a = artifacts[part];
    const weightsName = `${spec.id}-${part}.weights.bin`;
    files.push({
      name: `${spec.id}-${part}.json`,
      data: JSON.stringify({
        format: 'layers-model',
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [weightsName], weights: a.weightSpecs ?? [] }],
        userDefinedMetadata: spec,
      }),
    });
    files.push({ name: weightsName, data: weightBytes(a) });
  }
  return files;
}

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
    throw new CheckpointError(`${source} is not a Latent Lab image model description (${issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'invalid'}).`, { file: source });
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
    if (spec.dtype !== 'float32' || spec.quantization) throw new CheckpointError(`Weight "${spec.name}" is ${spec.quantization ? `already stored as ${spec.quantization.dtype}` : spec.dtype}; only float32 weights can be stored as float16.`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + size * 4 > data.byteLength) throw new CheckpointError(`The weight data ends inside "${spec.name}" (${data.byteLength} bytes for the listed weights).`);
    variables.push({ name: spec.name, shape: spec.shape, values: new Float32Array(data, offset, size) });
    offset += size * 4;
  }
  if (offset !== data.byteLength) throw new CheckpointError(`The weight data has ${data.byteLength - offset} bytes more than the listed weights need.`);
  const { manifest, shards } = encodeCheckpoint(variables, { quantization: 'float16', shardBytes: Math.max(1, data.byteLength) });
  return { specs: manifest[0]?.weights ?? [], bytes: shards.values().next().value ?? new Uint8Array(0) };
}

/** The layers-format artifacts of both halves (topology + weight specs + weight bytes). */
export async function imageModelArtifacts(model: ImageAutoencoder): Promise<{ spec: ImageSpecFile; encoder: tf.io.ModelArtifacts; decoder: tf.io.ModelArtifacts }> {
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
export async function loadImageModel(spec: ImageModelSpec, sources: { encoder: string | tf.io.IOHandler; decoder: string | tf.io.IOHandler }): Promise<ImageAutoencoder> {
  const load = async (part: 'encoder' | 'decoder'): Promise<tf.LayersModel> => {
    try {
      return await tf.loadLayersModel(sources[part]);
    } catch (error) {
      const where = typeof sources[part] === 'string' ? ` from ${sources[part]}` : '';
      throw new CheckpointError(`Could not load the ${part} of "${spec.id}"${where}: ${error instanceof Error ? error.message : String(error)}`, { file: `${part}/model.json`, cause: error });
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

/** Loads a model folder served over HTTP(S) (e.g. `/models/image/vae`). */
export async function loadImageModelFromUrl(base: string, fetchJson: (url: string) => Promise<unknown>): Promise<ImageAutoencoder> {
  const root = base.replace(/\/+$/, '');
  let raw: unknown;
  try {
    raw = await fetchJson(`${root}/spec.json`);
  } catch (error) {
    throw new CheckpointError(`Could not read ${root}/spec.json: ${error instanceof Error ? error.message : String(error)}`, { file: 'spec.json', cause: error });
  }
  const spec = parseSpecFile(raw, `${root}/spec.json`);
  return loadImageModel(spec, { encoder: `${root}/encoder/model.json`, decoder: `${root}/decoder/model.json` });
}

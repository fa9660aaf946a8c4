/**
 * Saving and loading image models in TF.js layers format: a folder with `spec.json` (which lesson
 * model, code size, noise level), `encoder/model.json` + `encoder/weights.bin` and the same for the
 * decoder. Works with any `tf.io` handler: files in Node, URLs, IndexedDB or uploaded files in the
 * browser.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { CheckpointError } from '../core/errors';
import { ImageAutoencoder } from './image-model';
import { IMAGE_MODEL_IDS, imageModelSpec, type ImageModelSpec } from './models';

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

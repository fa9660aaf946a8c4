/** Image model folders on disk (Node only): write atomically, read back with `tf.io.fromMemory`. */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointError } from '../core/errors';
import type { ImageAutoencoder } from './image-model';
import { imageModelArtifacts, loadImageModel, parseSpecFile, storedWeights, type ImageWeightFormat } from './io';

const isMissing = (error: unknown): boolean => typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';

/**
 * Writes `dir/{spec.json, encoder/, decoder/}`, the weights as float32 or, with `weights: 'float16'`,
 * at half the size. Everything is written into a temporary folder first; other files already in `dir`
 * (e.g. a model card) are copied over unless replaced; only then is the old folder swapped out. On
 * any failure `dir` is left as it was.
 */
export async function writeImageModelFolder(
  dir: string,
  model: ImageAutoencoder,
  extra: Record<string, string> = {},
  options: { weights?: ImageWeightFormat } = {},
): Promise<{ bytes: number }> {
  const { spec, encoder, decoder } = await imageModelArtifacts(model);
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  let bytes = 0;
  let movedAside = false;
  try {
    for (const [part, artifacts] of [
      ['encoder', encoder],
      ['decoder', decoder],
    ] as const) {
      await fs.mkdir(path.join(tmp, part), { recursive: true });
      const { specs, bytes: weights } = storedWeights(artifacts, options.weights ?? 'float32');
      bytes += weights.byteLength;
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
      };
      await fs.writeFile(path.join(tmp, part, 'model.json'), JSON.stringify(json));
      await fs.writeFile(path.join(tmp, part, 'weights.bin'), weights);
    }
    await fs.writeFile(path.join(tmp, 'spec.json'), JSON.stringify(spec, null, 2) + '\n');
    for (const [name, text] of Object.entries(extra)) await fs.writeFile(path.join(tmp, name), text);
    let previous: string[] | undefined;
    try {
      previous = await fs.readdir(dir);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    for (const name of previous ?? []) {
      if (!['encoder', 'decoder', 'spec.json', ...Object.keys(extra)].includes(name))
        await fs.cp(path.join(dir, name), path.join(tmp, name), { recursive: true });
    }
    await fs.mkdir(path.dirname(dir), { recursive: true });
    // The swap: the old folder steps aside, the new one takes its name.
    await fs.rm(old, { recursive: true, force: true });
    if (previous) {
      await fs.rename(dir, old);
      movedAside = true;
    }
    await fs.rename(tmp, dir);
  } catch (error) {
    // Whatever failed, the old folder comes back and the new one goes.
    if (movedAside) await fs.rename(old, dir);
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (movedAside) await fs.rm(old, { recursive: true, force: true });
  return { bytes };
}

async function readPart(dir: string, part: 'encoder' | 'decoder'): Promise<tf.io.IOHandler> {
  const file = path.join(dir, part, 'model.json');
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(`Could not read ${file}: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error });
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json) || !('weightsManifest' in json) || !Array.isArray(json.weightsManifest)) {
    throw new CheckpointError(`${file} is not a TF.js layers model.json (no modelTopology/weightsManifest).`, { file });
  }
  const groups = json.weightsManifest as tf.io.WeightsManifestConfig;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of groups) {
    specs.push(...group.weights);
    for (const shard of group.paths) {
      const bytes = await fs.readFile(path.join(dir, part, shard));
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
  }
  return tf.io.fromMemory({
    modelTopology: json.modelTopology as tf.io.ModelJSON['modelTopology'],
    weightSpecs: specs,
    weightData: tf.io.concatenateArrayBuffers(buffers),
  });
}

/** Loads `dir` written by {@link writeImageModelFolder} (or the same layout from elsewhere). */
export async function readImageModelFolder(dir: string): Promise<ImageAutoencoder> {
  const specPath = path.join(dir, 'spec.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(specPath, 'utf8'));
  } catch (error) {
    throw new CheckpointError(`Could not read ${specPath}: is ${dir} an image model folder? (${error instanceof Error ? error.message : String(error)})`, {
      file: specPath,
      cause: error,
    });
  }
  const spec = parseSpecFile(raw, specPath);
  return loadImageModel(spec, { encoder: await readPart(dir, 'encoder'), decoder: await readPart(dir, 'decoder') });
}

/** Model-card files of image models on disk (Node only): read `metrics.json`, the dense VAE next door, the manifest. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { updateManifest } from '../core/model-manifest-node';
import { cardSummarySchema, measureImageModel, type CardSummary, type ImageMeasurement } from './card';
import type { ImageMetrics } from './evaluate';
import type { ImageAutoencoder } from './image-model';
import type { ImageSet } from './mnist';
import type { ImageModelSpec } from './specs';

/**
 * A model folder's `metrics.json` as train:image wrote it, checked; `use` ends the message when it cannot
 * be read (what the user should do instead).
 */
export async function readCardSummary(dir: string, use: string): Promise<CardSummary> {
  const file = path.join(dir, 'metrics.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file} (${error instanceof Error ? error.message : String(error)}): ${use}`);
  }
  const parsed = cardSummarySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not what train:image writes (${issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'invalid'}): ${use}`);
  }
  return parsed.data;
}

/** The dense 2-D VAE's test loss from `<models>/image/vae/metrics.json` next to `modelDir`, if there. */
export async function denseVaeLoss(modelDir: string): Promise<number | undefined> {
  const dir = path.join(modelDir, '..', 'vae');
  try {
    await fs.stat(path.join(dir, 'metrics.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // no dense VAE next to it
    throw error;
  }
  return (await readCardSummary(dir, '')).metrics.vaeLoss;
}

/**
 * {@link measureImageModel} for a model folder: the conv VAE is checked against the dense VAE in the
 * models folder next to `dir`.
 */
export async function measureImageModelFolder(model: ImageAutoencoder, dir: string, sets: { train: ImageSet; test: ImageSet }): Promise<ImageMeasurement> {
  return measureImageModel(model, sets, { denseVaeLoss: model.spec.id === 'conv-vae' ? await denseVaeLoss(dir) : undefined });
}

/** `dir`'s path inside `models/` with `/` separators ('' for `models/` itself), or undefined if it lies elsewhere. */
export function pathInModels(dir: string): string | undefined {
  const rel = path.relative(path.resolve('models'), path.resolve(dir));
  if (rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** Writes the manifest entry of a model folder inside `models/` (folders elsewhere have none; returns false). */
export async function updateImageManifest(dir: string, spec: ImageModelSpec, bytes: number, metrics: ImageMetrics, trainedAt: string): Promise<boolean> {
  const rel = pathInModels(dir);
  if (!rel) return false;
  await updateManifest(path.resolve('models', 'manifest.json'), {
    id: rel,
    kind: 'image',
    title: spec.title,
    path: rel,
    format: 'tfjs-layers-pair',
    zDims: spec.zDims,
    bytes,
    metrics: Object.fromEntries(Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number')),
    trainedAt,
  });
  return true;
}

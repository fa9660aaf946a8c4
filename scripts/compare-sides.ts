/**
 * Node side of the Compare lab, shared by `npm run compare` and `npm run bench:compare`: load an
 * image model with MNIST's test digits, or a MusicVAE with windows from a MIDI folder (or the
 * built-in examples), or the timbre model with the shipped set of notes, as Compare adapters.
 */
import type * as tf from '@tensorflow/tfjs';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fsSource, sourceFor } from '../lib/core/checkpoint-node';
import { InvalidInputError } from '../lib/core/errors';
import type { LatentModel } from '../lib/core/latent-model';
import { createRng } from '../lib/core/random';
import { imageCompareDomain } from '../lib/image/compare-domain';
import type { ImageAutoencoder } from '../lib/image/image-model';
import { readImageModelFolder } from '../lib/image/io-node';
import { loadMnist } from '../lib/image/mnist-node';
import type { CompareDomain } from '../lib/latent/compare/domain';
import type { ModelDescription } from '../lib/latent/compare/run';
import { exampleWindowSet, FILE_LABELS, labelFromPath, musicCompareDomain, type FileLabel, type MusicWindowSet } from '../lib/music/compare-domain';
import { buildMusicDataset } from '../lib/music/dataset-node';
import { MusicVAE } from '../lib/music/music-vae';
import { count as countOf } from '../lib/core/text';
import { shippedSetCompareDomain } from '../lib/timbre/compare-domain';
import { decodeTimbreSet, TIMBRE_SET_FILES, timbreSetSchema } from '../lib/timbre/examples';
import { TimbreModel } from '../lib/timbre/timbre-model';

export interface LoadedSide<X extends tf.Tensor, Item, M extends LatentModel<X>> {
  /** The side's name in reports: its domain ("image", "melody", "drums"). */
  name: string;
  model: M;
  domain: CompareDomain<X, Item>;
  description: ModelDescription;
  /** Notes about the data (skipped files, sampling). */
  notes: string[];
  /** Seconds spent loading the model and the data. */
  loadSeconds: number;
}

/** The first `n` test digits (of 2,000) with the image model in `dir`. */
export async function loadImageSide(dir: string, n: number): Promise<LoadedSide<tf.Tensor4D, Float32Array, ImageAutoencoder>> {
  const t0 = performance.now();
  const model = await readImageModelFolder(dir);
  try {
    const mnist = await loadMnist();
    const count = Math.min(n, mnist.test.count);
    const domain = imageCompareDomain(model, mnist.test, { count, dataName: `MNIST test split (first ${count} of ${mnist.test.count} digits)` });
    const notes = count < n ? [`The MNIST test split has ${mnist.test.count} digits; all of them are used.`] : [];
    return {
      name: 'image',
      model,
      domain,
      description: { name: model.spec.id, description: model.spec.title },
      notes,
      loadSeconds: (performance.now() - t0) / 1000,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * `n` windows of the MIDI files below `dataDir` for the model's converter (validation files first,
 * then training files; a seeded choice), labelled by `label` ('auto': Groove MIDI's style when the
 * folder has Groove's info.csv, else the file).
 */
export async function folderWindowSet(model: MusicVAE, dataDir: string, n: number, seed: number, label: FileLabel | 'auto'): Promise<MusicWindowSet> {
  const groove = await exists(path.join(dataDir, 'info.csv'));
  const kind = model.converter.kind;
  const dataset = await buildMusicDataset(path.resolve(dataDir), model.converter, {
    ignoreMeter: kind === 'melody',
    kit: kind === 'drums' && groove ? 'roland-td11' : 'gm',
  });
  const mode: FileLabel = label === 'auto' ? (groove ? 'style' : 'file') : label;
  const rng = createRng(seed);
  const pick = (split: 'validation' | 'train'): { w: Int32Array; file: string }[] =>
    rng.shuffled(dataset.files.filter((f) => f.split === split).flatMap((f) => f.windows.map((w) => ({ w, file: f.file }))));
  const chosen = [...pick('validation'), ...pick('train')].slice(0, n);
  if (chosen.length < 3) throw new InvalidInputError(`${dataDir} has only ${chosen.length} usable 2-bar ${kind} windows.`);
  const validation = Math.min(chosen.length, dataset.counts.validationWindows);
  return {
    windows: chosen.map((c) => c.w),
    labels: chosen.map((c) => labelFromPath(c.file, mode)),
    labelName: mode,
    dataName: `${chosen.length} windows of ${path.basename(path.resolve(dataDir))} (${validation} from validation files${chosen.length > validation ? `, ${chosen.length - validation} from training files` : ''})`,
    notes: [
      ...Object.entries(dataset.counts.skipped).map(([reason, count]) => `${countOf(count, 'file')} skipped: ${reason}.`),
      ...(chosen.length < n ? [`${dataDir} has ${chosen.length} usable windows; all are used.`] : []),
    ],
  };
}

/** A MusicVAE (folder or URL) with `n` windows of `dataDir`, or with the built-in examples when no folder is given. */
export async function loadMusicSide(
  location: string,
  options: { dataDir?: string; n: number; seed: number; label?: FileLabel | 'auto' },
): Promise<LoadedSide<tf.Tensor3D, Int32Array, MusicVAE>> {
  const t0 = performance.now();
  const model = await MusicVAE.load(sourceFor(location));
  try {
    if (options.label && options.label !== 'auto' && !FILE_LABELS.includes(options.label))
      throw new InvalidInputError(`--music-labels must be auto or one of ${FILE_LABELS.join(', ')}.`);
    const data = options.dataDir
      ? await folderWindowSet(model, options.dataDir, options.n, options.seed, options.label ?? 'auto')
      : exampleWindowSet(model.converter);
    const domain = musicCompareDomain(model, data);
    return {
      name: model.converter.kind,
      model,
      domain,
      description: {
        name: model.name,
        description: `MusicVAE (${model.converter.type}, encoder ${model.sizes.encoderUnits}, decoder ${model.sizes.decoderUnits.join('×')})`,
      },
      notes: data.notes,
      loadSeconds: (performance.now() - t0) / 1000,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The timbre model in `dir` with the shipped set of notes (every GM program at C4, models/timbre/set), as the Compare lab's timbre side. */
export async function loadTimbreSide(dir: string, setDir = path.join('models', 'timbre', 'set')): Promise<LoadedSide<tf.Tensor2D, Float32Array, TimbreModel>> {
  const t0 = performance.now();
  const model = await TimbreModel.load(fsSource(dir));
  try {
    const set = timbreSetSchema.parse(JSON.parse(await readFile(path.join(setDir, TIMBRE_SET_FILES.index), 'utf8')));
    const bytes = await readFile(path.join(setDir, TIMBRE_SET_FILES.audio));
    const notes = decodeTimbreSet(set, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const domain = shippedSetCompareDomain(model, set, notes);
    return {
      name: 'timbre',
      model,
      domain,
      description: { name: model.name, description: `timbre VAE (DDSP-style decoder, ${model.zDims}-D code)` },
      notes: [],
      loadSeconds: (performance.now() - t0) / 1000,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

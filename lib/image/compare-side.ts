/**
 * The image domain's Compare side in the model worker: loads an image model (shipped, saved in this
 * browser, or the four downloaded files) and MNIST's test split, and hands lib/compare the model, the
 * adapter (./compare-domain) and how to show digits.
 */
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors';
import type { LatentModel } from '../core/latent-model';
import type { CompareSideLoader, LoadedSide } from '../domains/types';
import type { CompareDomain } from '../latent/compare/domain';
import { imageCompareDomain } from './compare-domain';
import { imageCompareModelSchema } from './compare-model';
import { imagesAndLabels, parseIdx } from './idx';
import type { ImageSet } from './mnist';
import { IMAGE_MODEL_IDS, IMAGE_PIXELS, IMAGE_SIZE, isImageModelId } from './specs';
import { loadModel } from './worker-load';

/** The four files of a downloaded model, when the column's model is "files". */
const filesSchema = z.object({ encoder: z.array(z.instanceof(File)).length(2), decoder: z.array(z.instanceof(File)).length(2) });

let testDigits: Promise<ImageSet> | undefined;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new InvalidInputError(`Could not download ${url}: HTTP ${response.status}.`);
  return new Uint8Array(await response.arrayBuffer());
}

/** MNIST's test split (2,000 digits), fetched once per worker. */
function mnistTest(): Promise<ImageSet> {
  testDigits ??= (async () => {
    const [images, labels] = await Promise.all(
      ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(async (f) => parseIdx(await fetchBytes(`/data/mnist/${f}.gz`), { name: f })),
    );
    if (!images || !labels) throw new InvalidInputError('The MNIST test files did not load.');
    return imagesAndLabels(images, labels, { imagesName: 't10k-images-idx3-ubyte', labelsName: 't10k-labels-idx1-ubyte' });
  })();
  testDigits.catch(() => {
    testDigits = undefined;
  });
  return testDigits;
}

/** Digits as the page shows them: pixels of `IMAGE_SIZE`² each. */
function imageDisplay(items: readonly ArrayLike<number>[]): { kind: 'image'; pixels: Float32Array; count: number; width: number; height: number } {
  const pixels = new Float32Array(items.length * IMAGE_PIXELS);
  items.forEach((it, i) => pixels.set(it, i * IMAGE_PIXELS));
  return { kind: 'image', pixels, count: items.length, width: IMAGE_SIZE, height: IMAGE_SIZE };
}

export const imageCompareSide: CompareSideLoader = {
  async load(params, progress): Promise<LoadedSide<unknown>> {
    const value = imageCompareModelSchema.parse(params.model);
    let source: Parameters<typeof loadModel>[0];
    if (value === 'files') {
      const files = filesSchema.safeParse(params.extra);
      if (!files.success) throw new InvalidInputError('Choose the four files of a downloaded image model (encoder and decoder, .json and .bin each).');
      source = { kind: 'files', ...files.data };
    } else if (value.startsWith('saved:')) source = { kind: 'saved', name: value.slice('saved:'.length) };
    else if (isImageModelId(value)) source = { kind: 'shipped', id: value };
    else throw new InvalidInputError(`There is no shipped image model "${value}"; the shipped ones are ${IMAGE_MODEL_IDS.join(', ')}.`);
    progress({ phase: 'load', label: 'Loading the digits and the model', done: 0, total: 2 });
    const digits = await mnistTest();
    progress({ phase: 'load', label: 'Loading the digits and the model', done: 1, total: 2 });
    const { model, label } = await loadModel(source);
    try {
      const n = Math.min(params.count, digits.count);
      const domain = imageCompareDomain(model, digits, {
        count: n,
        dataName: `MNIST test split (${n === digits.count ? 'all' : `the first ${n} of`} ${digits.count.toLocaleString('en')} digits)`,
      });
      return {
        model: model as LatentModel<tf.Tensor>,
        domain: domain as unknown as CompareDomain<tf.Tensor, unknown>,
        display: (items) => imageDisplay(items as ArrayLike<number>[]),
        source: label,
        notes: params.count > digits.count ? [`The test split has ${digits.count} digits; all are used.`] : [],
        description: { name: model.spec.id, description: model.spec.title },
      };
    } catch (error) {
      model.dispose();
      throw error;
    }
  },
};

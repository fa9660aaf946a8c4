/**
 * Everything the image lab's views ask of a model, as plain typed arrays in and out, so the Web
 * Worker only routes messages and every view's math is unit-tested in Node.
 *
 * Images are 28×28 values in 0..1 (model inputs may be 14×14 / 7×7), row-major, batches concatenated.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import type { InterpolationMode } from '../core/latent-model';
import { createRng } from '../core/random';
import { squareCodeGrid } from '../latent/grid';
import { fitPca, pca2, pcaReconstruct, umap2, type PcaBasis, type Projection } from '../latent/project';
import { meanOfPsnrs, psnrPerImage } from './psnr';
import { drawingToDigit } from './draw';
import type { ImageAutoencoder } from './image-model';
import type { ImageSet, ImageSplit } from './mnist';
import { IMAGE_PIXELS } from './specs';
import { imagesTensor } from './tensors';

export type ProjectionMethod = 'pca' | 'umap';

export interface Reconstructions {
  indices: number[];
  labels: number[];
  clean: Float32Array;
  /** Model inputs (noisy or small), `inputSize²` values each; null when the model sees the clean digit. */
  corrupted: Float32Array | null;
  inputSize: number;
  outputs: Float32Array;
  psnr: number[];
  /** PSNR of the corrupted input (small ones upsampled nearest) against the clean digit. */
  inputPsnr: number[] | null;
}

export interface Scatter {
  /** `[x0, y0, …]` for the test digits (first `count`). */
  points: Float32Array;
  labels: Uint8Array;
  count: number;
  /** What the axes are: the code itself (2-D), PCA or UMAP of the code. */
  method: 'code' | ProjectionMethod;
}

export interface BaselineRow {
  mse: number;
  bce: number;
  psnr: number;
}

const MAX_BATCH = 2000;

function checkCount(name: string, n: number, min: number, max: number): void {
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidInputError(`${name} must be a whole number from ${min} to ${max}; got ${n}.`);
}

async function toArray(t: tf.Tensor): Promise<Float32Array> {
  const data = await t.data();
  t.dispose();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

export class ImageLab {
  private current: ImageAutoencoder | undefined;
  private codes: { values: Float32Array; count: number; dims: number } | undefined;
  private projection: { key: string; projection: Projection; method: Scatter['method'] } | undefined;
  private pcaBasis: PcaBasis | undefined;

  constructor(readonly data: ImageSplit) {}

  get model(): ImageAutoencoder {
    if (!this.current || this.current.isDisposed) throw new InvalidInputError('No image model is loaded yet.');
    return this.current;
  }

  get hasModel(): boolean {
    return this.current !== undefined && !this.current.isDisposed;
  }

  /** Uses `model` from now on (disposing the previous one unless it is the same). */
  setModel(model: ImageAutoencoder): void {
    if (this.current !== model) this.current?.dispose();
    this.current = model;
    this.weightsChanged();
  }

  /** Call after training changed the weights: cached codes and projections are stale. */
  weightsChanged(): void {
    this.codes = undefined;
    this.projection = undefined;
  }

  private checkIndex(i: number, set: ImageSet = this.data.test): void {
    checkCount('A digit index', i, 0, set.count - 1);
  }

  async reconstructions(indices: number[], seed: number, sigma?: number): Promise<Reconstructions> {
    checkCount('The number of digits', indices.length, 1, 64);
    indices.forEach((i) => this.checkIndex(i));
    const model = this.model;
    const test = this.data.test;
    const clean = imagesTensor(test, indices);
    const input = model.corrupt(clean, seed, { sigma });
    const z = await model.encode(input);
    const out = await model.decode(z);
    const inputFull = model.spec.corruption.kind === 'downsample' ? tf.image.resizeNearestNeighbor(input, [28, 28]) : undefined;
    const cleanArr = await toArray(clean);
    const outputs = await toArray(out);
    const corrupted = model.spec.corruption.kind === 'none' ? null : await toArray(input.clone());
    const fullArr = inputFull ? await toArray(inputFull) : corrupted;
    tf.dispose([input, z]);
    return {
      indices,
      labels: indices.map((i) => test.labels[i] ?? 0),
      clean: cleanArr,
      corrupted,
      inputSize: model.spec.inputSize,
      outputs,
      psnr: Array.from(psnrPerImage(cleanArr, outputs, IMAGE_PIXELS)),
      inputPsnr: fullArr ? Array.from(psnrPerImage(cleanArr, fullArr, IMAGE_PIXELS)) : null,
    };
  }

  /** Codes of the first `count` test digits (cached until the weights change). */
  async testCodes(count = this.data.test.count): Promise<{ values: Float32Array; count: number; dims: number }> {
    checkCount('The number of digits', count, 1, this.data.test.count);
    if (this.codes && this.codes.count >= count) return { ...this.codes, values: this.codes.values.subarray(0, count * this.codes.dims), count };
    const model = this.model;
    const values = new Float32Array(count * model.zDims);
    for (let start = 0; start < count; start += 500) {
      const idx = Array.from({ length: Math.min(500, count - start) }, (_, i) => start + i);
      const x = imagesTensor(this.data.test, idx);
      const input = model.corrupt(x, 1000 + start);
      const z = await model.encode(input);
      values.set(await toArray(z), start * model.zDims);
      tf.dispose([x, input]);
    }
    this.codes = { values, count, dims: model.zDims };
    return this.codes;
  }

  /** The test digits' codes in 2-D: as they are (2-D codes) or projected. */
  async scatter(method: ProjectionMethod, options: { count?: number; seed?: number; signal?: AbortSignal; onProgress?: (f: number) => void } = {}): Promise<Scatter> {
    const codes = await this.testCodes(options.count ?? this.data.test.count);
    const key = `${method}:${codes.count}:${options.seed ?? 1}`;
    if (!this.projection || this.projection.key !== key) {
      const rows = { values: codes.values, count: codes.count, dims: codes.dims };
      const projection = codes.dims <= 2 || method === 'pca' ? pca2(rows) : await umap2(rows, { seed: options.seed ?? 1, signal: options.signal, onProgress: options.onProgress });
      this.projection = { key, projection, method: codes.dims <= 2 ? 'code' : method };
    }
    return { points: this.projection.projection.points, labels: this.data.test.labels.slice(0, codes.count), count: codes.count, method: this.projection.method };
  }

  /** Decodes an n×n grid of 2-D codes over [-range, range]² (top row = highest y). */
  async manifold(n: number, range: number): Promise<Float32Array> {
    checkCount('The grid size', n, 2, 30);
    if (!Number.isFinite(range) || range <= 0 || range > 10) throw new InvalidInputError(`The range must be from 0 to 10; got ${range}.`);
    const model = this.model;
    if (model.zDims !== 2) throw new InvalidInputError(`The manifold grid needs a model with a 2-D code; "${model.name}" has ${model.zDims}.`);
    return this.decodeCodes(squareCodeGrid(n, range), n * n);
  }

  async decodeCodes(codes: Float32Array, count: number): Promise<Float32Array> {
    checkCount('The number of codes', count, 1, MAX_BATCH);
    const model = this.model;
    if (codes.length !== count * model.zDims || !codes.every(Number.isFinite)) {
      throw new InvalidInputError(`Expected ${count} finite codes of ${model.zDims} numbers; got ${codes.length} values.`);
    }
    const z = tf.tensor2d(codes, [count, model.zDims]);
    try {
      return await toArray(await model.decode(z));
    } finally {
      z.dispose();
    }
  }

  /** New digits from standard-normal codes (seeded). */
  async generate(n: number, seed: number): Promise<Float32Array> {
    checkCount('The number of digits', n, 1, 256);
    return toArray(await this.model.sample(n, { seed }));
  }

  /** The lesson's task: encode a test digit, add Gaussian noise σ to its code `n` times, decode. */
  async latentNoise(index: number, sigma: number, n: number, seed: number): Promise<Float32Array> {
    this.checkIndex(index);
    checkCount('The number of variations', n, 1, 64);
    if (!Number.isFinite(sigma) || sigma < 0 || sigma > 10) throw new InvalidInputError(`The latent noise σ must be from 0 to 10; got ${sigma}.`);
    const codes = await this.testCodes(Math.max(index + 1, Math.min(this.data.test.count, 1)));
    const dims = codes.dims;
    const base = codes.values.subarray(index * dims, (index + 1) * dims);
    const rng = createRng(seed);
    const out = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) out[i * dims + j] = (base[j] ?? 0) + sigma * rng.normal();
    return this.decodeCodes(out, n);
  }

  /** `steps` images morphing from test digit `a` to test digit `b`. */
  async interpolate(a: number, b: number, steps: number, mode: InterpolationMode): Promise<Float32Array> {
    this.checkIndex(a);
    this.checkIndex(b);
    checkCount('The number of steps', steps, 2, 32);
    const model = this.model;
    const clean = imagesTensor(this.data.test, [a, b]);
    const input = model.corrupt(clean, 3);
    const [ia, ib] = tf.split(input, 2);
    try {
      if (!ia || !ib) throw new Error('split failed');
      return await toArray(await model.interpolate(ia as tf.Tensor4D, ib as tf.Tensor4D, steps, mode));
    } finally {
      tf.dispose([clean, input, ia, ib]);
    }
  }

  /**
   * A drawing (any size, ink 0..1): the digit as MNIST would store it, its reconstruction, its
   * code, and where it lands on the current scatter (if one was computed).
   */
  async drawn(ink: Float32Array, width: number, height: number): Promise<{ digit: Float32Array; output: Float32Array; code: Float32Array; point: [number, number] | null }> {
    const digit = drawingToDigit(ink, width, height);
    const model = this.model;
    const clean = tf.tensor4d(digit, [1, 28, 28, 1]);
    const input = model.corrupt(clean, 5);
    const z = await model.encode(input);
    const code = await toArray(z.clone());
    const output = await toArray(await model.decode(z));
    tf.dispose([clean, input, z]);
    let point: [number, number] | null = null;
    if (this.projection) {
      const p = this.projection.projection.project({ values: code, count: 1, dims: code.length });
      point = [p[0] ?? 0, p[1] ?? 0];
    }
    return { digit, output, code, point };
  }

  /**
   * PCA with as many components as the model's code (fitted on the training digits) against the
   * model, on the first `count` test digits: mean MSE, BCE and PSNR of each reconstruction.
   */
  async pcaBaseline(count = 500): Promise<{ k: number; explained: number; pca: BaselineRow; model: BaselineRow; pcaImages: Float32Array; modelImages: Float32Array; clean: Float32Array }> {
    checkCount('The number of digits', count, 1, this.data.test.count);
    const model = this.model;
    const k = Math.min(model.zDims, IMAGE_PIXELS);
    if (!this.pcaBasis || this.pcaBasis.k !== k) {
      this.pcaBasis = fitPca({ values: this.data.train.images, count: this.data.train.count, dims: IMAGE_PIXELS }, k);
    }
    const idx = Array.from({ length: count }, (_, i) => i);
    const clean = imagesTensor(this.data.test, idx);
    const cleanArr = await toArray(clean.clone());
    const input = model.corrupt(clean, 11);
    const z = await model.encode(input);
    const modelImages = await toArray(await model.decode(z));
    // The denoiser's baseline is PCA denoising: project the noisy digits on the components.
    const pcaInput = model.spec.corruption.kind === 'noise' ? await toArray(input.clone()) : cleanArr;
    tf.dispose([clean, input, z]);
    const pcaImages = pcaReconstruct(this.pcaBasis, { values: pcaInput, count, dims: IMAGE_PIXELS }).map((v) => Math.min(1, Math.max(0, v)));
    const row = (images: Float32Array): BaselineRow => {
      let mse = 0;
      let bce = 0;
      images.forEach((p, i) => {
        const t = cleanArr[i] ?? 0;
        const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
        mse += (p - t) ** 2;
        bce -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
      });
      const psnrs = psnrPerImage(cleanArr, images, IMAGE_PIXELS);
      return { mse: mse / images.length, bce: bce / images.length, psnr: meanOfPsnrs(psnrs) };
    };
    return { k, explained: this.pcaBasis.explained, pca: row(pcaImages), model: row(modelImages), pcaImages: pcaImages.subarray(0, 8 * IMAGE_PIXELS), modelImages: modelImages.subarray(0, 8 * IMAGE_PIXELS), clean: cleanArr.subarray(0, 8 * IMAGE_PIXELS) };
  }

  dispose(): void {
    this.current?.dispose();
    this.current = undefined;
    this.weightsChanged();
  }
}

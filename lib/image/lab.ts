/**
 * Everything the image lab's views ask of a model, as plain typed arrays in and out, so the Web
 * Worker only routes messages and every view's math is unit-tested in Node.
 *
 * Images are 28×28 values in 0..1 (model inputs may be 14×14 / 7×7), row-major, batches concatenated.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, InvalidInputError } from '../core/errors';
import type { InterpolationMode } from '../core/latent-model';
import { createRng, deriveSeed } from '../core/random';
import { squareCodeGrid } from '../latent/grid';
import { componentCount, explainedShare, principalComponents, reconstructFromComponents, type PrincipalComponents } from '../latent/projection/pca';
import { pca2, umap2, type Projection } from '../latent/projection/project';
import { bottleneckOf, type BaselineKind } from './bottleneck';
import { blockUpsampleTensor } from './corrupt';
import { drawingToDigit } from './draw';
import type { ImageAutoencoder } from './image-model';
import type { ImageSet, ImageSplit } from './mnist';
import { meanOfPsnrs, psnrPerImage } from './psnr';
import { upsample } from './resample';
import { IMAGE_PIXELS, type DownsampleKernel } from './specs';
import { imagesTensor, toFloat32 } from './tensors';

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
  /** What made these images, e.g. "PCA, 32 components" or the model's title. */
  label: string;
  /** `pca`, `model`, the corrupted `input` itself, or a classical enlarging (`bilinear`, `bicubic`). */
  role: 'pca' | 'model' | 'input' | 'bilinear' | 'bicubic';
  mse: number;
  bce: number;
  psnr: number;
  /** The first few images (up to 8), for the view. */
  images: Float32Array;
}

export interface Baseline {
  kind: BaselineKind;
  /** PCA components kept. */
  k: number;
  /** Fraction of the training digits' variance the k components keep. */
  explained: number;
  /** Why this k, in plain words. */
  explanation: string;
  rows: BaselineRow[];
  /** The clean test digits the first images show. */
  clean: Float32Array;
}

/** Progress of long work: a label, and the fraction done when it can be counted. */
export type LabProgress = (label: string, fraction?: number) => void;

export interface LongWork {
  signal?: AbortSignal;
  onProgress?: LabProgress;
}

const MAX_BATCH = 2000;

function checkCount(name: string, n: number, min: number, max: number): void {
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidInputError(`${name} must be a whole number from ${min} to ${max}; got ${n}.`);
}

const toArray = toFloat32;
/** Digits per encoder call when encoding a whole set. */
const ENCODE_BATCH = 250;
/** Digits the denoiser's PCA picks its number of components on. */
const DENOISE_CHOICE_DIGITS = 500;
/**
 * The most components the denoiser's PCA baseline looks among for the k that denoises best (its best k
 * is far below: noise lives in the small components).
 */
const DENOISE_MAX_COMPONENTS = 128;

export class ImageLab {
  private current: ImageAutoencoder | undefined;
  private codes: { values: Float32Array; count: number; dims: number } | undefined;
  private projection: { key: string; projection: Projection; method: Scatter['method'] } | undefined;
  /** PCA of the training digits with every component (cut to fewer for each baseline). */
  private pcaBasis: PrincipalComponents | undefined;

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

  /**
   * Test digits, the model's input made from them (the denoiser's with noise `sigma`; the
   * super-resolution models' shrunk with `kernel`), and the model's output, with PSNRs.
   */
  async reconstructions(indices: number[], seed: number, options: { sigma?: number; kernel?: DownsampleKernel } = {}): Promise<Reconstructions> {
    checkCount('The number of digits', indices.length, 1, 64);
    indices.forEach((i) => this.checkIndex(i));
    const model = this.model;
    const test = this.data.test;
    const clean = imagesTensor(test, indices);
    const input = model.corrupt(clean, seed, options);
    const z = await model.encode(input);
    const out = await model.decode(z);
    const inputFull = model.spec.corruption.kind === 'downsample' ? blockUpsampleTensor(input) : undefined;
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

  /** Codes of the first `count` test digits (cached until the weights change); reports digits encoded. */
  async testCodes(count = this.data.test.count, work: LongWork = {}): Promise<{ values: Float32Array; count: number; dims: number }> {
    checkCount('The number of digits', count, 1, this.data.test.count);
    if (this.codes && this.codes.count >= count) return { ...this.codes, values: this.codes.values.subarray(0, count * this.codes.dims), count };
    const model = this.model;
    const values = new Float32Array(count * model.zDims);
    for (let start = 0; start < count; start += ENCODE_BATCH) {
      if (work.signal?.aborted) throw new CancelledError('Encoding the test digits');
      work.onProgress?.(`Encoding the test digits (${start.toLocaleString('en')} of ${count.toLocaleString('en')})`, start / count);
      const idx = Array.from({ length: Math.min(ENCODE_BATCH, count - start) }, (_, i) => start + i);
      const x = imagesTensor(this.data.test, idx);
      const input = model.corrupt(x, deriveSeed(1000, 'codes', start));
      const z = await model.encode(input);
      values.set(await toArray(z), start * model.zDims);
      tf.dispose([x, input]);
    }
    this.codes = { values, count, dims: model.zDims };
    return this.codes;
  }

  /**
   * The test digits' codes in 2-D: as they are (2-D codes) or projected. Reports its phases:
   * encoding (counted), PCA and UMAP's neighbour search (not countable), UMAP's layout (counted).
   */
  async scatter(method: ProjectionMethod, options: { count?: number; seed?: number } & LongWork = {}): Promise<Scatter> {
    const codes = await this.testCodes(options.count ?? this.data.test.count, options);
    const key = `${method}:${codes.count}:${options.seed ?? 1}`;
    if (!this.projection || this.projection.key !== key) {
      const rows = { values: codes.values, count: codes.count, dims: codes.dims };
      let projection: Projection;
      if (codes.dims <= 2 || method === 'pca') {
        if (codes.dims > 2) options.onProgress?.(`PCA of ${codes.count.toLocaleString('en')} codes of ${codes.dims.toLocaleString('en')} numbers`);
        projection = await pca2(rows);
      } else {
        options.onProgress?.(`UMAP: finding each code's neighbours (${codes.dims.toLocaleString('en')} numbers per code)`);
        projection = await umap2(rows, { seed: options.seed ?? 1, signal: options.signal, onProgress: (f) => options.onProgress?.('UMAP layout', f) });
      }
      this.projection = { key, projection, method: codes.dims <= 2 ? 'code' : method };
    }
    return {
      points: this.projection.projection.points,
      labels: this.data.test.labels.slice(0, codes.count),
      count: codes.count,
      method: this.projection.method,
    };
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
  async drawn(
    ink: Float32Array,
    width: number,
    height: number,
  ): Promise<{ digit: Float32Array; output: Float32Array; code: Float32Array; point: [number, number] | null }> {
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
   * PCA of all training digits with at least `k` components (fitted when first needed, with progress;
   * kept per data set and fitted again only when a model needs more components).
   */
  private async trainingPca(k: number, work: LongWork): Promise<PrincipalComponents> {
    if (!this.pcaBasis || componentCount(this.pcaBasis) < k) {
      const train = this.data.train;
      const label = `Fitting PCA on ${train.count.toLocaleString('en')} training digits`;
      work.onProgress?.(label, 0);
      this.pcaBasis = await principalComponents(train.images, train.count, IMAGE_PIXELS, Math.min(k, IMAGE_PIXELS), {
        signal: work.signal,
        onProgress: (fraction) => work.onProgress?.(label, fraction),
      });
    }
    return this.pcaBasis;
  }

  /**
   * The PCA baseline on the first `count` test digits, at the model's real bottleneck (see
   * `bottleneck.ts`): mean MSE, BCE and PSNR of the PCA reconstruction and of the model's (and for
   * super-resolution of bilinear and bicubic enlarging; for the denoiser of its noisy input).
   */
  async baseline(count = 500, work: LongWork = {}): Promise<Baseline> {
    checkCount('The number of digits', count, 1, this.data.test.count);
    const model = this.model;
    const spec = model.spec;
    const plan = bottleneckOf(spec);
    const full = await this.trainingPca(plan.kind === 'none' ? DENOISE_MAX_COMPONENTS : Math.min(plan.numbers, IMAGE_PIXELS), work);
    work.onProgress?.('Comparing on the test digits');
    const idx = Array.from({ length: count }, (_, i) => i);
    const clean = imagesTensor(this.data.test, idx);
    const cleanArr = await toArray(clean.clone());
    const input = model.corrupt(clean, deriveSeed(11, 'baseline'));
    const z = await model.encode(input);
    const modelImages = await toArray(await model.decode(z));
    const inputArr = spec.corruption.kind === 'none' ? cleanArr : await toArray(input.clone());
    tf.dispose([clean, input, z]);
    let k: number;
    if (plan.kind === 'none') k = await this.bestDenoisingK(full, spec.corruption.kind === 'noise' ? spec.corruption.sigma : 0);
    else k = Math.min(plan.numbers, componentCount(full));
    // The denoiser's baseline is PCA denoising: project the noisy digits on the components.
    const pcaImages = clip01(reconstructFromComponents(full, spec.corruption.kind === 'noise' ? inputArr : cleanArr, count, k));
    const row = (label: string, role: BaselineRow['role'], images: Float32Array): BaselineRow => {
      let mse = 0;
      let bce = 0;
      images.forEach((p, i) => {
        const t = cleanArr[i] ?? 0;
        const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
        mse += (p - t) ** 2;
        bce -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
      });
      return {
        label,
        role,
        mse: mse / images.length,
        bce: bce / images.length,
        psnr: meanOfPsnrs(psnrPerImage(cleanArr, images, IMAGE_PIXELS)),
        images: images.slice(0, 8 * IMAGE_PIXELS),
      };
    };
    const rows: BaselineRow[] = [row(`PCA, ${k} component${k === 1 ? '' : 's'}`, 'pca', pcaImages), row(spec.title, 'model', modelImages)];
    if (spec.corruption.kind === 'noise') rows.push(row(`the noisy input (σ = ${spec.corruption.sigma})`, 'input', inputArr));
    if (spec.corruption.kind === 'downsample') {
      for (const kernel of ['bilinear', 'bicubic'] as const)
        rows.push(
          row(
            `${kernel} enlarging of the ${spec.inputSize}×${spec.inputSize} input`,
            kernel,
            upsample(inputArr, spec.inputSize, spec.corruption.factor, kernel),
          ),
        );
    }
    const explanation = plan.kind === 'none' ? `${plan.explanation} Here that is ${k} components.` : plan.explanation;
    return { kind: plan.kind, k, explained: explainedShare(full, k), explanation, rows, clean: cleanArr.slice(0, 8 * IMAGE_PIXELS) };
  }

  /**
   * The number of components with the least error when PCA "denoises" noisy training digits (noise
   * σ, seeded): project on the first k components and compare with the clean digit, for every k at
   * once (the components are orthonormal, so the error for each k is a running sum).
   */
  private async bestDenoisingK(basis: PrincipalComponents, sigma: number): Promise<number> {
    const train = this.data.train;
    const n = Math.min(DENOISE_CHOICE_DIGITS, train.count);
    const dims = basis.dims;
    const rng = createRng(deriveSeed(5, 'pca-denoise'));
    const k = componentCount(basis);
    const noisy = new Float32Array(n * dims);
    const target = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) {
      // Digits spread over the training set, not only its first ones.
      const d = Math.floor((i * train.count) / n);
      for (let j = 0; j < dims; j++) {
        const x = train.images[d * dims + j] ?? 0;
        const m = basis.mean[j] ?? 0;
        noisy[i * dims + j] = Math.min(1, Math.max(0, x + sigma * rng.normal())) - m;
        target[i * dims + j] = x - m;
      }
    }
    // Every digit's coordinates along every component at once: a = noisy·Vᵀ, b = target·Vᵀ ([n, k]).
    // ‖t − Σ_{c<K} a_c·v_c‖² = ‖t‖² − Σ_{c<K} (2·a_c·b_c − a_c²): the error for every K is a running sum.
    const perComponent = tf.tidy(() => {
      const v = tf.tensor2d(basis.components, [k, dims]);
      const a = tf.matMul(tf.tensor2d(noisy, [n, dims]), v, false, true);
      const b = tf.matMul(tf.tensor2d(target, [n, dims]), v, false, true);
      return tf.sum(tf.sub(tf.square(a), tf.mul(tf.mul(a, b), 2)), 0);
    });
    const drop = await perComponent.data();
    perComponent.dispose();
    let total = target.reduce((sum, t) => sum + t * t, 0);
    let best = 1;
    let bestError = Infinity;
    for (let c = 0; c < k; c++) {
      total += drop[c] ?? 0;
      if (total < bestError) {
        bestError = total;
        best = c + 1;
      }
    }
    return best;
  }

  dispose(): void {
    this.pcaBasis = undefined;
    this.current?.dispose();
    this.current = undefined;
    this.weightsChanged();
  }
}

function clip01(values: Float32Array): Float32Array {
  return values.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v));
}

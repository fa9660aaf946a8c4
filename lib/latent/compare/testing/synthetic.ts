/**
 * Tiny synthetic models and data sets whose analyses have known answers, for the Compare tests:
 * items are plain vectors, the encoder is a fixed matrix (with a fixed σ per unit, or none), the
 * decoder is linear (or a step function), and the distance is Euclidean.
 */
import * as tf from '@tensorflow/tfjs';
import type { DecodeOptions } from '../../../core/latent-model';
import { createRng } from '../../../core/random';
import { LatentModelBase } from '../../base-model';
import type { CompareDomain } from '../domain';
import type { AttributeGroups } from '../report';

export interface SyntheticSpec {
  /** Encoder matrix `[inputDims][zDims]`: μ = x · E. */
  encoder: number[][];
  /** Decoder matrix `[zDims][inputDims]`: x̂ = z · W (linear), or a step of it. */
  decoder: number[][];
  /** log σ² per unit (same for every item), or undefined for a model without σ. */
  logVar?: number[];
  /** Decode to 1 where z · W > 0, else 0 (a decoder that jumps). */
  step?: boolean;
}

/** μ = x·E, x̂ = z·W: every answer can be worked out by hand. */
export class SyntheticModel extends LatentModelBase<tf.Tensor2D> {
  readonly name = 'synthetic';
  readonly zDims: number;
  readonly inputDims: number;
  private readonly e: tf.Tensor2D;
  private readonly w: tf.Tensor2D;

  constructor(readonly spec: SyntheticSpec) {
    super();
    this.inputDims = spec.encoder.length;
    this.zDims = spec.encoder[0]?.length ?? 0;
    this.e = tf.tensor2d(spec.encoder);
    this.w = tf.tensor2d(spec.decoder);
  }

  protected async encodeBatch(x: tf.Tensor2D): Promise<tf.Tensor2D> {
    return tf.tidy(() => tf.matMul(x, this.e) as tf.Tensor2D);
  }

  /** μ and the fixed log σ² of every item. Caller disposes. */
  async posterior(x: tf.Tensor2D): Promise<{ mean: tf.Tensor2D; logVar: tf.Tensor2D }> {
    const lv = this.spec.logVar ?? [];
    return tf.tidy(() => {
      const mean = tf.matMul(x, this.e) as tf.Tensor2D;
      return { mean, logVar: tf.tile(tf.tensor2d([lv]), [x.shape[0], 1]) as tf.Tensor2D };
    });
  }

  protected async decodeBatch(z: tf.Tensor2D, _options: DecodeOptions): Promise<tf.Tensor2D> {
    return tf.tidy(() => {
      const out = tf.matMul(z, this.w) as tf.Tensor2D;
      return this.spec.step ? (tf.cast(tf.greater(out, 0), 'float32') as tf.Tensor2D) : out;
    });
  }

  protected disposeWeights(): void {
    tf.dispose([this.e, this.w]);
  }
}

export interface VectorSetSpec {
  items: Float32Array[];
  labels: string[];
  /** Use the model's σ (a variational model) or not (a plain autoencoder). */
  withSigma: boolean;
  defaultGroups?: AttributeGroups;
}

/** A set of vectors with Euclidean distance and one attribute: the sum of the coordinates. */
export function vectorDomain(model: SyntheticModel, spec: VectorSetSpec): CompareDomain<tf.Tensor2D, Float32Array> {
  const dims = model.inputDims;
  return {
    dataName: 'synthetic vectors',
    itemName: 'vector',
    itemsName: 'vectors',
    count: spec.items.length,
    labels: spec.labels,
    labelName: 'class',
    inputTensor: (indices) => {
      const flat = new Float32Array(indices.length * dims);
      indices.forEach((i, r) => flat.set(spec.items[i] ?? new Float32Array(dims), r * dims));
      return tf.tensor2d(flat, [indices.length, dims]);
    },
    ...(spec.withSigma ? { posterior: (x: tf.Tensor2D) => model.posterior(x) } : {}),
    outputItems: async (decoded) => {
      const flat = await decoded.data();
      const n = decoded.shape[0];
      return Array.from({ length: n }, (_, i) => Float32Array.from(flat.subarray(i * dims, (i + 1) * dims)));
    },
    item: (i) => spec.items[i] ?? new Float32Array(dims),
    distance: (a, b) => {
      let s = 0;
      for (let j = 0; j < a.length; j++) s += ((a[j] ?? 0) - (b[j] ?? 0)) ** 2;
      return Math.sqrt(s);
    },
    distanceName: 'Euclidean',
    attributes: [{ id: 'total', name: 'sum of coordinates', measure: (x) => x.reduce((s, v) => s + v, 0) }],
    defaultGroups: spec.defaultGroups ?? { kind: 'attribute', id: 'total' },
  };
}

/** `n` random vectors of `dims` standard-normal numbers (seeded), labelled by the sign of their first coordinate. */
export function randomVectors(n: number, dims: number, seed: number): { items: Float32Array[]; labels: string[] } {
  const rng = createRng(seed);
  const items = Array.from({ length: n }, () => rng.normalArray(dims));
  return { items, labels: items.map((x) => ((x[0] ?? 0) > 0 ? 'pos' : 'neg')) };
}

/** The identity matrix of size n. */
export function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

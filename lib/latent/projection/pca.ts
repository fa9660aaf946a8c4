/**
 * Principal components — the one PCA of Latent Lab (the Compare lab's maps, the labs' scatter
 * plots, the image lab's "PCA at the same code size" baseline) — fast enough for thousands of rows
 * of hundreds of numbers.
 *
 * The covariance matrix C (dims × dims) is one matrix product on the TF.js backend. Small C is
 * decomposed exactly (ml-matrix); larger C by subspace iteration: multiply a block of k + 10
 * vectors by C a few dozen times, re-orthonormalising them, then take the exact eigenvectors of C
 * within that block (Rayleigh–Ritz). The leading components converge first, so the top ones are
 * exact to many digits. (NIPALS, one component after another, took 15 s for 2,000 codes of 128.)
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { CancelledError, InvalidInputError } from '../../core/errors';
import { createRng } from '../../core/random';

export interface PrincipalComponents {
  dims: number;
  /** Mean of the codes. */
  mean: Float32Array;
  /** `k × dims`, row-major, unit rows, by decreasing variance. */
  components: Float32Array;
  /** Variance of the codes along each component (eigenvalues of the covariance). */
  variances: number[];
  /** Total variance of the codes (the covariance's trace). */
  totalVariance: number;
}

/** Eigenvectors (columns) and eigenvalues of a symmetric matrix, by decreasing eigenvalue. */
function symmetricEigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const evd = new EigenvalueDecomposition(new Matrix(m), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const v = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0));
  return { values: order.map((i) => values[i] ?? 0), vectors: order.map((i) => v.getColumn(i)) };
}

/** Orthonormalises the columns of `q` (`rows × cols`, row-major) in place (modified Gram–Schmidt). */
function orthonormalize(q: Float64Array, rows: number, cols: number, rng: () => number): void {
  for (let c = 0; c < cols; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += (q[r * cols + c] ?? 0) * (q[r * cols + p] ?? 0);
      for (let r = 0; r < rows; r++) q[r * cols + c] = (q[r * cols + c] ?? 0) - dot * (q[r * cols + p] ?? 0);
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += (q[r * cols + c] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      // A column collapsed (C has lower rank): restart it at random; it is orthogonalised next time.
      for (let r = 0; r < rows; r++) q[r * cols + c] = rng() - 0.5;
      c--;
      continue;
    }
    for (let r = 0; r < rows; r++) q[r * cols + c] = (q[r * cols + c] ?? 0) / norm;
  }
}

/**
 * The top `k` principal components of `count` codes of `dims` numbers (row-major `values`).
 * Leaves no tensors behind.
 */
export async function principalComponents(
  values: Float32Array,
  count: number,
  dims: number,
  k: number,
  options: { iterations?: number; seed?: number; signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<PrincipalComponents> {
  if (values.length !== count * dims || count < 2)
    throw new InvalidInputError(`PCA needs at least 2 codes of ${dims} numbers; got ${values.length} values for ${count}.`);
  if (!Number.isInteger(k) || k < 1 || k > dims) throw new InvalidInputError(`PCA can keep 1 to ${dims} components; asked for ${k}.`);
  const meanT = tf.tidy(() => tf.mean(tf.tensor2d(values, [count, dims]), 0));
  const covT = tf.tidy(() => {
    const x = tf.sub(tf.tensor2d(values, [count, dims]), meanT);
    return tf.div(tf.matMul(x, x, true, false), count) as tf.Tensor2D;
  });
  try {
    const mean = (await meanT.data()) as Float32Array;
    const cov = await covT.data();
    let totalVariance = 0;
    for (let j = 0; j < dims; j++) totalVariance += cov[j * dims + j] ?? 0;
    const block = Math.min(dims, k + 10);
    let basis: Float64Array; // dims × block, orthonormal columns spanning the leading eigenvectors
    if (block === dims) {
      basis = new Float64Array(dims * dims);
      for (let j = 0; j < dims; j++) basis[j * dims + j] = 1;
    } else {
      const rng = createRng(options.seed ?? 1);
      basis = Float64Array.from(rng.normalArray(dims * block));
      const next = (): number => rng.next();
      orthonormalize(basis, dims, block, next);
      const iterations = options.iterations ?? 24;
      for (let it = 0; it < iterations; it++) {
        if (options.signal?.aborted) throw new CancelledError('Fitting PCA');
        const y = tf.tidy(() => tf.matMul(covT, tf.tensor2d(Float32Array.from(basis), [dims, block])));
        basis = Float64Array.from(await y.data());
        y.dispose();
        orthonormalize(basis, dims, block, next);
        options.onProgress?.((it + 1) / (iterations + 1));
      }
    }
    // Rayleigh–Ritz: B = Qᵀ C Q is small; its eigenvectors rotate Q onto C's eigenvectors.
    const cq = tf.tidy(() => tf.matMul(covT, tf.tensor2d(Float32Array.from(basis), [dims, block])));
    const cqv = await cq.data();
    cq.dispose();
    const b: number[][] = Array.from({ length: block }, (_, r) =>
      Array.from({ length: block }, (_, c) => {
        let s = 0;
        for (let j = 0; j < dims; j++) s += (basis[j * block + r] ?? 0) * (cqv[j * block + c] ?? 0);
        return s;
      }),
    );
    const { values: eig, vectors } = symmetricEigen(b.map((rowV, r) => rowV.map((v, c) => (v + (b[c]?.[r] ?? 0)) / 2)));
    const components = new Float32Array(k * dims);
    for (let c = 0; c < k; c++) {
      const v = vectors[c] ?? [];
      let norm = 0;
      for (let j = 0; j < dims; j++) {
        let s = 0;
        for (let r = 0; r < block; r++) s += (basis[j * block + r] ?? 0) * (v[r] ?? 0);
        components[c * dims + j] = s;
        norm += s * s;
      }
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < dims; j++) components[c * dims + j] = (components[c * dims + j] ?? 0) / norm;
    }
    options.onProgress?.(1);
    return { dims, mean, components, variances: eig.slice(0, k).map((v) => Math.max(0, v)), totalVariance };
  } finally {
    tf.dispose([meanT, covT]);
  }
}

/** How many components `pcs` holds. */
export function componentCount(pcs: PrincipalComponents): number {
  return pcs.components.length / pcs.dims;
}

/** Share of the total variance that the first `k` components keep (NaN when the rows do not vary). */
export function explainedShare(pcs: PrincipalComponents, k = componentCount(pcs)): number {
  const kept = pcs.variances.slice(0, k).reduce((a, b) => a + b, 0);
  return pcs.totalVariance > 0 ? kept / pcs.totalVariance : NaN;
}

/** The rows' coordinates along the first `k` components (default: all): `count × k`, row-major. */
export function projectOnComponents(values: Float32Array, count: number, pcs: PrincipalComponents, k = componentCount(pcs)): Float32Array {
  const { dims, mean, components } = pcs;
  if (values.length !== count * dims)
    throw new InvalidInputError(`The PCA was fitted on ${dims} numbers per row; got ${values.length} values for ${count} rows.`);
  if (!Number.isInteger(k) || k < 1 || k > componentCount(pcs)) throw new InvalidInputError(`This PCA has ${componentCount(pcs)} components; cannot use ${k}.`);
  const out = new Float32Array(count * k);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < dims; j++) s += ((values[i * dims + j] ?? 0) - (mean[j] ?? 0)) * (components[c * dims + j] ?? 0);
      out[i * k + c] = s;
    }
  }
  return out;
}

/** The rows projected on the first `k` components and back: the best rank-k linear reconstruction (`count × dims`). */
export function reconstructFromComponents(pcs: PrincipalComponents, values: Float32Array, count: number, k = componentCount(pcs)): Float32Array {
  const { dims, mean, components } = pcs;
  const coords = projectOnComponents(values, count, pcs, k);
  const out = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) {
    const o = i * dims;
    for (let j = 0; j < dims; j++) out[o + j] = mean[j] ?? 0;
    for (let c = 0; c < k; c++) {
      const a = coords[i * k + c] ?? 0;
      for (let j = 0; j < dims; j++) out[o + j] = (out[o + j] ?? 0) + a * (components[c * dims + j] ?? 0);
    }
  }
  return out;
}

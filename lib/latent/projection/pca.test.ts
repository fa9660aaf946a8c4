import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../../core/memory';
import { createRng } from '../../core/random';
import { PCA } from 'ml-pca';
import { explainedShare, principalComponents, projectOnComponents, reconstructFromComponents } from './pca';

/** `n` codes of `dims` numbers with standard deviations `scales[j]` along a random rotation. */
function anisotropic(n: number, dims: number, scales: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) out[i * dims + j] = (scales[j] ?? 0.1) * rng.normal() + 3;
  return out;
}

describe('principalComponents', () => {
  it('matches an exact eigendecomposition of the covariance (subspace iteration path)', async () => {
    const dims = 40;
    const n = 500;
    const values = anisotropic(n, dims, [5, 3, 2, 1.5, 1.2], 2);
    const before = liveTensorCount();
    const pcs = await principalComponents(values, n, dims, 3);
    expect(liveTensorCount()).toBe(before);
    // Exact: covariance and its eigenvalues with ml-matrix.
    const rows = Array.from({ length: n }, (_, i) => Array.from(values.subarray(i * dims, (i + 1) * dims)));
    const x = new Matrix(rows);
    const mean = x.mean('column');
    const centred = x.subRowVector(mean);
    const cov = centred.transpose().mmul(centred).div(n);
    const exact = new EigenvalueDecomposition(cov, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a);
    pcs.variances.forEach((v, i) => expect(v).toBeCloseTo(exact[i] ?? NaN, 2));
    expect(pcs.totalVariance).toBeCloseTo(
      exact.reduce((a, b) => a + b, 0),
      2,
    );
    // The projection's variance along each axis is that eigenvalue, and the axes are uncorrelated.
    const p = projectOnComponents(values, n, pcs);
    const colVar = (c: number): number => p.filter((_, i) => i % 3 === c).reduce((s, v) => s + v * v, 0) / n;
    expect(colVar(0)).toBeCloseTo(pcs.variances[0] ?? NaN, 2);
    let cross = 0;
    for (let i = 0; i < n; i++) cross += (p[i * 3] ?? 0) * (p[i * 3 + 1] ?? 0);
    expect(Math.abs(cross / n)).toBeLessThan(1e-2);
  });

  it('is exact for small codes and refuses bad sizes', async () => {
    const values = Float32Array.from([1, 0, -1, 0, 3, 0, -3, 0]);
    const pcs = await principalComponents(values, 4, 2, 1);
    expect(pcs.variances[0]).toBeCloseTo(5, 5);
    expect(Math.abs(pcs.components[0] ?? 0)).toBeCloseTo(1, 5);
    await expect(principalComponents(values, 4, 2, 3)).rejects.toThrow(/1 to 2 components/);
  });

  it('reconstructs exactly with all components and approximately with one (the PCA baseline)', async () => {
    const values = anisotropic(40, 10, [5, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05], 3);
    const full = await principalComponents(values, 40, 10, 10);
    const back = reconstructFromComponents(full, values, 40);
    back.forEach((v, i) => expect(v).toBeCloseTo(values[i] ?? NaN, 3));
    expect(explainedShare(full, 1)).toBeGreaterThan(0.98);
    const approx = reconstructFromComponents(full, values, 40, 1);
    const err = approx.reduce((s, v, i) => s + (v - (values[i] ?? 0)) ** 2, 0) / approx.length;
    expect(err).toBeLessThan(0.01);
    expect(() => reconstructFromComponents(full, values, 40, 11)).toThrow(/10 components; cannot use 11/);
  });

  it('finds the same components as ml-pca (up to sign) and the same explained variance, with progress; cancellable', async () => {
    const n = 300;
    const dims = 30;
    const values = anisotropic(n, dims, [4, 2, 1, 0.5], 5);
    const progress: number[] = [];
    const ours = await principalComponents(values, n, dims, 3, { onProgress: (f) => progress.push(f) });
    const reference = new PCA(new Matrix(Array.from({ length: n }, (_, i) => Array.from(values.subarray(i * dims, (i + 1) * dims)))), {
      method: 'covarianceMatrix',
    });
    const vectors = reference.getEigenvectors();
    for (let c = 0; c < 3; c++) {
      const dot = Array.from({ length: dims }, (_, j) => (ours.components[c * dims + j] ?? 0) * vectors.get(j, c)).reduce((a, b) => a + b, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 4);
    }
    expect(explainedShare(ours)).toBeCloseTo(reference.getCumulativeVariance()[2] ?? NaN, 4);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.every((f, i) => f > 0 && f <= 1 && (i === 0 || f > (progress[i - 1] ?? 0)))).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(principalComponents(values, n, dims, 3, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

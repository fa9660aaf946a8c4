import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../../core/memory';
import { createRng } from '../../core/random';
import { principalComponents, projectOnComponents } from './pca';

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
});

/**
 * Grid geometry shared by blend pads and manifold views, without tensors (safe for page code).
 */

/**
 * The row-major index of the cell of a `size`×`size` grid nearest to the point (x, y) of the unit
 * square (x left→right, y top→bottom; values outside [0, 1] are clamped). Cell (0, 0) sits at
 * the top-left corner and cell (size−1, size−1) at the bottom-right, as in `bilinearWeights`.
 */
export function nearestGridCell(size: number, x: number, y: number): number {
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`A blend grid needs a whole size of at least 2; got ${size}.`);
  const clamp = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);
  const col = Math.round(clamp(x) * (size - 1));
  const row = Math.round(clamp(y) * (size - 1));
  return row * size + col;
}

/**
 * The codes of an `n`×`n` grid over [−range, range]², row by row as a picture of the plane: the top
 * row has the highest y, each row runs from the lowest x to the highest. `n` ≥ 2.
 */
export function squareCodeGrid(n: number, range: number): Float32Array {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`A code grid needs a whole size of at least 2; got ${n}.`);
  const codes = new Float32Array(n * n * 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      codes[(r * n + c) * 2] = -range + (2 * range * c) / (n - 1);
      codes[(r * n + c) * 2 + 1] = range - (2 * range * r) / (n - 1);
    }
  }
  return codes;
}

/**
 * Turning a drawing into an MNIST-like digit, the way MNIST itself was made: the ink's bounding box
 * is scaled (keeping its aspect) to fit a 20×20 box, then placed so its centre of mass sits at the
 * centre of the 28×28 image. Pure functions over typed arrays (testable in Node).
 */
import { InvalidInputError } from '../core/errors';
import { IMAGE_SIZE as SIDE } from './specs';

const BOX = 20;

/**
 * @param ink `width × height` values in 0..1 (1 = ink), row-major (e.g. a canvas's alpha / 255).
 * @returns 784 values in 0..1, or all zeros when nothing is drawn.
 */
export function drawingToDigit(ink: Float32Array, width: number, height: number): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 4096 || height > 4096 || ink.length !== width * height) {
    throw new InvalidInputError(`A drawing must be width × height values (up to 4096 × 4096); got ${ink.length} values for ${width} × ${height}.`);
  }
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((ink[y * width + x] ?? 0) > 0.05) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  const out = new Float32Array(SIDE * SIDE);
  if (bottom < 0) return out;
  const boxW = right - left + 1;
  const boxH = bottom - top + 1;
  const scale = BOX / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));
  // Area-average the box into w × h cells.
  const small = new Float32Array(w * h);
  for (let cy = 0; cy < h; cy++) {
    const y0 = top + (cy * boxH) / h;
    const y1 = top + ((cy + 1) * boxH) / h;
    for (let cx = 0; cx < w; cx++) {
      const x0 = left + (cx * boxW) / w;
      const x1 = left + ((cx + 1) * boxW) / w;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const fy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const fx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += (ink[y * width + x] ?? 0) * fx * fy;
          area += fx * fy;
        }
      }
      small[cy * w + cx] = area > 0 ? sum / area : 0;
    }
  }
  // Centre of mass of the small image → centre of the 28×28 frame.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x] ?? 0;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const ox = Math.round(SIDE / 2 - (mass > 0 ? mx / mass : w / 2));
  const oy = Math.round(SIDE / 2 - (mass > 0 ? my / mass : h / 2));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const tx = x + ox;
      const ty = y + oy;
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = Math.min(1, small[y * w + x] ?? 0);
    }
  }
  return out;
}

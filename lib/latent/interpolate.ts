/**
 * Moving around latent space: straight lines (lerp), great circles (slerp), bilinear grids and
 * random normal codes.
 *
 * Why slerp: in a high-dimensional standard normal, almost all codes lie near a sphere of radius
 * √zDims. The midpoint of a straight line between two such codes is closer to the centre, where
 * the decoder has seen few codes; slerp walks along the sphere instead, so every step looks like a
 * typical code. (In 2-D latent spaces the difference is small.)
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import type { InterpolationMode } from '../core/latent-model';
import { createRng } from '../core/random';

/** Largest number of steps/items any latent helper will make at once. */
export const MAX_LATENT_BATCH = 4096;

function checkCount(what: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min || n > MAX_LATENT_BATCH) {
    throw new InvalidInputError(`${what} must be a whole number from ${min} to ${MAX_LATENT_BATCH}; got ${String(n)}.`);
  }
}

/** Evenly spaced fractions 0..1 (both ends included) as plain numbers. */
export function fractions(steps: number): number[] {
  checkCount('steps', steps, 1);
  if (steps === 1) return [0];
  return Array.from({ length: steps }, (_, i) => i / (steps - 1));
}

function asRow(z: tf.Tensor, name: string): tf.Tensor2D {
  if (z.rank === 1) return z.expandDims(0) as tf.Tensor2D;
  if (z.rank === 2 && z.shape[0] === 1) return z as tf.Tensor2D;
  throw new InvalidInputError(`${name} must be one code, shape [zDims] or [1, zDims]; got [${z.shape.join(', ')}].`);
}

/**
 * Codes from `a` to `b` in `steps` steps: `[steps, zDims]`, first row = a, last row = b.
 * `a`, `b`: `[zDims]` or `[1, zDims]`. Caller disposes the result. All math stays on the backend.
 */
export function interpolateCodesTensor(a: tf.Tensor, b: tf.Tensor, steps: number, mode: InterpolationMode = 'lerp'): tf.Tensor2D {
  checkCount('steps', steps, 2);
  return codesAtTensor(a, b, fractions(steps), mode);
}

/**
 * The codes at fractions `ts` (0 = a, 1 = b) of the way from `a` to `b`, by lerp or slerp:
 * `[ts.length, zDims]`. Caller disposes.
 */
export function codesAtTensor(a: tf.Tensor, b: tf.Tensor, ts: readonly number[], mode: InterpolationMode = 'lerp'): tf.Tensor2D {
  checkCount('number of points', ts.length, 1);
  if (ts.some((t) => !Number.isFinite(t))) throw new InvalidInputError('Interpolation fractions must be finite numbers.');
  return tf.tidy(() => {
    const za = asRow(a, 'a');
    const zb = asRow(b, 'b');
    if (za.shape[1] !== zb.shape[1]) {
      throw new InvalidInputError(`Codes a and b must have the same size; got ${za.shape[1]} and ${zb.shape[1]}.`);
    }
    const t = tf.tensor2d(ts as number[], [ts.length, 1]);
    const lerpWeights = (): [tf.Tensor, tf.Tensor] => [tf.sub(1, t), t];
    let wa: tf.Tensor;
    let wb: tf.Tensor;
    if (mode === 'lerp') {
      [wa, wb] = lerpWeights();
    } else {
      // ω = angle between a and b; weights sin((1−t)ω)/sin ω and sin(tω)/sin ω.
      const cos = tf
        .sum(tf.mul(za, zb))
        .div(tf.norm(za).mul(tf.norm(zb)).add(1e-12))
        .clipByValue(-1, 1);
      const omega = tf.acos(cos);
      const sinOmega = tf.sin(omega);
      const nearlyParallel = tf.less(tf.abs(sinOmega), 1e-6);
      const safeSin = tf.where(nearlyParallel, tf.onesLike(sinOmega), sinOmega);
      const [la, lb] = lerpWeights();
      wa = tf.where(nearlyParallel, la, tf.sin(tf.mul(tf.sub(1, t), omega)).div(safeSin));
      wb = tf.where(nearlyParallel, lb, tf.sin(tf.mul(t, omega)).div(safeSin));
    }
    return tf.add(tf.mul(wa, za), tf.mul(wb, zb)) as tf.Tensor2D;
  });
}

/** Bilinear weights of the four corners (top-left, top-right, bottom-left, bottom-right) per cell. */
export function bilinearWeights(rows: number, cols: number): number[][] {
  checkCount('rows', rows, 2);
  checkCount('cols', cols, 2);
  if (rows * cols > MAX_LATENT_BATCH) throw new InvalidInputError(`A ${rows}×${cols} grid is too large (max ${MAX_LATENT_BATCH} cells).`);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const v = r / (rows - 1);
    for (let c = 0; c < cols; c++) {
      const u = c / (cols - 1);
      out.push([(1 - u) * (1 - v), u * (1 - v), (1 - u) * v, u * v]);
    }
  }
  return out;
}

/**
 * A rows×cols grid of codes blending four corner codes `[4, zDims]` (top-left, top-right,
 * bottom-left, bottom-right) bilinearly: `[rows*cols, zDims]`, row-major. Caller disposes.
 */
export function bilinearGridTensor(corners: tf.Tensor2D, rows: number, cols: number): tf.Tensor2D {
  if (corners.rank !== 2 || corners.shape[0] !== 4) {
    throw new InvalidInputError(`corners must have shape [4, zDims]; got [${corners.shape.join(', ')}].`);
  }
  const w = bilinearWeights(rows, cols);
  return tf.tidy(() => tf.matMul(tf.tensor2d(w, [rows * cols, 4]), corners));
}

/**
 * `n` standard-normal codes `[n, zDims]` drawn from a seeded stream, identical on every backend
 * and platform. Caller disposes.
 */
export function randomCodesTensor(n: number, zDims: number, seed: number): tf.Tensor2D {
  checkCount('n', n, 1);
  checkCount('zDims', zDims, 1);
  return tf.tensor2d(createRng(seed).normalArray(n * zDims), [n, zDims]);
}

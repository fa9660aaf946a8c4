/** Image sets as tensors: the bridge from plain typed arrays (`mnist.ts`, `idx.ts`) to the models. */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_PIXELS, IMAGE_SIZE } from './specs';

/** Clean 28×28 digits in 0..1, row-major, `count × 784` values. */
export interface ImageData {
  images: Float32Array;
  count: number;
}

/** Copies the digits at `indices` into a `[n, 28, 28, 1]` tensor. Caller disposes. */
export function imagesTensor(data: ImageData, indices: ArrayLike<number>): tf.Tensor4D {
  const out = new Float32Array(indices.length * IMAGE_PIXELS);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i] ?? 0;
    out.set(data.images.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
  }
  return tf.tensor4d(out, [indices.length, IMAGE_SIZE, IMAGE_SIZE, 1]);
}

/** The whole numbers start, start + 1, …, end − 1. */
export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

/** Reads a tensor back as a Float32Array and disposes it. */
export async function toFloat32(t: tf.Tensor): Promise<Float32Array> {
  try {
    const data = await t.data();
    return data instanceof Float32Array ? data : Float32Array.from(data);
  } finally {
    t.dispose();
  }
}

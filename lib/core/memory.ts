/**
 * Tensor-leak checks. TF.js tensors live outside JavaScript's garbage collector, so every tensor
 * that is not disposed stays in (GPU or WASM) memory until the page closes. These helpers count
 * live tensors around a piece of work and fail loudly when the count grows.
 */
import * as tf from '@tensorflow/tfjs';
import { TensorLeakError } from './errors';

/** Number of tensors currently alive in the active TF.js engine. */
export function liveTensorCount(): number {
  return tf.memory().numTensors;
}

/**
 * Runs `work` (sync or async) and throws {@link TensorLeakError} if more tensors are alive after it
 * than before. Returns whatever `work` returned; it must be plain data, not tensors.
 */
export async function expectNoTensorLeak<T>(label: string, work: () => T | Promise<T>): Promise<T> {
  const before = liveTensorCount();
  const result = await work();
  const leaked = liveTensorCount() - before;
  if (leaked > 0) throw new TensorLeakError(label, leaked);
  return result;
}

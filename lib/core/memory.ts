/**
 * Tensor-leak checks. TF.js tensors live outside JavaScript's garbage collector, so every tensor
 * that is not disposed stays in (GPU or WASM) memory until the page closes. Tests count live
 * tensors around a piece of work and expect the count back where it was.
 */
import * as tf from '@tensorflow/tfjs';

/** Number of tensors currently alive in the active TF.js engine. */
export function liveTensorCount(): number {
  return tf.memory().numTensors;
}

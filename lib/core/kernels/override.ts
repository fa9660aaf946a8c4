/**
 * Replacing a registered TF.js kernel with a wrapper around it, and putting the original back.
 * The wrapper keeps the original's `setupFunc`/`disposeFunc` (WASM kernels bind their C++ entry
 * points in `setupFunc` when the backend starts).
 */
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];

/**
 * Registers `wrap(original)` in place of the kernel. Returns a function that restores the
 * original, or undefined (and changes nothing) if no such kernel is registered.
 */
export function overrideKernel(kernelName: string, backendName: string, wrap: (original: KernelFunc) => KernelFunc): (() => void) | undefined {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) return undefined;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
  return () => {
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(original);
  };
}

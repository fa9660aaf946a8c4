/**
 * TF.js's WASM `BatchMatMul` runs XNNPACK's fast matrix product only for untransposed operands;
 * with `transposeA` or `transposeB` (which every matMul gradient uses) it falls back to a slow loop
 * — 20 ms instead of 0.5 ms for a [64, 1024] × [1024, 256] product here. This wrapper transposes
 * the operand explicitly with WASM's `Transpose` kernel and then calls the fast path.
 */
import * as tf from '@tensorflow/tfjs';
import { overrideKernel } from './override';

interface DisposingBackend {
  disposeData(dataId: tf.DataId): boolean;
}

function hasDisposeData(backend: unknown): backend is DisposingBackend {
  return typeof backend === 'object' && backend !== null && 'disposeData' in backend;
}

let restore: (() => void) | undefined;

/** Installs the wrapper (once). Does nothing if the WASM backend is not registered. */
export function installFastWasmTransposedMatMul(): void {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (restore || !transpose) return;
  restore = overrideKernel('BatchMatMul', 'wasm', (matMul) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const backend = args.backend;
    if ((!transposeA && !transposeB) || !hasDisposeData(backend)) return matMul(args);
    const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1] ?? 0, perm[n - 2] ?? 0];
      return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const ta = transposeA ? swapLast(a) : a;
    const tb = transposeB ? swapLast(b) : b;
    try {
      return matMul({ inputs: { a: ta, b: tb }, backend, attrs: { transposeA: false, transposeB: false } });
    } finally {
      if (ta !== a) backend.disposeData(ta.dataId);
      if (tb !== b) backend.disposeData(tb.dataId);
    }
  });
}

/** Puts TF.js's original kernel back (for tests comparing the two). */
export function uninstallFastWasmTransposedMatMul(): void {
  restore?.();
  restore = undefined;
}

/// <reference lib="webworker" />
/**
 * What the model worker holds in memory: TF.js's tensors, the WASM backend's heap (it grows to the
 * largest working set and never shrinks, so it is the worker's real footprint on WASM) and, where
 * the browser reports it, the worker's JS heap.
 */
import * as tf from '@tensorflow/tfjs';
import type { MemoryInfo } from './protocol';

export async function workerMemory(): Promise<MemoryInfo> {
  const { numTensors, numBytes } = tf.memory();
  let wasmHeapBytes: number | null = null;
  try {
    const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }) : undefined;
    wasmHeapBytes = backend?.wasm?.HEAPU8?.byteLength ?? null;
  } catch {
    wasmHeapBytes = null; // no backend started yet
  }
  const perf = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>; memory?: { usedJSHeapSize: number } };
  let jsHeapBytes: number | null = perf.memory?.usedJSHeapSize ?? null;
  if (jsHeapBytes === null && typeof perf.measureUserAgentSpecificMemory === 'function' && self.crossOriginIsolated) {
    jsHeapBytes = (await perf.measureUserAgentSpecificMemory()).bytes;
  }
  return { tensors: numTensors, tensorBytes: numBytes, wasmHeapBytes, jsHeapBytes, backend: tf.getBackend() };
}

/**
 * Backend selection in the browser (main thread or Web Worker).
 *
 * Candidates: WebGPU only on a real (non-fallback) adapter, WebGL when a context can be created,
 * then WASM and CPU. The WebGPU backend module is imported only when a real adapter exists, so
 * TF.js can never pick a software WebGPU adapter on its own. The wasm binaries are emitted by our
 * own build from node_modules (`new URL(…, import.meta.url)`), never fetched from a CDN.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installFastKernels } from './kernels';
import { chooseBackend, setTfBackend, type BackendChoice, type BackendName } from './backend';

/** What the browser offers for acceleration, for the badge and the "no GPU" notice. */
export interface GpuProbe {
  webgl: { available: boolean; renderer: string | undefined; software: boolean };
  webgpu: { available: boolean; fallback: boolean; description: string | undefined };
}

export interface BrowserBackendResult extends BackendChoice {
  gpu: GpuProbe;
}

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

function navigatorGpu(): GpuLike | undefined {
  const nav: unknown = typeof navigator === 'undefined' ? undefined : navigator;
  if (typeof nav !== 'object' || nav === null || !('gpu' in nav)) return undefined;
  const gpu: unknown = (nav as { gpu: unknown }).gpu;
  if (typeof gpu !== 'object' || gpu === null || !('requestAdapter' in gpu)) return undefined;
  return gpu as GpuLike;
}

function probeWebgl(): GpuProbe['webgl'] {
  try {
    const canvas: OffscreenCanvas | HTMLCanvasElement = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return { available: false, renderer: undefined, software: false };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, renderer, software: SOFTWARE_RENDERER.test(renderer) };
  } catch {
    return { available: false, renderer: undefined, software: false };
  }
}

async function probeWebgpu(): Promise<GpuProbe['webgpu']> {
  const gpu = navigatorGpu();
  if (!gpu) return { available: false, fallback: false, description: undefined };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { available: false, fallback: false, description: undefined };
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || undefined;
    const fallback = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE_RENDERER.test(description ?? '');
    return { available: true, fallback, description };
  } catch {
    return { available: false, fallback: false, description: undefined };
  }
}

/** Checks which accelerated APIs exist, without starting any TF.js backend. */
export async function probeGpu(): Promise<GpuProbe> {
  return { webgl: probeWebgl(), webgpu: await probeWebgpu() };
}

let wasmPathsSet = false;
/** Points the WASM backend at the binaries our build emits. (Not named use…: React Refresh would treat it as a hook in dev and break the worker.) */
function pointWasmAtBundledFiles(): void {
  if (wasmPathsSet) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': new URL('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  });
  wasmPathsSet = true;
}

let pending: Promise<BrowserBackendResult> | undefined;

/**
 * Picks and activates the fastest backend once per JavaScript realm (page or worker); later calls
 * share the first result, so React StrictMode's double effects cannot switch backends mid-run.
 */
export function initBrowserBackend(options: { override?: BackendName; cached?: BackendName } = {}): Promise<BrowserBackendResult> {
  pending ??= (async () => {
    pointWasmAtBundledFiles();
    installFastKernels();
    const gpu = await probeGpu();
    const candidates: BackendName[] = [];
    const notes: string[] = [];
    const wantWebgpu = options.override === 'webgpu' || options.cached === 'webgpu';
    if (gpu.webgpu.available && (!gpu.webgpu.fallback || options.override === 'webgpu')) {
      await import('@tensorflow/tfjs-backend-webgpu');
      if (!gpu.webgpu.fallback) candidates.push('webgpu');
    } else if (gpu.webgpu.available) {
      notes.push('webgpu: only a software (fallback) adapter exists, which is slower than WASM; skipped.');
    } else if (wantWebgpu) {
      notes.push('webgpu: no adapter in this browser.');
    }
    // A software WebGL (SwiftShader, llvmpipe) is several times slower than WASM for our models (see the
    // latency table in docs/benchmarks.md), and under CPU load the warm-up race can still pick it by chance: it is
    // tried only when asked for by name.
    if (gpu.webgl.available && (!gpu.webgl.software || options.override === 'webgl')) candidates.push('webgl');
    else if (gpu.webgl.available)
      notes.push(`webgl: only a software renderer (${gpu.webgl.renderer ?? 'unknown'}) exists, which is slower than WASM; skipped.`);
    candidates.push('wasm', 'cpu');
    const choice = await chooseBackend({ candidates, activate: setTfBackend }, options);
    return { ...choice, notes: [...notes, ...choice.notes], gpu };
  })();
  return pending;
}

/** The backend TF.js is using right now in this realm. */
export function activeBackend(): string {
  return tf.getBackend();
}

/**
 * Choosing the TF.js backend: the fastest one that works here, not the first one TF.js finds.
 *
 * Why not let TF.js choose: once `@tensorflow/tfjs-backend-webgpu` is loaded and any adapter
 * exists, TF.js ranks WebGPU first. On machines without a GPU that adapter is a software
 * "fallback" (SwiftShader) and is the slowest backend of all (a 256×256 matMul: WASM 1–4 ms,
 * WebGL 11–27 ms, WebGPU 83–116 ms measured in headless Chromium here). So we
 *   1. honour an explicit override (`?backend=wasm`, a user setting, `TF_BACKEND` in Node);
 *   2. reuse a cached choice when it still initialises;
 *   3. otherwise time a tiny matMul on each candidate that initialises and keep the fastest.
 * This module holds the platform-independent logic; `backend-browser.ts` and `backend-node.ts`
 * supply the platform parts (wasm file locations, which candidates exist, where to cache).
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendName } from './backend-names';
import { BackendError } from './errors';

// The names live in a TF-free module (pages use them); re-exported here for the scripts and lib.
export { BACKEND_NAMES, backendNameSchema, parseBackendName, type BackendName } from './backend-names';

/** Milliseconds taken by the warm-up benchmark, per backend that initialised. */
export type BackendTimings = Partial<Record<BackendName, number>>;

/** What was chosen and why, for the badge and for logs. */
export interface BackendChoice {
  backend: BackendName;
  /** How the choice was made. */
  reason: 'override' | 'cached' | 'benchmark' | 'only-option' | 'first-available';
  /** Benchmark times (ms per 256×256 matMul) when a benchmark ran. */
  timings: BackendTimings;
  /** Human-readable notes, e.g. why a backend was skipped or an override failed. */
  notes: string[];
}

/** The platform-specific parts of backend selection (injected so the logic is testable). */
export interface BackendPlatform {
  /** Candidates in order of preference when timings tie. Only backends that may exist here. */
  candidates: readonly BackendName[];
  /** Activates a backend; resolves false (or throws) when it cannot start. */
  activate(name: BackendName): Promise<boolean>;
  /** Times the active backend; lower is better. Defaults to {@link timeMatMul}. */
  measure?(name: BackendName): Promise<number>;
}

export interface ChooseBackendOptions {
  override?: BackendName | undefined;
  cached?: BackendName | undefined;
  /** false: take the first candidate that starts, without timing (Node: WASM, then CPU). */
  benchmark?: boolean;
}

async function tryActivate(platform: BackendPlatform, name: BackendName, notes: string[]): Promise<boolean> {
  try {
    if (await platform.activate(name)) return true;
    notes.push(`${name}: could not start.`);
  } catch (error) {
    notes.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return false;
}

/**
 * Picks and activates a backend. Order: override (if it starts), cached choice (if it starts),
 * otherwise benchmark every candidate that starts and activate the fastest.
 * Throws {@link BackendError} only when no candidate starts at all.
 */
export async function chooseBackend(platform: BackendPlatform, options: ChooseBackendOptions = {}): Promise<BackendChoice> {
  const notes: string[] = [];
  const { override, cached } = options;
  if (override) {
    if (await tryActivate(platform, override, notes)) return { backend: override, reason: 'override', timings: {}, notes };
    notes.push(`The requested backend "${override}" is not available here, so the fastest available one is used instead.`);
  }
  if (cached && cached !== override && platform.candidates.includes(cached)) {
    if (await tryActivate(platform, cached, notes)) return { backend: cached, reason: 'cached', timings: {}, notes };
  }
  if (options.benchmark === false) {
    for (const name of platform.candidates) {
      if (await tryActivate(platform, name, notes)) return { backend: name, reason: 'first-available', timings: {}, notes };
    }
    throw new BackendError(`No TF.js backend could start (tried ${platform.candidates.join(', ')}): ${notes.join(' ')}`);
  }
  const measure = platform.measure ?? (() => timeMatMul());
  const timings: BackendTimings = {};
  const started: BackendName[] = [];
  for (const name of platform.candidates) {
    if (!(await tryActivate(platform, name, notes))) continue;
    started.push(name);
    try {
      timings[name] = await measure(name);
    } catch (error) {
      notes.push(`${name}: benchmark failed (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
  if (started.length === 0) {
    throw new BackendError(
      `No TF.js backend could start (tried ${platform.candidates.join(', ')}). ` + 'Try a current Chrome, Edge or Firefox; details: ' + notes.join(' '),
    );
  }
  let best: BackendName | undefined;
  for (const name of started) {
    const t = timings[name];
    if (t === undefined) continue;
    const bestTime = best === undefined ? undefined : timings[best];
    if (bestTime === undefined || t < bestTime) best = name;
  }
  const winner = best ?? started[0];
  if (winner === undefined) throw new BackendError('No backend could be chosen.');
  if (!(await tryActivate(platform, winner, notes))) {
    throw new BackendError(`Backend "${winner}" started during the benchmark but not afterwards: ${notes.join(' ')}`);
  }
  return { backend: winner, reason: started.length === 1 ? 'only-option' : 'benchmark', timings, notes };
}

/**
 * Times a square matMul of size `size` on the active backend: 2 warm-up runs (shader compilation,
 * wasm tiering), then the median of `runs` timed runs, each read back with `await data()`.
 * Returns milliseconds. Leaves no tensors behind.
 */
export async function timeMatMul(size = 256, runs = 5): Promise<number> {
  const a = tf.tidy(() => tf.randomUniform([size, size], -1, 1, 'float32', 1));
  const times: number[] = [];
  try {
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, a);
      try {
        await c.data();
      } finally {
        c.dispose();
      }
      if (i >= 2) times.push(performance.now() - t0);
    }
  } finally {
    a.dispose();
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)] ?? Number.POSITIVE_INFINITY;
}

/** Activates `name` with TF.js; resolves false when the backend is not registered or fails to start. */
export async function setTfBackend(name: BackendName): Promise<boolean> {
  if (tf.findBackendFactory(name) === null && tf.findBackend(name) === null) return false;
  const ok = await tf.setBackend(name);
  if (!ok) return false;
  await tf.ready();
  return tf.getBackend() === name;
}

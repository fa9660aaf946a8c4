import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend, parseBackendName, timeMatMul, type BackendName, type BackendPlatform } from './backend';
import { initNodeBackend } from './backend-node';
import { BackendError } from './errors';

/** A fake platform: which backends start and how fast each one is. */
function fakePlatform(speeds: Partial<Record<BackendName, number>>, broken: BackendName[] = []): BackendPlatform & { activated: BackendName[] } {
  const activated: BackendName[] = [];
  return {
    activated,
    candidates: ['webgpu', 'webgl', 'wasm', 'cpu'],
    async activate(name) {
      if (broken.includes(name)) throw new Error(`${name} exploded`);
      if (speeds[name] === undefined) return false;
      activated.push(name);
      return true;
    },
    async measure(name) {
      return speeds[name] ?? Infinity;
    },
  };
}

describe('chooseBackend', () => {
  it('picks the fastest backend, not the first (software WebGPU loses to WASM)', async () => {
    const p = fakePlatform({ webgpu: 90, webgl: 20, wasm: 2, cpu: 40 });
    const choice = await chooseBackend(p);
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toBe('benchmark');
    expect(choice.timings).toEqual({ webgpu: 90, webgl: 20, wasm: 2, cpu: 40 });
    expect(p.activated.at(-1)).toBe('wasm'); // the winner is active at the end
  });

  it('picks a real GPU when it is fastest', async () => {
    const choice = await chooseBackend(fakePlatform({ webgpu: 0.4, webgl: 0.9, wasm: 3, cpu: 50 }));
    expect(choice.backend).toBe('webgpu');
  });

  it('honours an override without benchmarking', async () => {
    const p = fakePlatform({ webgl: 20, wasm: 2, cpu: 40 });
    const choice = await chooseBackend(p, { override: 'cpu' });
    expect(choice).toMatchObject({ backend: 'cpu', reason: 'override', timings: {} });
    expect(p.activated).toEqual(['cpu']);
  });

  it('falls back to the benchmark, with a note, when the override cannot start', async () => {
    const choice = await chooseBackend(fakePlatform({ webgl: 20, wasm: 2 }), { override: 'webgpu' });
    expect(choice.backend).toBe('wasm');
    expect(choice.notes.join(' ')).toMatch(/requested backend "webgpu" is not available/);
  });

  it('reuses a cached choice when it still starts, and re-benchmarks when it does not', async () => {
    expect(await chooseBackend(fakePlatform({ webgl: 20, wasm: 2 }), { cached: 'webgl' })).toMatchObject({ backend: 'webgl', reason: 'cached' });
    expect(await chooseBackend(fakePlatform({ wasm: 2, cpu: 9 }), { cached: 'webgl' })).toMatchObject({ backend: 'wasm', reason: 'benchmark' });
  });

  it('survives a backend that throws while starting and reports it', async () => {
    const choice = await chooseBackend(fakePlatform({ webgl: 1, wasm: 2, cpu: 3 }, ['webgl']));
    expect(choice.backend).toBe('wasm');
    expect(choice.notes.join(' ')).toContain('webgl exploded');
  });

  it('takes the first that starts when benchmarking is off (Node: WASM, then CPU)', async () => {
    const p = fakePlatform({ wasm: 50, cpu: 1 });
    expect(await chooseBackend({ ...p, candidates: ['wasm', 'cpu'] }, { benchmark: false })).toMatchObject({
      backend: 'wasm',
      reason: 'first-available',
    });
  });

  it('throws BackendError naming what was tried when nothing starts', async () => {
    await expect(chooseBackend(fakePlatform({}))).rejects.toThrow(/No TF.js backend could start \(tried webgpu, webgl, wasm, cpu\)/);
    await expect(chooseBackend(fakePlatform({}))).rejects.toBeInstanceOf(BackendError);
  });
});

describe('parseBackendName', () => {
  it('accepts known names in any case and treats empty as unset', () => {
    expect(parseBackendName('WASM')).toBe('wasm');
    expect(parseBackendName(' webgl ')).toBe('webgl');
    expect(parseBackendName('')).toBeUndefined();
    expect(parseBackendName(null)).toBeUndefined();
  });
  it('rejects unknown names with the list of valid ones', () => {
    expect(() => parseBackendName('cuda', '?backend')).toThrow('Unknown ?backend "cuda". Use one of: webgpu, webgl, wasm, cpu.');
  });
});

describe('Node backend', () => {
  it('runs on WASM by default (unless TF_BACKEND forces one) and computes correctly', async () => {
    const choice = await initNodeBackend();
    expect(tf.getBackend()).toBe(process.env.TF_BACKEND ?? 'wasm');
    expect(choice.backend).toBe(tf.getBackend());
    const m = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const sq = tf.matMul(m, m);
    expect(Array.from(await sq.data())).toEqual([7, 10, 15, 22]);
    tf.dispose([m, sq]);
  });

  it('refuses browser-only backends in Node with a clear message', async () => {
    await expect(initNodeBackend('webgl')).rejects.toThrow('The webgl backend needs a browser; in Node use wasm or cpu.');
  });

  it('times a matMul without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const ms = await timeMatMul(64, 3);
    expect(ms).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

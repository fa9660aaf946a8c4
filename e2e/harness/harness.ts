/**
 * Helpers for the backend-parity e2e specs: bundle the MusicVAE harness with esbuild, serve it, the
 * TF.js wasm files and tiny random checkpoints through Playwright routes (nothing touches the
 * network), run it on a backend, and compare results.
 */
import { expect, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeCheckpoint } from '../../lib/core/checkpoint-write';
import { TINY_DRUMS, TINY_MELODY } from '../../lib/music/testing/fixtures';
import { musicVaeConfigFor, randomMusicVaeVariables } from '../../lib/music/testing/random-checkpoint';
import type { HarnessResult } from './musicvae-harness';

const BASE = 'http://127.0.0.1/__harness/';
let bundle = '';
const files = new Map<string, Buffer | string>();

/** Bundles the harness and makes the checkpoints (once per worker process). */
export async function prepareHarness(): Promise<void> {
  if (bundle) return;
  const out = await build({
    entryPoints: [path.join(__dirname, 'musicvae-harness.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]?.text ?? '';
  for (const spec of [
    { ...TINY_MELODY, seed: 8, encoderUnits: 64, decoderUnits: [32, 32], zDims: 16 },
    { ...TINY_DRUMS, seed: 9 },
  ]) {
    const { manifest, shards } = encodeCheckpoint(randomMusicVaeVariables(spec), { shardBytes: 64 * 1024 });
    files.set(`ckpt/${spec.kind}/config.json`, JSON.stringify(musicVaeConfigFor(spec.kind)));
    files.set(`ckpt/${spec.kind}/weights_manifest.json`, JSON.stringify(manifest));
    for (const [name, bytes] of shards) files.set(`ckpt/${spec.kind}/${name}`, Buffer.from(bytes));
  }
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    files.set(`wasm/${name}`, await readFile(path.join(wasmDir, name)));
  }
}

/** Opens the harness page (served by routes) and waits until it is ready. */
export async function openHarness(page: Page): Promise<void> {
  await page.route(`${BASE}**`, async (route) => {
    const rel = new URL(route.request().url()).pathname.replace('/__harness/', '');
    if (rel === '' || rel === 'index.html') {
      return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>harness</title><script src="harness.js"></script>' });
    }
    if (rel === 'harness.js') return route.fulfill({ contentType: 'text/javascript', body: bundle });
    const body = files.get(rel);
    if (body === undefined) return route.fulfill({ status: 404, body: 'not found' });
    const contentType = rel.endsWith('.wasm') ? 'application/wasm' : rel.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return route.fulfill({ body, contentType });
  });
  await page.goto(`${BASE}index.html`);
  await page.waitForFunction(() => 'runMusicVae' in globalThis);
}

/** Runs the whole MusicVAE API on `backend` in the page. */
export async function runOn(page: Page, backend: string, kind: 'melody' | 'drums'): Promise<HarnessResult> {
  return page.evaluate(([b, k]) => (globalThis as unknown as { runMusicVae: (b: string, k: string) => Promise<HarnessResult> }).runMusicVae(b, k), [
    backend,
    kind,
  ] as const);
}

/** μ within 1e-3, ≥ 95% identical argmax steps (GPUs round differently), every call worked, no leaks. */
export function compare(reference: HarnessResult, other: HarnessResult, backend: string): void {
  expect(reference.backend).toBe('cpu');
  expect(other.backend).toBe(backend);
  let maxDiff = 0;
  reference.mu.forEach((row, i) => row.forEach((x, j) => (maxDiff = Math.max(maxDiff, Math.abs(x - (other.mu[i]?.[j] ?? Infinity))))));
  expect(maxDiff).toBeLessThan(1e-3);
  const a = reference.labels.flat();
  const b = other.labels.flat();
  expect(b).toHaveLength(a.length);
  expect(a.filter((x, i) => x === b[i]).length / a.length).toBeGreaterThanOrEqual(0.95);
  expect(other.sampled.length).toBe(3);
  expect([other.interpolation, other.grid, other.similar]).toEqual([5, 9, 2]);
  expect(other.leaked).toBe(0);
}

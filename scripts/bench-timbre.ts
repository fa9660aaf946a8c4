/**
 * `npm run bench:timbre [-- --model models/timbre --runs 30]`: how fast the timbre decoder turns a
 * code into one 1.28-s note (the target: ≤ 30 ms in Chromium on WASM, so a pad redraws
 * ≥ 20 times a second), and the model's size (target ≤ 10 MB).
 *
 * - Chromium: a minimal page and Web Worker, bundled here with esbuild from lib/timbre and TF.js
 *   (WASM files straight from node_modules), served by a tiny local HTTP server, run in headless
 *   Debian Chromium through Playwright. Times are taken in the worker, from the decode call until
 *   the samples are back in JavaScript; medians of `--runs`.
 * - Node: the same decodes on TF.js WASM in this process.
 * Prints a Markdown table (and JSON with --json).
 */
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { readdir, readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { fsSource } from '../lib/core/checkpoint-node';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { TimbreModel } from '../lib/timbre/timbre-model';
import { chromiumPath } from './chromium-path.mjs';

interface Timing {
  median: number;
  min: number;
  max: number;
}
interface Result {
  backend: string;
  loadMs: number;
  samePitch: Timing;
  newPitch: Timing;
  pad: Timing;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] ?? NaN) : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
}
const timing = (xs: number[]): Timing => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

async function inNode(modelDir: string, runs: number): Promise<Result> {
  const choice = await initNodeBackend('wasm');
  const t0 = performance.now();
  const model = await TimbreModel.load(fsSource(modelDir));
  const loadMs = performance.now() - t0;
  try {
    const codes = await model.randomCodes(4, 7);
    const cond = { f0Hz: 261.63, loudnessDb: -30 };
    for (let i = 0; i < 3; i++) await model.decodeNotes([codes[i % 4]!], [cond]);
    const same: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await model.decodeNotes([codes[i % 4]!], [cond]);
      same.push(performance.now() - t);
      t = performance.now();
      await model.decodeNotes([codes[i % 4]!], [{ f0Hz: 440 * 2 ** ((40 + i - 69 + 0.37) / 12), loudnessDb: -30 }]);
      fresh.push(performance.now() - t);
    }
    return { backend: choice.backend, loadMs, samePitch: timing(same), newPitch: timing(fresh), pad: timing(same) };
  } finally {
    model.dispose();
  }
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

async function inChromium(modelDir: string, runs: number): Promise<Result> {
  const bundle = await build({
    entryPoints: [path.join(import.meta.dirname, 'bench-timbre', 'worker.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const workerJs = bundle.outputFiles[0]?.text ?? '';
  const wasmDir = path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const page = `<!doctype html><meta charset="utf-8"><title>bench:timbre</title><script>
    const w = new Worker('/worker.js');
    window.benchResult = new Promise((resolve) => { w.onmessage = (e) => resolve(e.data); });
    w.postMessage({ runs: ${runs} });
  </script>`;
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let body: Buffer | string | undefined;
      if (url.pathname === '/' || url.pathname === '/index.html') body = page;
      else if (url.pathname === '/worker.js') body = workerJs;
      else if (url.pathname.startsWith('/wasm/')) body = await readFile(path.join(wasmDir, path.basename(url.pathname))).catch(() => undefined);
      else if (url.pathname.startsWith('/model/')) body = await readFile(path.join(modelDir, path.basename(url.pathname))).catch(() => undefined);
      if (body === undefined) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(url.pathname) || '.html'] ?? 'application/octet-stream' });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-gpu'],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${port}/`);
    const result = (await tab.evaluate(() => (window as unknown as { benchResult: Promise<unknown> }).benchResult)) as
      (Result & { ok: true }) | { ok: false; message: string };
    if (!result.ok) throw new Error(`The bench worker failed in Chromium: ${result.message}`);
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}

async function modelBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) if (/^group\d+-shard\d+of\d+/.test(f) || f.endsWith('.json')) total += (await stat(path.join(dir, f))).size;
  return total;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { model: { type: 'string', default: 'models/timbre' }, runs: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 3 || runs > 1000) throw new InvalidInputError(`--runs must be a whole number from 3 to 1000; got "${values.runs}".`);
  const dir = path.resolve(values.model);
  const bytes = await modelBytes(dir);
  const browser = await inChromium(dir, runs);
  const node = await inNode(dir, runs);
  const ms = (t: Timing): string => `${t.median.toFixed(1)} (${t.min.toFixed(1)}–${t.max.toFixed(1)})`;
  const rows = [
    '| where | backend | decode 1 note, same pitch: median ms (min–max) | decode at a new pitch | pad position (blend 4 codes + decode) | model load ms |',
    '|---|---|---|---|---|---|',
    `| Chromium (headless, Web Worker) | ${browser.backend} | ${ms(browser.samePitch)} | ${ms(browser.newPitch)} | ${ms(browser.pad)} | ${browser.loadMs.toFixed(0)} |`,
    `| Node | ${node.backend} | ${ms(node.samePitch)} | ${ms(node.newPitch)} | — | ${node.loadMs.toFixed(0)} |`,
  ];
  console.log(`Timbre decoder speed (${runs} runs each; one note = 1.28 s at 16 kHz). Target: ≤ 30 ms in Chromium on WASM.\n`);
  console.log(rows.join('\n'));
  console.log(
    `\nModel files: ${(bytes / 1e6).toFixed(2)} MB (target ≤ 10 MB). Chromium median ${browser.samePitch.median <= 30 ? 'meets' : 'misses'} the 30-ms target.`,
  );
  if (values.json) console.log(JSON.stringify({ runs, modelBytes: bytes, chromium: browser, node }, null, 2));
}

main().catch((error: unknown) => {
  console.error(`bench:timbre: ${describeError(error)}`);
  process.exit(1);
});

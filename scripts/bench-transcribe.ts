/**
 * `npm run bench:transcribe [-- --runs N --seconds S]`: how long transcribing S seconds (default 10)
 * of a sung-like take takes, and whether the page stays responsive meanwhile.
 *
 * Browser: esbuild bundles scripts/bench-transcribe/worker.ts (TF.js 4.22 on WASM, lib/sound,
 * basic-pitch from /models/basic-pitch/) into a Web Worker; a tiny static server (no cross-origin
 * isolation headers, like the app, so TF.js runs its single-threaded SIMD build) serves it with a
 * page that fetches the take (44.1 kHz float PCM), hands it to the worker and times
 * `transcribeMelody` (resampling, basic-pitch, line, quantising) from the page, while a long-task
 * observer records every main-thread task over 50 ms. Headless Debian Chromium via playwright-core.
 * Node: the same call on @tensorflow/tfjs-backend-wasm in this process.
 * One warm-up run, then the median (min–max) of N runs (default 5). Target: ≤ 1,500 ms for 10 s of
 * audio in Chromium, no long task.
 */
import { chromium } from '@playwright/test';
import * as esbuild from 'esbuild';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../lib/core/backend-node';
import { fsSource } from '../lib/core/checkpoint-node';
import { loadBasicPitch } from '../lib/sound/basic-pitch';
import { addNoise, renderNotes } from '../lib/sound/testing/synth';
import { transcribeMelody } from '../lib/sound/transcribe';
import { chromiumPath } from './chromium-path.mjs';

const RATE = 44_100;
const QPM = 100;
const LEAD_IN = 0.5;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] ?? NaN) : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
}

/** A sung-like take: a scale-and-back tune in 8ths and quarters with vibrato and a little noise. */
function take(seconds: number): Float32Array {
  const step = 15 / QPM;
  const pitches = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62];
  const notes = [];
  let s = 0;
  for (let i = 0; LEAD_IN + (s + 2) * step < seconds - 0.3; i++) {
    const len = i % 3 === 2 ? 4 : 2;
    notes.push({ pitch: pitches[i % pitches.length] as number, start: LEAD_IN + s * step, end: LEAD_IN + (s + len) * step - 0.03 });
    s += len;
  }
  return addNoise(renderNotes(notes, seconds, RATE, { vibratoSemitones: 0.2 }), 35, 4);
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench:transcribe</title>
<script>
const longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
window.bench = async (runs) => {
  const worker = new Worker('/worker.js');
  const call = (msg, transfer) => new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.type === 'error' ? reject(new Error(e.data.message)) : resolve(e.data));
    worker.postMessage(msg, transfer || []);
  });
  const ready = await call({ type: 'init' });
  const pcm = new Float32Array(await (await fetch('/take.f32')).arrayBuffer());
  const results = [];
  const from = performance.now();
  for (let i = 0; i <= runs; i++) {
    const copy = pcm.slice();
    const t0 = performance.now();
    const r = await call({ type: 'run', samples: copy, sampleRate: ${RATE}, qpm: ${QPM}, downbeat: ${LEAD_IN} }, [copy.buffer]);
    results.push({ pageMs: performance.now() - t0, workerMs: r.ms, modelMs: r.modelMs, notes: r.notes, leaked: r.leaked });
  }
  worker.terminate();
  return { ready, results, longTasks: longTasks.filter((t) => t.start >= from) };
};
</script>`;

async function browserBench(
  runs: number,
  pcm: Float32Array,
): Promise<{ loadMs: number; page: number[]; worker: number[]; model: number[]; longTasks: number[]; notes: string; leaked: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-transcribe-'));
  let server: Server | undefined;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-gpu'],
  });
  try {
    await esbuild.build({
      entryPoints: [path.join('scripts', 'bench-transcribe', 'worker.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outfile: path.join(dir, 'worker.js'),
      logLevel: 'error',
    });
    const wasmDir = path.join('node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    const files: Record<string, { file?: string; body?: Uint8Array | string; type: string }> = {
      '/': { body: PAGE, type: 'text/html' },
      '/worker.js': { file: path.join(dir, 'worker.js'), type: 'text/javascript' },
      '/take.f32': { body: new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), type: 'application/octet-stream' },
    };
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost').pathname;
      let entry = files[url];
      if (!entry && url.startsWith('/wasm/') && url.endsWith('.wasm')) entry = { file: path.join(wasmDir, path.basename(url)), type: 'application/wasm' };
      if (!entry && url.startsWith('/models/basic-pitch/'))
        entry = { file: path.join('models', 'basic-pitch', path.basename(url)), type: url.endsWith('.json') ? 'application/json' : 'application/octet-stream' };
      if (!entry) {
        res.writeHead(404).end();
        return;
      }
      const send = (body: Uint8Array | string): void => {
        res.writeHead(200, { 'content-type': entry.type }).end(body);
      };
      if (entry.body !== undefined) send(entry.body);
      else
        readFile(entry.file as string).then(send, () => {
          res.writeHead(404).end();
        });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    type BenchResult = {
      ready: { backend: string; loadMs: number };
      results: { pageMs: number; workerMs: number; modelMs: number; notes: string; leaked: number }[];
      longTasks: { start: number; duration: number }[];
    };
    const out = await page.evaluate((n) => (window as unknown as { bench: (runs: number) => Promise<BenchResult> }).bench(n), runs);
    if (out.ready.backend !== 'wasm') throw new Error(`The worker ran on ${out.ready.backend}, not wasm.`);
    const timed = out.results.slice(1);
    return {
      loadMs: out.ready.loadMs,
      page: timed.map((r) => r.pageMs),
      worker: timed.map((r) => r.workerMs),
      model: timed.map((r) => r.modelMs),
      longTasks: out.longTasks.map((t) => t.duration),
      notes: out.results[0]?.notes ?? '',
      leaked: Math.max(...out.results.map((r) => r.leaked)),
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

async function nodeBench(runs: number, pcm: Float32Array): Promise<{ loadMs: number; total: number[]; cpu: number[]; notes: string; leaked: number }> {
  const choice = await initNodeBackend('wasm');
  if (choice.backend !== 'wasm') throw new Error('WASM did not start in Node.');
  const t0 = performance.now();
  const model = await loadBasicPitch(fsSource(path.join('models', 'basic-pitch')));
  const loadMs = performance.now() - t0;
  const total: number[] = [];
  const cpu: number[] = [];
  let notes = '';
  const before = tf.memory().numTensors;
  let leaked = 0;
  try {
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      const r = await transcribeMelody(model, { samples: pcm, sampleRate: RATE }, { grid: { qpm: QPM, downbeat: LEAD_IN } });
      const used = process.cpuUsage(c);
      if (i > 0) {
        total.push(performance.now() - t);
        cpu.push((used.user + used.system) / 1000);
      } else notes = r.sequence.notes.map((n) => `${n.pitch}@${n.quantizedStartStep}-${n.quantizedEndStep}`).join(' ');
    }
    leaked = tf.memory().numTensors - before;
  } finally {
    model.dispose();
  }
  return { loadMs, total, cpu, notes, leaked };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '10' }, json: { type: 'string' } },
  });
  const runs = Number(values.runs);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be 1–50; got "${values.runs}".`);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) throw new Error(`--seconds must be 1–300; got "${values.seconds}".`);
  const pcm = take(seconds);
  const b = await browserBench(runs, pcm);
  const n = await nodeBench(runs, pcm);
  const fmt = (xs: readonly number[]): string => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  console.log(`\nTranscribing ${seconds} s of 44.1 kHz audio (resample → basic-pitch → line → 16ths), median (min–max) of ${runs} runs after a warm-up:\n`);
  console.log('| where | backend | load model ms | transcribe ms | of which resample + basic-pitch ms | main-thread tasks > 50 ms |');
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| headless Chromium, Web Worker (seen from the page) | wasm (SIMD, 1 thread) | ${b.loadMs.toFixed(0)} | ${fmt(b.page)} | ${fmt(b.model)} | ${b.longTasks.length === 0 ? 'none' : `${b.longTasks.length} (longest ${Math.max(...b.longTasks).toFixed(0)} ms)`} |`,
  );
  console.log(`| Node ${process.version} | wasm | ${n.loadMs.toFixed(0)} | ${fmt(n.total)} | – | – |`);
  console.log(`| Node, CPU time of the same runs (what an idle core would take) | wasm | – | ${fmt(n.cpu)} | – | – |`);
  console.log(
    `\nMachine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1/5/15 min) at the end of the run.`,
  );
  const ok = median(b.page) <= (1500 * seconds) / 10 && b.longTasks.length === 0;
  console.log(`\nTarget (10 s in ≤ 1,500 ms in Chromium, no main-thread task over 50 ms): ${ok ? 'met' : 'NOT met'}.`);
  console.log(
    `Tensors left behind per run: browser ${b.leaked}, Node ${n.leaked}. Browser and Node agree on the notes: ${b.notes === n.notes ? 'yes' : 'NO'}.`,
  );
  if (values.json) await writeFile(values.json, JSON.stringify({ seconds, runs, browser: b, node: n }, null, 2));
}

main().catch((error: unknown) => {
  console.error(`bench:transcribe: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

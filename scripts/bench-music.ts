/**
 * `npm run bench:music`: times our MusicVAE against the reference, @magenta/music 1.23.1, on the
 * same random mel_2bar_small-shaped checkpoint and the same inputs, on the CPU and WASM backends.
 * Each library runs in its own process (Magenta's TF.js 2 cannot share a realm with ours), which
 * also gives each its own peak RSS. Both processes are plain `node` on plain JavaScript: ours is
 * bundled with esbuild first, as Magenta's runner is a .cjs file (under tsx, the TypeScript loader
 * alone adds ~95 MB of RSS, which is not the library's). Prints a table; median of RUNS runs after WARMUP warm-ups.
 *
 *   npm run bench:music [-- --runs 10 --warmup 3 --backends cpu,wasm --no-docs]
 *
 * Writes its tables into docs/benchmarks.md (`--no-docs` skips that).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeCheckpointFolder } from '../lib/core/checkpoint-node';
import { encodeCheckpoint } from '../lib/core/checkpoint-write';
import { parseBackendName } from '../lib/core/backend';
import { MEL_2BAR_SMALL, musicVaeConfigFor, randomMusicVaeVariables } from '../lib/music/testing/random-checkpoint';
import { publishBenchTables } from './docs-table';
import { inputs, OPS, type ProcessResult } from './bench-music/child';

const run = promisify(execFile);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function magenta(url: string, backend: 'cpu' | 'wasm', runs: number, warmup: number, zDims: number, root: string): Promise<ProcessResult> {
  const { melodies16, codes16 } = inputs(zDims);
  const tasks = [
    { type: 'bench', op: 'encode', sequences: melodies16.slice(0, 1) },
    { type: 'bench', op: 'encode', sequences: melodies16 },
    { type: 'bench', op: 'decode', z: codes16 },
    { type: 'bench', op: 'sample', n: 16, temperature: 0.5 },
    { type: 'bench', op: 'interpolate', sequences: melodies16.slice(0, 2), steps: 11 },
  ].map((t) => ({ ...t, runs, warmup }));
  const file = path.join(root, `magenta-${backend}.json`);
  await writeFile(file, JSON.stringify({ checkpointUrl: url, backend, tasks }));
  const { stdout } = await run(process.execPath, [path.resolve('tools/magenta-reference/run.cjs'), file], { maxBuffer: 1 << 26, timeout: 1_800_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ProcessResult;
}

/** The child (./bench-music/child.ts) as one plain-JavaScript file (TF.js left to node_modules). */
async function bundleChild(): Promise<string> {
  const { build } = await import('esbuild');
  // Inside the repository, so the external packages resolve from its node_modules.
  const out = path.resolve('.tmp', `bench-music-child-${process.pid}.cjs`);
  await build({
    entryPoints: [path.join(path.dirname(__filename), 'bench-music', 'child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    external: ['@tensorflow/*'],
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'error',
  });
  return out;
}

async function ours(child: string, dir: string, backend: 'cpu' | 'wasm', runs: number, warmup: number): Promise<ProcessResult> {
  const { stdout } = await run(process.execPath, [child, dir, backend, String(runs), String(warmup)], {
    maxBuffer: 1 << 26,
    timeout: 1_800_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ProcessResult;
}

function fmt(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Multiply-adds of a full 2×11 interpolation as Magenta computes it (concat-input LSTMs). */
function interpolationFlops(): number {
  const { encoderUnits: e, decoderUnits, zDims: z } = MEL_2BAR_SMALL;
  const steps = 32;
  const depth = 90;
  const encode = 2 /* melodies */ * 2 /* directions */ * steps * (depth + e) * 4 * e + 2 * 2 * e * z;
  let perStep = 0;
  decoderUnits.forEach((h, i) => (perStep += ((i === 0 ? depth + z : (decoderUnits[i - 1] ?? 0)) + h) * 4 * h));
  perStep += (decoderUnits[decoderUnits.length - 1] ?? 0) * depth;
  const decode = 11 * (steps * perStep + z * 2 * decoderUnits.reduce((a, b) => a + b, 0));
  return 2 * (encode + decode);
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '10'));
  const warmup = Number(arg('warmup', '3'));
  const backends = arg('backends', 'cpu,wasm')
    .split(',')
    .map((b) => parseBackendName(b));
  const root = await mkdtemp(path.join(os.tmpdir(), 'bench-music-'));
  const dir = path.join(root, 'mel_2bar_small');
  await writeCheckpointFolder(dir, encodeCheckpoint(randomMusicVaeVariables({ ...MEL_2BAR_SMALL, seed: 11 })), { 'config.json': musicVaeConfigFor('melody') });
  const server = createServer((req, res) => {
    readFile(path.join(dir, path.basename(req.url ?? '')))
      .then((b) => res.end(b))
      .catch(() => {
        res.statusCode = 404;
        res.end();
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const intro = `Random mel_2bar_small-shaped checkpoint (enc 512, dec 2×256, z 256, 90 classes), median of ${runs} runs after ${warmup} warm-ups, each library in its own Node process.`;
  console.log(`bench:music — ${intro}\n${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}\n`);
  const table: Record<string, { ours: ProcessResult; magenta: ProcessResult }> = {};
  const child = await bundleChild();
  try {
    for (const backend of backends) {
      if (backend !== 'cpu' && backend !== 'wasm') continue;
      process.stderr.write(`running ours on ${backend}…\n`);
      const o = await ours(child, dir, backend, runs, warmup);
      process.stderr.write(`running @magenta/music on ${backend}…\n`);
      const m = await magenta(url, backend, runs, warmup, MEL_2BAR_SMALL.zDims, root);
      table[backend] = { ours: o, magenta: m };
    }
  } finally {
    server.close();
  }
  const magentaCpu = table.cpu?.magenta;
  const header = [
    'operation',
    'backend',
    'ours wall ms',
    'ours CPU ms',
    'magenta wall ms',
    'magenta CPU ms',
    'speed-up (same backend)',
    'speed-up vs magenta CPU',
  ];
  const rows: string[][] = [];
  for (const [backend, { ours: o, magenta: m }] of Object.entries(table)) {
    OPS.forEach((op, i) => {
      const a = o.results[i];
      const b = m.results[i];
      const base = magentaCpu?.results[i];
      rows.push([
        op,
        backend,
        fmt(a?.wallMs),
        fmt(a?.cpuMs),
        b?.error ? `fails: ${b.error.slice(0, 60)}` : fmt(b?.wallMs),
        b?.error ? '—' : fmt(b?.cpuMs),
        a && b && !b.error ? `${(b.wallMs / a.wallMs).toFixed(1)}×` : '—',
        a && base && !base.error ? `${(base.wallMs / a.wallMs).toFixed(1)}×` : '—',
      ]);
    });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((x, c) => x.padEnd(widths[c] ?? 0)).join(' | ') + ' |';
  const out = [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line), '', 'Peak RSS (MB):', ''];
  for (const [backend, { ours: o, magenta: m }] of Object.entries(table)) {
    out.push(
      `- ${backend}: ours ${(o.maxRssKb / 1024).toFixed(0)}, @magenta/music ${(m.maxRssKb / 1024).toFixed(0)}; tensors left after our run: ${o.numTensorsAfter ?? '?'}`,
    );
  }
  const flops = interpolationFlops();
  const wasmInterp = table.wasm?.ours.results[4]?.wallMs;
  out.push('', `Interpolate 2×11 arithmetic: ${(flops / 1e9).toFixed(2)} GFLOP as Magenta computes it.`);
  if (wasmInterp) out.push(`Ours on WASM: ${fmt(wasmInterp)} ms = ${(flops / 1e6 / wasmInterp).toFixed(1)} GFLOP/s effective.`);
  console.log(out.join('\n'));
  await rm(root, { recursive: true, force: true });
  await rm(child, { force: true });
  await publishBenchTables('music', `${intro}\n\n${out.join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

/**
 * `npm run bench:music-ui [-- --runs N --steps S --port P]`: interaction latency of the melody lab in
 * headless Chromium, per TF.js backend available there: the time from clicking "Interpolate"
 * (11 steps by default) to the strip of piano rolls drawn on screen, as the page itself measures
 * it (click event time → first animation frame after the new strip rendered). Also prints the
 * model time inside the worker, with the codes of A and B refined (K = 50, the lab's default: the
 * time spent refining is printed on its own) and without (the encoder's guess). Needs a production build (`npm run build`; built here if missing)
 * and Debian's chromium. Medians after one warm-up run. Writes its table into docs/benchmarks.md
 * (`--no-docs` skips that).
 */
import { chromium, type Browser } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromiumPath } from './chromium-path.mjs';
import { publishBenchTables } from './docs-table';

const BASE_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] ?? NaN) : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
}

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}.`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The app did not answer at ${url} within 60 s.`);
}

interface Row {
  backend: string;
  gpu: string;
  ran: string;
  refine: number;
  clickToDrawn: number[];
  model: number[];
  refineMs: number[];
  note?: string;
}

async function measure(browser: Browser, base: string, backend: string, gpu: string, runs: number, steps: number, refine: number): Promise<Row> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const row: Row = { backend, gpu, ran: '', refine, clickToDrawn: [], model: [], refineMs: [] };
  try {
    await page.goto(`${base}/music/melody?steps=${steps}&refine=${refine}&backend=${backend}`);
    const badge = page.getByTestId('backend-badge');
    await badge.waitFor();
    await page.waitForFunction(
      () => /^(webgpu|webgl|wasm|cpu)$/.test(document.querySelector('[data-testid="backend-badge"]')?.getAttribute('data-backend') ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    row.ran = (await badge.getAttribute('data-backend')) ?? '?';
    const latency = page.getByTestId('interp-latency');
    await page.waitForFunction(() => document.querySelector('[data-testid="interp-latency"]')?.getAttribute('data-run') !== null, undefined, {
      timeout: 180_000,
    });
    for (let i = 0; i <= runs; i++) {
      const run = Number((await latency.getAttribute('data-run')) ?? '0');
      await page.getByTestId('interpolate').click();
      await page.waitForFunction((r) => document.querySelector('[data-testid="interp-latency"]')?.getAttribute('data-run') === String(r), run + 1, {
        timeout: 120_000,
      });
      const items = await page.getByTestId('interp-item').count();
      if (items !== steps) throw new Error(`expected ${steps} items, got ${items}`);
      if (i === 0) continue; // warm-up
      row.clickToDrawn.push(Number(await latency.getAttribute('data-ms')));
      row.model.push(Number(await latency.getAttribute('data-model-ms')));
      row.refineMs.push(Number(await latency.getAttribute('data-refine-ms')));
    }
    if (row.ran !== backend) row.note = `asked for ${backend}, the app fell back to ${row.ran}`;
  } catch (error) {
    row.note = `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  } finally {
    await page.close();
  }
  return row;
}

/** Refining the codes of A and B should take at most this long on WASM in the browser. */
const REFINE_TARGET_MS = 1500;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      steps: { type: 'string', default: '11' },
      port: { type: 'string', default: '3198' },
      backends: { type: 'string' },
      refine: { type: 'string', default: '0,50' },
      'no-docs': { type: 'boolean' },
    },
  });
  const only = values.backends?.split(',');
  const refines = values.refine.split(',').map(Number);
  if (refines.some((k) => !Number.isInteger(k) || k < 0 || k > 200)) throw new Error('--refine takes step counts 0–200, e.g. 0,50.');
  const runs = Number(values.runs);
  const steps = Number(values.steps);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(steps) || steps < 2 || steps > 32) throw new Error('--runs must be ≥ 1 and --steps 2–32.');
  if (!existsSync(chromiumPath())) throw new Error(`No Chromium at ${chromiumPath()}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  if (!existsSync('.next/BUILD_ID')) {
    console.log('No production build yet: running next build…');
    const built = spawnSync('npx', ['next', 'build'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('next build failed.');
  }
  const base = `http://127.0.0.1:${values.port}`;
  const server = spawn('npx', ['next', 'start', '-p', String(values.port), '-H', '127.0.0.1'], {
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  const rows: Row[] = [];
  try {
    await waitForServer(base, server);
    // WebGL runs on SwiftShader (software) here; WebGPU exists only behind a flag (a software adapter).
    const configs: { gpu: string; args: string[]; backends: string[] }[] = [
      { gpu: 'SwiftShader WebGL', args: BASE_ARGS, backends: ['wasm', 'webgl', 'cpu'] },
      { gpu: 'software WebGPU (--enable-unsafe-webgpu)', args: [...BASE_ARGS, '--enable-unsafe-webgpu'], backends: ['webgpu'] },
    ];
    for (const c of configs) {
      const browser = await chromium.launch({ executablePath: chromiumPath(), args: c.args });
      try {
        for (const backend of c.backends.filter((b) => !only || only.includes(b))) {
          for (const refine of refines) {
            process.stdout.write(`measuring ${backend}, refine ${refine}…\n`);
            rows.push(await measure(browser, base, backend, c.gpu, runs, steps, refine));
          }
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }
  const title = `Melody lab, interpolate ${steps} steps, headless Chromium, median of ${runs} after a warm-up (ms):`;
  const out = [
    '| backend | ran on | codes of A and B | click → strip drawn | min–max | model work in worker | of which refining A and B | note |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ends = r.refine > 0 ? `refined, K = ${r.refine}` : "encoder's μ";
    if (r.clickToDrawn.length === 0) {
      out.push(`| ${r.backend} | ${r.ran || '–'} | ${ends} | – | – | – | – | ${r.note ?? ''} |`);
      continue;
    }
    const range = `${Math.min(...r.clickToDrawn).toFixed(0)}–${Math.max(...r.clickToDrawn).toFixed(0)}`;
    out.push(
      `| ${r.backend} | ${r.ran} (${r.gpu}) | ${ends} | ${median(r.clickToDrawn).toFixed(0)} | ${range} | ${median(r.model).toFixed(0)} | ${r.refine > 0 ? median(r.refineMs).toFixed(0) : '–'} | ${r.note ?? ''} |`,
    );
  }
  const refinedWasm = rows.filter((r) => r.ran === 'wasm' && r.refine > 0 && r.refineMs.length > 0);
  for (const r of refinedWasm) {
    const ms = median(r.refineMs);
    out.push(
      '',
      `Target: refining A and B (K = ${r.refine}) in ≤ ${REFINE_TARGET_MS} ms on WASM: ${ms <= REFINE_TARGET_MS ? 'met' : 'not met'} (${ms.toFixed(0)} ms).`,
    );
  }
  console.log(`\n${title}\n\n${out.join('\n')}`);
  await publishBenchTables('music-ui', `${title}\n\n${out.join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

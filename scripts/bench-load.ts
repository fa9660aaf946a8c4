/**
 * `npm run bench:load [-- --runs N --port P --dir D]`: how light the first load is, measured in
 * headless Chromium against the production build (`npm run build` first; `--dir` measures another
 * checkout's build, e.g. for a before/after table):
 *
 * - JavaScript per page as the browser receives it: the main thread's scripts, gzip-compressed
 *   bytes on the wire (`encodedBodySize`) and their size unpacked, on a cold cache;
 * - time to an interactive lab, from navigation start: *controls usable* (the lab's main control is
 *   hydrated: React has attached its handlers), *feedback* (a progress bar or the loaded model is on
 *   screen — "model loading with progress") and *model ready* (the lab's model info is shown);
 * - a second visit to each lab (same browser profile): what the server sent for model files
 *   (`/models/…`): how many answers, how many `304 Not Modified`, and the body bytes — counted by a
 *   small proxy in front of `next start`, because the model worker's downloads are invisible to the
 *   page and a browser reports a revalidated file as a plain 200.
 *
 * Medians of `--runs` cold loads (default 5) after one warm-up of the server. The model worker's
 * own scripts (TF.js) load in the worker and are not main-thread JavaScript. After a run with no
 * failure it writes its tables into docs/benchmarks.md (`--no-docs` skips that).
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromiumPath } from './chromium-path.mjs';
import { BENCH_DOCS, publishBenchTables } from './docs-table';
import { count } from '../lib/core/text';

const ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-gpu'];

/** Pages whose JavaScript is weighed, and the labs whose start is timed (with their main control and "model ready" marker). */
const PAGES = ['/', '/image', '/music/melody', '/music/drums', '/compare', '/classroom'];
const LABS = [
  { path: '/image', control: '[data-testid="image-model"]', ready: '[data-testid="model-info"]' },
  { path: '/music/melody', control: '[data-testid="interp-steps"]', ready: '[data-testid="music-model-info"]' },
  { path: '/music/drums', control: '[data-testid="drums-n"]', ready: '[data-testid="music-model-info"]' },
];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] ?? NaN) : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
}

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}.`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The app did not answer at ${url} within 2 minutes.`);
}

/** Counts what the server sends for `/models/…` (status codes and body bytes), passing everything through. */
interface ModelTraffic {
  requests: number;
  notModified: number;
  bytes: number;
}

function countingProxy(port: number, target: number, traffic: ModelTraffic): http.Server {
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (up) => {
      const isModel = (req.url ?? '').startsWith('/models/');
      if (isModel) {
        traffic.requests++;
        if (up.statusCode === 304) traffic.notModified++;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.on('data', (chunk: Buffer) => {
        if (isModel) traffic.bytes += chunk.byteLength;
        res.write(chunk);
      });
      up.on('end', () => res.end());
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.listen(port, '127.0.0.1');
  return server;
}

interface ScriptBytes {
  gzip: number;
  raw: number;
  files: number;
}

/** The main thread's scripts of a freshly loaded page (after the load event and a quiet moment). */
async function scriptBytes(page: Page): Promise<ScriptBytes> {
  await page.waitForLoadState('load');
  await page.waitForTimeout(1500);
  return page.evaluate(() => {
    const scripts = performance
      .getEntriesByType('resource')
      .filter((e): e is PerformanceResourceTiming => e instanceof PerformanceResourceTiming && (e.initiatorType === 'script' || /\.js(\?|$)/.test(e.name)));
    return { gzip: scripts.reduce((s, e) => s + e.encodedBodySize, 0), raw: scripts.reduce((s, e) => s + e.decodedBodySize, 0), files: scripts.length };
  });
}

interface LabTimes {
  usable: number;
  feedback: number;
  ready: number;
}

/** Milliseconds from navigation start until the control is hydrated, until progress/model shows, until the model is ready. */
async function labTimes(page: Page, base: string, lab: (typeof LABS)[number]): Promise<LabTimes> {
  await page.addInitScript(
    ({ control, ready }) => {
      const marks: Record<string, number> = {};
      (window as unknown as { __loadMarks: Record<string, number> }).__loadMarks = marks;
      // No named functions in here: tsx (esbuild keepNames) would wrap them in a `__name` helper the page does not have.
      // A timer, not requestAnimationFrame: frames are not produced for pages that are not painted.
      const timer = setInterval(() => {
        if (!document.documentElement) return;
        const now = performance.now();
        const el = document.querySelector(control);
        if (marks.usable === undefined && el && Object.keys(el).some((k) => k.startsWith('__reactProps'))) marks.usable = now;
        if (marks.feedback === undefined && (document.querySelector('.progress') || document.querySelector(ready))) marks.feedback = now;
        if (marks.ready === undefined && document.querySelector(ready)) marks.ready = now;
        if (marks.ready !== undefined && marks.usable !== undefined && marks.feedback !== undefined) clearInterval(timer);
      }, 10);
    },
    { control: lab.control, ready: lab.ready },
  );
  await page.goto(`${base}${lab.path}`);
  try {
    await page.waitForFunction(() => (window as unknown as { __loadMarks?: Record<string, number> }).__loadMarks?.ready !== undefined, undefined, {
      timeout: 180_000,
      polling: 100,
    });
  } catch (error) {
    const seen = await page.evaluate(() => JSON.stringify((window as unknown as { __loadMarks?: Record<string, number> }).__loadMarks ?? {})).catch(() => '?');
    const alert = await page
      .locator('[role="alert"]')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(
      `${lab.path}: no ${lab.ready} within 3 minutes (marks so far ${seen}; alerts: ${alert.join(' | ') || 'none'}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return page.evaluate(() => {
    const m = (window as unknown as { __loadMarks: Record<string, number> }).__loadMarks;
    return { usable: m.usable ?? NaN, feedback: m.feedback ?? NaN, ready: m.ready ?? NaN };
  });
}

/** What the server sent for `/models/` on the first and on a second visit in the same profile. */
async function visits(
  context: BrowserContext,
  base: string,
  lab: (typeof LABS)[number],
  traffic: ModelTraffic,
): Promise<{ first: ModelTraffic; second: ModelTraffic }> {
  const visit = async (): Promise<ModelTraffic> => {
    const before = { ...traffic };
    const page = await context.newPage();
    await page.goto(`${base}${lab.path}`);
    await page.waitForSelector(lab.ready, { timeout: 180_000 });
    await page.waitForTimeout(1000);
    await page.close();
    return { requests: traffic.requests - before.requests, notModified: traffic.notModified - before.notModified, bytes: traffic.bytes - before.bytes };
  };
  return { first: await visit(), second: await visit() };
}

/** One line of progress on stderr, so a long run shows where it is (the tables go to stdout at the end). */
function progress(message: string): void {
  process.stderr.write(`bench:load: ${message}\n`);
}

/** The home page's main-thread JavaScript, gzip-compressed, should stay under this many bytes. */
const HOME_JS_TARGET = 300 * 1024;
/** A lab should be usable and show its model loading (with progress) this soon after navigation. */
const LAB_READY_TARGET_MS = 1500;

const kb = (n: number): string => `${(n / 1024).toFixed(0)} KB`;
const ms = (n: number): string => `${Math.round(n).toLocaleString('en')} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      runs: { type: 'string', default: '5' },
      port: { type: 'string', default: process.env.PORT ?? '3290' },
      dir: { type: 'string', default: '.' },
      'no-docs': { type: 'boolean' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be a whole number from 1 to 50; got ${values.runs}.`);
  const dir = path.resolve(values.dir);
  if (!existsSync(path.join(dir, '.next', 'BUILD_ID'))) throw new Error(`No production build in ${dir}: run \`npm run build\` first.`);
  const base = `http://127.0.0.1:${values.port}`;
  const nextPort = String(Number(values.port) + 1);
  // Its own process group, so that stopping it also stops the next-server child it starts.
  const server = spawn(path.join(dir, 'node_modules', '.bin', 'next'), ['start', '-p', nextPort, '-H', '127.0.0.1'], {
    cwd: dir,
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  const traffic: ModelTraffic = { requests: 0, notModified: 0, bytes: 0 };
  const proxy = countingProxy(Number(values.port), Number(nextPort), traffic);
  let browser: Browser | undefined;
  try {
    await waitForServer(base, server);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS });
    // Warm the server (first requests compile nothing in production, but fill the OS file cache).
    for (const p of PAGES) await fetch(`${base}${p}`).catch(() => undefined);

    const weights: Array<{ page: string } & ScriptBytes> = [];
    for (const p of PAGES) {
      const samples: ScriptBytes[] = [];
      for (let i = 0; i < Math.min(runs, 3); i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${base}${p}`);
        samples.push(await scriptBytes(page));
        await context.close();
      }
      const weight = { page: p, gzip: median(samples.map((s) => s.gzip)), raw: median(samples.map((s) => s.raw)), files: median(samples.map((s) => s.files)) };
      weights.push(weight);
      progress(`${p}: ${kb(weight.gzip)} of JavaScript (gzip)`);
    }

    const times: Array<{ lab: string; usable: number[]; feedback: number[]; ready: number[] }> = [];
    const failures: string[] = [];
    for (const lab of LABS) {
      const row = { lab: lab.path, usable: [] as number[], feedback: [] as number[], ready: [] as number[] };
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext();
        try {
          const t = await labTimes(await context.newPage(), base, lab);
          row.usable.push(t.usable);
          row.feedback.push(t.feedback);
          row.ready.push(t.ready);
          progress(`${lab.path} run ${i + 1}/${runs}: usable ${ms(t.usable)}, feedback ${ms(t.feedback)}, ready ${ms(t.ready)}`);
        } catch (error) {
          // Keep measuring the rest; the failure is printed and makes the exit code 1.
          failures.push(`run ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
          progress(`${lab.path} run ${i + 1}/${runs} failed`);
        } finally {
          await context.close();
        }
      }
      times.push(row);
    }

    const revisits: Array<{ lab: string; first: ModelTraffic; second: ModelTraffic }> = [];
    for (const lab of LABS) {
      const context = await browser.newContext();
      try {
        revisits.push({ lab: lab.path, ...(await visits(context, base, lab, traffic)) });
        progress(`${lab.path}: first and second visit counted`);
      } catch (error) {
        failures.push(`second visit of ${lab.path}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await context.close();
      }
    }

    const out = [
      `Main-thread JavaScript per page (cold cache; median of ${Math.min(runs, 3)}):`,
      '',
      '| page | JS gzip (on the wire) | JS unpacked | scripts |',
      '|---|---|---|---|',
      ...weights.map((w) => `| \`${w.page}\` | ${kb(w.gzip)} | ${kb(w.raw)} | ${w.files} |`),
      '',
      `Lab start, from navigation (cold cache; median of ${runs}, min–max):`,
      '',
      '| lab | controls usable | feedback (progress or model) | model ready |',
      '|---|---|---|---|',
    ];
    const cell = (xs: number[]): string =>
      xs.length === 0
        ? 'no run got ready'
        : `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})${xs.length < runs ? ` [${xs.length} of ${runs} runs]` : ''}`;
    for (const t of times) out.push(`| \`${t.lab}\` | ${cell(t.usable)} | ${cell(t.feedback)} | ${cell(t.ready)} |`);
    out.push(
      '',
      'Model files sent by the server, first and second visit (same browser profile):',
      '',
      '| lab | first visit: answers, body bytes | second visit: answers (304), body bytes |',
      '|---|---|---|',
    );
    for (const r of revisits)
      out.push(
        `| \`${r.lab}\` | ${r.first.requests}, ${r.first.bytes.toLocaleString('en')} | ${r.second.requests} (${r.second.notModified}), ${r.second.bytes.toLocaleString('en')} |`,
      );
    const home = weights.find((w) => w.page === '/');
    const slowest = Math.max(...times.flatMap((t) => [...t.usable, ...t.feedback]));
    out.push(
      '',
      `Targets: the home page's JavaScript ≤ ${kb(HOME_JS_TARGET)} gzip: ${home && home.gzip <= HOME_JS_TARGET ? 'met' : 'not met'} (${home ? kb(home.gzip) : 'not measured'}); ` +
        `every lab interactive (controls usable, loading shown with progress) in ≤ ${ms(LAB_READY_TARGET_MS)}: ${slowest <= LAB_READY_TARGET_MS ? 'met' : 'not met'} (slowest run ${ms(slowest)}).`,
    );
    console.log(`\nBuild measured: ${dir}\n\n${out.join('\n')}`);
    if (failures.length > 0) {
      console.error(`\n${count(failures.length, 'lab start')} failed:\n${failures.join('\n')}`);
      process.exitCode = 1;
    } else if (dir === path.resolve('.')) {
      // Another checkout's build (--dir) is for a before/after comparison, not this checkout's docs.
      await publishBenchTables('load', out.join('\n'));
    } else {
      console.error(`Measured another checkout's build (--dir): ${BENCH_DOCS} left alone.`);
    }
  } finally {
    await browser?.close();
    proxy.close();
    if (server.pid !== undefined) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        server.kill('SIGTERM');
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(`bench:load: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

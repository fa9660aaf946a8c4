/**
 * `npm run bench:finetune [-- --where node,terminal,browser --modes encoder,decoder,whole,latent
 * --minutes 3 --pop <POP909 folder> --pop-windows 512 --refine 50 --refine-limit 64 --work <dir>
 * --port 3197 --no-docs]`: fine-tunes mel_2bar on 20 jigs (scripts/bench-data) for at most
 * `--minutes` each way and scores 5 other jigs (greedy reconstruction from the encoder's μ, and
 * from codes refined K steps) and a fixed subset of POP909's validation windows (what it forgets),
 * before and after:
 *   - node: the library (lib/music/finetune) in this process, one run per mode — the comparison
 *     that chose the labs' default mode;
 *   - terminal: `train:music --init models/mel_2bar --finetune <default mode> --hold-out 5
 *     --max-minutes M` on the 25 tunes (it holds back the same 5);
 *   - browser: the melody lab's "Teach it your style" panel in headless Chromium on WASM (needs
 *     `npm run build` and the panel mounted in the lab): the 25 files dropped, the default mode,
 *     a time limit of M minutes; the saved model is exported and scored here. Also every main-thread
 *     task over 50 ms while it trains (PerformanceObserver "longtask").
 * Prints a table and writes it into docs/fine-tuning.md. CPU load (others' jobs share the cores) is
 * reported beside the numbers. Run it under `nice -n 19`.
 */
import { chromium } from '@playwright/test';
import { unzipSync } from 'fflate';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { fsSource } from '../lib/core/checkpoint-node';
import { buildMusicDataset } from '../lib/music/dataset-node';
import { evenlySpaced } from '../lib/music/evaluate';
import { FineTuner, runFineTune, type FineTunedModel } from '../lib/music/finetune';
import { readFineTuneFile } from '../lib/music/finetune-data';
import { sampleLabels, scoreReconstruction, styleDistance, styleProfile } from '../lib/music/finetune-eval';
import { DEFAULT_FINETUNE_MODE, FINETUNE_MODES, fineTuneRecipe, type FineTuneMode } from '../lib/music/finetune-recipe';
import { MusicVAE } from '../lib/music/music-vae';
import { jigSplit } from './bench-data/jigs';
import { chromiumPath } from './chromium-path.mjs';
import { publishBenchTables } from './docs-table';
import { hasProductionBuild, startProdServer } from './testing/prod-server';

const run = promisify(execFile);

interface Score {
  jig: number;
  jigEvents: number;
  refined?: number;
  pop: number;
  style: { sounds: number; positions: number; densityRatio: number };
}
interface Row {
  where: string;
  mode: FineTuneMode;
  steps: number;
  seconds: number;
  score?: Score;
  load: string;
  note?: string;
}

/** The 1-minute load average, sampled every 5 s while `work` runs: "mean (min–max)". */
async function withLoad<T>(work: () => Promise<T>): Promise<{ value: T; load: string }> {
  const samples: number[] = [os.loadavg()[0] ?? 0];
  const timer = setInterval(() => samples.push(os.loadavg()[0] ?? 0), 5000);
  try {
    const value = await work();
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    return { value, load: `${mean.toFixed(1)} (${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)})` };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      where: { type: 'string', default: 'node,terminal,browser' },
      modes: { type: 'string', default: FINETUNE_MODES.join(',') },
      minutes: { type: 'string', default: '3' },
      pop: { type: 'string', default: '../shared/data/pop909' },
      'pop-windows': { type: 'string', default: '512' },
      refine: { type: 'string', default: '50' },
      'refine-limit': { type: 'string', default: '64' },
      work: { type: 'string', default: path.join(os.tmpdir(), 'latent-lab-bench-finetune') },
      port: { type: 'string', default: '3197' },
      'no-docs': { type: 'boolean' },
    },
  });
  const where = new Set(values.where.split(','));
  const modes = values.modes.split(',').filter((m): m is FineTuneMode => (FINETUNE_MODES as readonly string[]).includes(m));
  const minutes = Number(values.minutes);
  const refineSteps = Number(values.refine);
  const refineLimit = Number(values['refine-limit']);
  if (!(minutes > 0) || !Number.isInteger(refineSteps) || refineSteps < 0) throw new Error('--minutes must be > 0 and --refine a whole number ≥ 0.');
  await initNodeBackend('wasm');
  const base = await MusicVAE.load(fsSource(path.resolve('models/mel_2bar')), { keepVariables: true, name: 'mel_2bar' });
  const conv = base.converter;

  // The data: 25 jigs written as MIDI files (20 to learn from, 5 other tunes to score), and POP909's validation windows.
  const { train, test } = await jigSplit();
  const all = path.join(values.work, 'jigs');
  await rm(values.work, { recursive: true, force: true });
  await mkdir(all, { recursive: true });
  for (const t of [...train, ...test]) await writeFile(path.join(all, t.name), t.midi);
  const windowsOf = (tunes: typeof train) => tunes.flatMap((t) => readFineTuneFile(t.name, t.midi, conv).windows);
  const trainWindows = windowsOf(train);
  const testWindows = windowsOf(test);
  const pop = await buildMusicDataset(path.resolve(values.pop), conv, { ignoreMeter: true, kit: 'gm' });
  const popWindows = evenlySpaced(
    pop.files.filter((f) => f.split === 'validation').flatMap((f) => f.windows),
    Number(values['pop-windows']),
  );
  const style = styleProfile(testWindows, 'melody');
  console.log(
    `${trainWindows.length} windows of 20 jigs to learn from; ${testWindows.length} windows of 5 other jigs (${test.map((t) => t.name).join(', ')}) and ${popWindows.length} POP909 validation windows to score.`,
  );

  const score = async (model: FineTunedModel): Promise<Score> => {
    const jig = await scoreReconstruction(model, testWindows);
    const refined =
      refineSteps > 0 ? (await scoreReconstruction(model, evenlySpaced(testWindows, refineLimit), { refine: { steps: refineSteps } })).refined : undefined;
    const p = await scoreReconstruction(model, popWindows);
    const samples = await sampleLabels(model, 64, 0.5, 7);
    return {
      jig: jig.amortized.greedyAccuracy,
      jigEvents: jig.amortized.greedyEventAccuracy,
      ...(refined ? { refined: refined.greedyAccuracy } : {}),
      pop: p.amortized.greedyAccuracy,
      style: styleDistance(styleProfile(samples, 'melody'), style),
    };
  };
  const disposeModel = (m: FineTunedModel) => {
    m.vae.dispose();
    m.latent?.dispose();
  };

  const rows: Row[] = [];
  const add = (row: Row): void => {
    rows.push(row);
    console.log(`  ${JSON.stringify(row)}`); // as they come: a later failure keeps what was measured
  };
  console.log('Scoring mel_2bar as shipped…');
  const before = await score({ vae: base });
  add({
    where: '—',
    mode: DEFAULT_FINETUNE_MODE,
    steps: 0,
    seconds: 0,
    score: before,
    load: os.loadavg()[0]?.toFixed(1) ?? '?',
    note: 'mel_2bar as shipped',
  });

  if (where.has('node'))
    for (const mode of modes) {
      console.log(`Fine-tuning in Node, ${mode}, ${minutes} min…`);
      const tuner = await FineTuner.create(base, trainWindows, fineTuneRecipe(mode, 'melody'));
      const { load } = await withLoad(() => runFineTune(tuner, { until: 100_000, maxSeconds: minutes * 60 }));
      const model = await tuner.model();
      add({ where: 'node (library)', mode, steps: tuner.step, seconds: tuner.seconds, score: await score(model), load });
      disposeModel(model);
      tuner.dispose();
    }

  if (where.has('terminal')) {
    console.log(`Fine-tuning from the terminal (train:music --finetune ${DEFAULT_FINETUNE_MODE}), ${minutes} min…`);
    const out = path.join(values.work, 'terminal');
    const args = ['--import', 'tsx', 'scripts/train-music.ts', '--model', 'melody', '--init', 'models/mel_2bar', '--finetune', DEFAULT_FINETUNE_MODE];
    args.push(
      '--data',
      all,
      '--hold-out',
      '5',
      '--out',
      out,
      '--steps',
      '100000',
      '--max-minutes',
      String(minutes),
      '--eval-every',
      '100000',
      '--checkpoint-every',
      '100000',
    );
    const { value, load } = await withLoad(() => run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }));
    const result = JSON.parse(value.stdout) as { steps: number; startStep: number; seconds: number };
    // The weights the run ended with (out/training), not the best of before/after, which the held-back tunes chose.
    const model = await MusicVAE.load(fsSource(path.join(out, 'training')), { keepVariables: true });
    add({
      where: 'terminal (train:music)',
      mode: DEFAULT_FINETUNE_MODE,
      steps: result.steps - result.startStep,
      seconds: result.seconds,
      score: await score({ vae: model }),
      load,
    });
    model.dispose();
  }

  if (where.has('browser')) {
    if (!hasProductionBuild()) throw new Error('The browser run needs a production build: npm run build.');
    console.log(`Fine-tuning in headless Chromium (the melody lab's panel, WASM), ${minutes} min…`);
    const server = await startProdServer({ port: Number(values.port) });
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage({ acceptDownloads: true });
      await page.addInitScript(() => {
        const w = window as unknown as { longTasks: { start: number; duration: number }[] };
        w.longTasks = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push({ start: e.startTime, duration: e.duration }))).observe({
          type: 'longtask',
          buffered: true,
        });
      });
      await page.goto(`${server.url}/music/melody?backend=wasm`);
      await page.getByTestId('music-model-info').and(page.locator('[data-name="mel_2bar"]')).waitFor({ timeout: 180_000 });
      const isolated = await page.evaluate(() => crossOriginIsolated);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const panel = page.getByTestId('finetune-panel');
      await panel.getByTestId('finetune-files').setInputFiles([...train, ...test].map((t) => path.join(all, t.name)));
      await panel.getByTestId('finetune-found').waitFor();
      await panel.getByTestId('finetune-steps').fill('5000');
      await panel.getByTestId('finetune-minutes').fill(String(minutes));
      const startedAt = await page.evaluate(() => performance.now());
      const { load } = await withLoad(async () => {
        await panel.getByTestId('finetune-start').click();
        await panel.getByTestId('finetune-result').waitFor({ timeout: (minutes * 60 + 600) * 1000 });
      });
      const endedAt = await page.evaluate(() => performance.now());
      const long = (await page.evaluate(() => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks)).filter(
        (t) => t.start >= startedAt && t.start <= endedAt,
      );
      const resultText = (await panel.getByTestId('finetune-result').textContent()) ?? '';
      const steps = Number(/after (\d+) steps/.exec(resultText)?.[1] ?? NaN);
      const seconds = /\((\d+) min (\d+) s|\((\d+) s/.exec(resultText);
      await panel.getByTestId('finetune-name').fill('bench-jigs');
      await panel.getByTestId('finetune-save').click();
      await panel.getByTestId('finetune-status').waitFor();
      const saved = panel.locator('[data-testid="finetune-saved-model"][data-name="bench-jigs"]');
      const [download] = await Promise.all([page.waitForEvent('download'), saved.getByText('export (Magenta checkpoint, ZIP)').click()]);
      const files = unzipSync(new Uint8Array(await readFile(await download.path())));
      const dir = path.join(values.work, 'browser-model');
      for (const [name, bytes] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
        await writeFile(path.join(dir, name), bytes);
      }
      const model = await MusicVAE.load(fsSource(path.join(dir, 'bench-jigs')), { keepVariables: true });
      const longest = long.reduce((m, t) => Math.max(m, t.duration), 0);
      add({
        where: 'browser (lab panel, WASM)',
        mode: DEFAULT_FINETUNE_MODE,
        steps,
        seconds: seconds ? (seconds[3] ? Number(seconds[3]) : Number(seconds[1]) * 60 + Number(seconds[2])) : NaN,
        score: await score({ vae: model }),
        load,
        note: `${resultText.match(/\d+ workers, one per core|\d+ threads?/)?.[0] ?? '? threads'} (${cores} cores reported), cross-origin isolated: ${isolated}; main-thread tasks over 50 ms while training: ${long.length}${long.length ? ` (longest ${longest.toFixed(0)} ms)` : ''}`,
      });
      model.dispose();
    } finally {
      await browser.close();
      await server.stop();
    }
  }
  base.dispose();

  const f = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));
  const d = (x: number | undefined, y: number | undefined): string =>
    x === undefined || y === undefined ? '' : ` (${x - y >= 0 ? '+' : ''}${(x - y).toFixed(3)})`;
  const lines = [
    `Fine-tuning mel_2bar on 20 jigs for at most ${minutes} min; scored on 5 other jigs (${testWindows.length} windows; refined: K = ${refineSteps} on ${Math.min(refineLimit, testWindows.length)} of them) and ${popWindows.length} POP909 validation windows (spread evenly). Greedy accuracy over all steps; style: total-variation distance of 64 samples (T = 0.5) from the 5 jigs' pitch classes / onset positions (0 = the same).`,
    '',
    '| where | mode | steps | seconds | jigs, amortized | jigs, refined | POP909, amortized | style distance (pitch / rhythm) | load (1-min avg) | note |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const s = r.score;
      return `| ${r.where} | ${r.steps === 0 ? '—' : r.mode} | ${r.steps || '—'} | ${r.seconds ? r.seconds.toFixed(0) : '—'} | ${f(s?.jig)}${d(s?.jig, before.jig)} | ${f(s?.refined)}${d(s?.refined, before.refined)} | ${f(s?.pop)}${d(s?.pop, before.pop)} | ${s ? `${s.style.sounds.toFixed(2)} / ${s.style.positions.toFixed(2)}` : ''} | ${r.load} | ${r.note ?? ''} |`;
    }),
    '',
    'Targets: jigs amortized +0.10, refined +0.03, POP909 at most −0.05, in at most 3 minutes, in the browser and from the terminal:',
    ...rows
      .filter((r) => r.steps > 0 && r.mode === DEFAULT_FINETUNE_MODE && r.score)
      .map((r) => {
        const s = r.score as Score;
        const ok = (c: boolean) => (c ? 'met' : 'not met');
        return `- ${r.where}: amortized ${ok(s.jig - before.jig >= 0.1)}, refined ${ok((s.refined ?? -1) - (before.refined ?? 0) >= 0.03)}, POP909 ${ok(before.pop - s.pop <= 0.05)}.`;
      }),
  ];
  console.log(`\n${lines.join('\n')}`);
  await publishBenchTables('finetune', lines.join('\n'), process.argv.slice(2), 'docs/fine-tuning.md');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

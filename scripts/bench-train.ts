/**
 * `npm run bench:train`: MusicVAE training throughput (windows per second) per backend and number of
 * data-parallel workers, for the shipped-model sizes (encoder 256, decoder 2×256, z 128) at batch 64,
 * melody and drums. Median of `--steps` timed steps (default 3) after 2 warm-up steps, on random valid windows.
 *   npm run bench:train [-- --backends wasm,cpu --batch 64 --workers 1,2 --steps 10 --no-docs]
 * Writes its table into docs/benchmarks.md (`--no-docs` skips that).
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { createRng } from '../lib/core/random';
import { DrumsConverter } from '../lib/music/converters/drums';
import { MelodyConverter } from '../lib/music/converters/melody';
import { DEFAULT_HPARAMS } from '../lib/music/train-options';
import { MusicVaeTrainer } from '../lib/music/train';
import { ParallelTrainer } from '../lib/music/train-parallel';
import { nodeTrainPeer } from '../lib/music/train-parallel-node';
import { publishBenchTables } from './docs-table';
import { count } from '../lib/core/text';

/** Two data-parallel workers should train at least this many times faster than one. */
const TWO_WORKER_TARGET = 1.7;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string' },
      batch: { type: 'string' },
      workers: { type: 'string' },
      steps: { type: 'string' },
      'no-docs': { type: 'boolean' },
    },
    strict: true,
  });
  const backends = (values.backends ?? 'wasm').split(',').map((b) => parseBackendName(b));
  const batchSize = Number(values.batch ?? 64);
  const workerCounts = (values.workers ?? `1,${os.availableParallelism()}`).split(',').map(Number);
  if (workerCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--workers takes whole numbers ≥ 1, e.g. 1,2.');
  const timed = Number(values.steps ?? 3);
  if (!Number.isInteger(timed) || timed < 1 || timed > 100) throw new Error('--steps takes the number of timed steps, 1–100.');
  await initNodeBackend();
  const rows: string[] = [];
  /** Speed-ups of two workers over one (the target is ≥ 1.7×). */
  const twoWorkers: { label: string; ratio: number }[] = [];
  for (const backend of backends) {
    if (backend !== 'wasm' && backend !== 'cpu') continue;
    await tf.setBackend(backend);
    for (const kind of ['melody', 'drums'] as const) {
      let single = NaN;
      for (const workers of workerCounts) {
        const converter = kind === 'melody' ? new MelodyConverter() : new DrumsConverter();
        const trainer = new MusicVaeTrainer(converter, DEFAULT_HPARAMS[kind]);
        const parallel = new ParallelTrainer(trainer, converter, workers, nodeTrainPeer);
        await parallel.start();
        const rng = createRng(3);
        const times: number[] = [];
        for (let s = 0; s < 2 + timed; s++) {
          const windows = Array.from({ length: batchSize }, () =>
            Int32Array.from({ length: 32 }, () => (kind === 'drums' ? rng.int(512) : rng.next() < 0.3 ? 2 + rng.int(88) : rng.int(2))),
          );
          const t0 = performance.now();
          await parallel.trainStep(windows, s);
          if (s >= 2) times.push(performance.now() - t0);
        }
        await parallel.close();
        trainer.dispose();
        times.sort((a, b) => a - b);
        const ms = times[Math.floor((times.length - 1) / 2)] ?? NaN;
        const rate = (batchSize * 1000) / ms;
        if (workers === 1) single = rate;
        if (workers === 2 && Number.isFinite(single)) twoWorkers.push({ label: `${backend} ${kind}`, ratio: rate / single });
        rows.push(
          `| ${backend} | ${kind} | ${workers} | ${(ms / 1000).toFixed(2)} s (${((times[0] ?? NaN) / 1000).toFixed(2)}–${((times[times.length - 1] ?? NaN) / 1000).toFixed(2)}) | ${rate.toFixed(1)} | ${Number.isFinite(single) ? `${(rate / single).toFixed(2)}×` : '—'} |`,
        );
        process.stderr.write(`${backend} ${kind} ${count(workers, 'worker')} done\n`);
      }
    }
  }
  const title = `Training throughput: encoder 256, decoder 2×256, z 128, batch ${batchSize}, ${os.availableParallelism()} cores`;
  const table = [
    `| backend | model | workers | time per step, median of ${timed} (min–max) | windows per second | vs 1 worker |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  const verdict =
    twoWorkers.length > 0
      ? `\n\nTarget: 2 workers ≥ ${TWO_WORKER_TARGET}× one: ${twoWorkers.map((t) => `${t.label} ${t.ratio.toFixed(2)}× (${t.ratio >= TWO_WORKER_TARGET ? 'met' : 'not met'})`).join(', ')}.`
      : '';
  console.log(`${title}\n${table}${verdict}`);
  await publishBenchTables('train', `${title}:\n\n${table}${verdict}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

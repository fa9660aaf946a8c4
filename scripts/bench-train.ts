/**
 * `npm run bench:train`: MusicVAE training throughput (windows per second) per backend, for the
 * default shipped-model sizes (encoder 256, decoder 2×256, z 128) at batch 64, melody and drums.
 * Median of 3 timed steps after 2 warm-up steps, on random valid windows.
 *   npm run bench:train [-- --backends wasm,cpu --batch 64]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { createRng } from '../lib/core/random';
import { DrumsConverter } from '../lib/music/converters/drums';
import { MelodyConverter } from '../lib/music/converters/melody';
import { batchTensors, DEFAULT_HPARAMS, MusicVaeTrainer } from '../lib/music/train';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backends: { type: 'string' }, batch: { type: 'string' } }, strict: true });
  const backends = (values.backends ?? 'wasm,cpu').split(',').map((b) => parseBackendName(b));
  const batchSize = Number(values.batch ?? 64);
  await initNodeBackend();
  const rows: string[] = [];
  for (const backend of backends) {
    if (backend !== 'wasm' && backend !== 'cpu') continue;
    await tf.setBackend(backend);
    for (const kind of ['melody', 'drums'] as const) {
      const converter = kind === 'melody' ? new MelodyConverter() : new DrumsConverter();
      const trainer = new MusicVaeTrainer(converter, DEFAULT_HPARAMS[kind]);
      const rng = createRng(3);
      const times: number[] = [];
      for (let s = 0; s < 5; s++) {
        const windows = Array.from({ length: batchSize }, () => Int32Array.from({ length: 32 }, () => (kind === 'drums' ? rng.int(512) : rng.next() < 0.3 ? 2 + rng.int(88) : rng.int(2))));
        const batch = batchTensors(converter, windows);
        const t0 = performance.now();
        await trainer.trainStep(batch, s);
        if (s >= 2) times.push(performance.now() - t0);
        tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
      }
      trainer.dispose();
      times.sort((a, b) => a - b);
      const ms = times[1] ?? NaN;
      rows.push(`| ${backend} | ${kind} | ${(ms / 1000).toFixed(2)} s | ${((batchSize * 1000) / ms).toFixed(1)} |`);
      process.stderr.write(`${backend} ${kind} done\n`);
    }
  }
  console.log(`Training throughput: encoder 256, decoder 2×256, z 128, batch ${batchSize}`);
  console.log('| backend | model | time per step | windows per second |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

/**
 * `npm run dataset:music -- --model melody|drums --data <dir> [--cache <dir>]`: builds (or loads
 * from cache) the 2-bar training windows of every MIDI file below <dir> and prints the counts.
 * The training command uses the same code; this one lets you check a folder first.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError } from '../lib/core/errors';
import { DrumsConverter } from '../lib/music/converters/drums';
import { MelodyConverter } from '../lib/music/converters/melody';
import { buildMusicDataset } from '../lib/music/dataset-node';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, data: { type: 'string' }, cache: { type: 'string' } }, strict: true });
  if (values.model !== 'melody' && values.model !== 'drums') throw new Error('--model must be melody or drums.');
  if (!values.data) throw new Error('--data <folder of MIDI files> is required.');
  const converter = values.model === 'melody' ? new MelodyConverter() : new DrumsConverter();
  const t0 = performance.now();
  let last = 0;
  const dataset = await buildMusicDataset(path.resolve(values.data), converter, {
    cacheDir: values.cache,
    ignoreMeter: values.model === 'melody',
    kit: values.model === 'drums' ? 'roland-td11' : 'gm',
    onProgress: (done, total) => {
      const now = performance.now();
      if (now - last > 500 || done === total) {
        last = now;
        const width = 30;
        const filled = Math.round((done / total) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
      }
    },
  });
  process.stderr.write('\n');
  console.log(
    JSON.stringify({ model: values.model, fromCache: dataset.fromCache, seconds: +((performance.now() - t0) / 1000).toFixed(2), ...dataset.counts }, null, 2),
  );
}

main().catch((error: unknown) => {
  console.error(`dataset:music: ${describeError(error)}`);
  process.exit(1);
});

/**
 * `npm run eval:music -- --model models/<id> --data <dir> [--split validation|train] [--limit N] [--backend wasm|cpu]`:
 * evaluates a MusicVAE checkpoint on the windows of a MIDI folder (the same windows and split as
 * training) and prints JSON: windows, teacher-forced accuracy, greedy reconstruction accuracy (all
 * steps and event steps), mean KL, active latent units, and sample vs data note density and range.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { sourceFor } from '../lib/core/checkpoint-node';
import { describeError } from '../lib/core/errors';
import { buildMusicDataset } from '../lib/music/dataset-node';
import { evaluateModel } from '../lib/music/evaluate';
import { MusicVAE } from '../lib/music/music-vae';

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { model: { type: 'string' }, data: { type: 'string' }, split: { type: 'string' }, limit: { type: 'string' }, backend: { type: 'string' } },
  });
  if (!values.model || !values.data) throw new Error('--model <checkpoint folder or URL> and --data <folder of MIDI files> are required.');
  const split = values.split ?? 'validation';
  if (split !== 'validation' && split !== 'train') throw new Error('--split must be validation or train.');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu here.');
  const choice = await initNodeBackend(backend);
  const model = await MusicVAE.load(sourceFor(values.model), { keepVariables: true });
  try {
    const kind = model.converter.kind;
    const dataset = await buildMusicDataset(path.resolve(values.data), model.converter, { ignoreMeter: kind === 'melody', kit: kind === 'drums' ? 'roland-td11' : 'gm' });
    let windows = dataset.files.filter((f) => f.split === split).flatMap((f) => f.windows);
    if (values.limit) windows = windows.slice(0, Math.max(1, Number(values.limit)));
    const t0 = performance.now();
    const report = await evaluateModel(model, windows);
    console.log(JSON.stringify({ model: values.model, split, backend: choice.backend, seconds: +((performance.now() - t0) / 1000).toFixed(1), ...report }, null, 2));
  } finally {
    model.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`eval:music: ${describeError(error)}`);
  process.exit(1);
});

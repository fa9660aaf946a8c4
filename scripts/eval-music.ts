/**
 * `npm run eval:music -- --model models/<id> --data <dir> [--split validation|train|test | --all] [--limit N] [--samples N] [--refine K [--refine-limit N]] [--backend wasm|cpu]`:
 * evaluates a MusicVAE checkpoint on the windows of a MIDI folder (the same windows and split as
 * training; `--split test`: a dataset's own test split, e.g. Groove MIDI's; `--all`: every window of the
 * folder whatever its split, test rows of an info.csv included — e.g. a folder the model never saw) and
 * prints JSON: windows, teacher-forced accuracy, greedy reconstruction accuracy (all steps and event
 * steps), mean KL, active latent units, and sample vs data note density and range — and the share of
 * `--samples` T = 0.5 samples (default 64) with over twice the data's notes/hits per window. With
 * `--refine K`, also `refined: {greedyAccuracy, greedyEventAccuracy, meanDistanceSigma}` from codes
 * refined by K Adam steps (the labs' recipe: learning rate 0.5, steps scaled by the encoder's σ;
 * `--refine-lr` sets the rate, `--refine-plain` gives plain Adam at 0.3 — the recipe of the figures
 * written before 7 December 2026) on all windows, or on
 * `--refine-limit N` of them spread evenly over the set (refining costs K decoder passes a window).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { sourceFor } from '../lib/core/checkpoint-node';
import { describeError } from '../lib/core/errors';
import { PLAIN_REFINE } from '../lib/latent/refine';
import { buildMusicDataset } from '../lib/music/dataset-node';
import { evaluateModel, evenlySpaced } from '../lib/music/evaluate';
import { MusicVAE } from '../lib/music/music-vae';

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      split: { type: 'string' },
      all: { type: 'boolean', default: false },
      limit: { type: 'string' },
      samples: { type: 'string' },
      refine: { type: 'string' },
      'refine-lr': { type: 'string' },
      'refine-plain': { type: 'boolean', default: false },
      'refine-limit': { type: 'string' },
      backend: { type: 'string' },
    },
  });
  if (!values.model || !values.data) throw new Error('--model <checkpoint folder or URL> and --data <folder of MIDI files> are required.');
  const split = values.all ? 'all' : (values.split ?? 'validation');
  if (split !== 'validation' && split !== 'train' && split !== 'test' && split !== 'all')
    throw new Error(`--split must be validation, train or test (or pass --all for every window); got "${split}".`);
  if (values.all && values.split) throw new Error('Give --split or --all, not both.');
  const refineSteps = values.refine === undefined ? undefined : Number(values.refine);
  if (refineSteps !== undefined && (!Number.isInteger(refineSteps) || refineSteps < 1 || refineSteps > 1000))
    throw new Error(`--refine must be a whole number of steps from 1 to 1000; got "${values.refine}".`);
  const plain = values['refine-plain'];
  const refineLr = values['refine-lr'] === undefined ? (plain ? PLAIN_REFINE.learningRate : undefined) : Number(values['refine-lr']);
  if (refineLr !== undefined && (!Number.isFinite(refineLr) || refineLr <= 0))
    throw new Error(`--refine-lr must be a positive number; got "${values['refine-lr']}".`);
  const refineLimit = values['refine-limit'] === undefined ? undefined : Number(values['refine-limit']);
  if (refineLimit !== undefined && (!Number.isInteger(refineLimit) || refineLimit < 1))
    throw new Error(`--refine-limit must be a whole number of windows (1 or more); got "${values['refine-limit']}".`);
  const samples = values.samples === undefined ? 64 : Number(values.samples);
  if (!Number.isInteger(samples) || samples < 1 || samples > 100_000)
    throw new Error(`--samples must be a whole number from 1 to 100000; got "${values.samples}".`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new Error(`--limit must be a whole number ≥ 1; got "${values.limit}".`);
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu here.');
  const choice = await initNodeBackend(backend);
  const model = await MusicVAE.load(sourceFor(values.model), { keepVariables: true });
  try {
    const kind = model.converter.kind;
    const dataset = await buildMusicDataset(path.resolve(values.data), model.converter, {
      ignoreMeter: kind === 'melody',
      kit: kind === 'drums' ? 'roland-td11' : 'gm',
    });
    let windows = dataset.files.filter((f) => split === 'all' || f.split === split).flatMap((f) => f.windows);
    if (windows.length === 0) throw new Error(`${values.data} has no ${split === 'all' ? '' : `${split} `}2-bar windows for a ${kind} model.`);
    // --limit N takes N windows spread evenly over the set (every file has its turn), not the first N.
    if (limit !== undefined) windows = evenlySpaced(windows, limit);
    const t0 = performance.now();
    const report = await evaluateModel(model, windows, {
      samples,
      ...(refineSteps
        ? {
            refine: {
              steps: refineSteps,
              ...(refineLr === undefined ? {} : { learningRate: refineLr }),
              ...(plain ? { scaleBySigma: PLAIN_REFINE.scaleBySigma } : {}),
            },
            ...(refineLimit ? { refineLimit } : {}),
          }
        : {}),
      onProgress: (done, total) => process.stderr.write(`\r${done}/${total} windows evaluated…`),
      onRefineProgress: (done, total) => process.stderr.write(`\r${done}/${total} windows refined with ${refineSteps ?? 0} steps…`),
    });
    process.stderr.write('\n');
    console.log(
      JSON.stringify({ model: values.model, split, backend: choice.backend, seconds: +((performance.now() - t0) / 1000).toFixed(1), ...report }, null, 2),
    );
  } finally {
    model.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`eval:music: ${describeError(error)}`);
  process.exit(1);
});

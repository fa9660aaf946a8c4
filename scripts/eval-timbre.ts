/**
 * `npm run eval:timbre -- [--model models/timbre] [--data /work/runs/timbre-data] [--split heldout-program]
 *   [--max-notes N] [--pca-notes 200] [--pairs 300] [--k 5] [--refine K] [--out report.json]`
 *
 * Prints JSON: issue 23's targets on notes the model never trained on (held-out programs by
 * default; `--split heldout-soundfont` for MuseScore General's renders of the same programs), each
 * with its measured value and whether it is met; `--refine K` also reconstructs from codes refined
 * with K Adam steps (the lab's refine toggle). See lib/timbre/evaluate.ts for the measures.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { fsSource } from '../lib/core/checkpoint-node';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { SPLITS, type Split } from '../lib/timbre/dataset';
import { loadDataset } from '../lib/timbre/dataset-node';
import { evaluateTimbre, TIMBRE_TARGETS } from '../lib/timbre/evaluate';
import { TimbreModel } from '../lib/timbre/timbre-model';

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--${name} must be a positive whole number; got "${value}".`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      model: { type: 'string', default: 'models/timbre' },
      data: { type: 'string', default: '/work/runs/timbre-data' },
      split: { type: 'string', default: 'heldout-program' },
      'max-notes': { type: 'string' },
      'pca-notes': { type: 'string' },
      pairs: { type: 'string' },
      k: { type: 'string' },
      'griffin-lim': { type: 'string' },
      refine: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!(SPLITS as readonly string[]).includes(values.split)) throw new InvalidInputError(`--split must be one of ${SPLITS.join(', ')}; got "${values.split}".`);
  const started = performance.now();
  const backend = await initNodeBackend();
  const model = await TimbreModel.load(fsSource(path.resolve(values.model)));
  const data = await loadDataset(path.resolve(values.data));
  try {
    const report = await evaluateTimbre(model, data, {
      split: values.split as Split,
      maxNotes: positive(values['max-notes'], 'max-notes'),
      pcaNotes: positive(values['pca-notes'], 'pca-notes'),
      pairs: positive(values.pairs, 'pairs'),
      k: positive(values.k, 'k'),
      griffinLimIterations: positive(values['griffin-lim'], 'griffin-lim'),
      refineSteps: positive(values.refine, 'refine'),
      onProgress: (m) => process.stderr.write(m + '\n'),
    });
    const r = report.reconstruction;
    const targets = {
      reconstructionVsSine: { target: `≤ ${TIMBRE_TARGETS.vsSine}`, measured: r.ratioToSine, met: r.ratioToSine <= TIMBRE_TARGETS.vsSine },
      reconstructionVsPca: { target: `≤ ${TIMBRE_TARGETS.vsPca}`, measured: r.ratioToPca, met: r.ratioToPca <= TIMBRE_TARGETS.vsPca },
      ...(r.refined
        ? {
            refinedVsSine: { target: `≤ ${TIMBRE_TARGETS.vsSine}`, measured: r.refined.ratioToSine, met: r.refined.ratioToSine <= TIMBRE_TARGETS.vsSine },
            refinedVsPca: { target: `≤ ${TIMBRE_TARGETS.vsPca}`, measured: r.refined.ratioToPca, met: r.refined.ratioToPca <= TIMBRE_TARGETS.vsPca },
          }
        : {}),
      pitchWithin50Cents: {
        target: `≥ ${TIMBRE_TARGETS.pitchWithin50Cents}`,
        measured: report.pitch.within50Cents,
        met: report.pitch.within50Cents >= TIMBRE_TARGETS.pitchWithin50Cents,
      },
      familyKnn: { target: `≥ ${TIMBRE_TARGETS.familyKnn}`, measured: report.family.accuracy, met: report.family.accuracy >= TIMBRE_TARGETS.familyKnn },
      midpointBetween: {
        target: `≥ ${TIMBRE_TARGETS.midpointBetween}`,
        measured: report.midpoint.between,
        met: report.midpoint.between >= TIMBRE_TARGETS.midpointBetween,
      },
    };
    const out = {
      model: path.resolve(values.model),
      data: path.resolve(values.data),
      backend: backend.backend,
      seconds: Math.round((performance.now() - started) / 1000),
      parameters: model.parameterCount,
      targets,
      ...report,
    };
    const text = JSON.stringify(out, null, 2);
    if (values.out) await writeFile(values.out, text + '\n');
    console.log(text);
  } finally {
    model.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`eval:timbre: ${describeError(error)}`);
  process.exit(1);
});

/**
 * `npm run export:music -- --from <training run folder> --to models/<id> --data <MIDI folder>
 *   --title "<title>" --command "<the training commands>" [--quantize float16|uint8|none] [--notes "<text>"] [--refine-windows N]`
 *
 * Ships a trained MusicVAE: evaluates the run's best checkpoint (float32) and a quantized copy on the
 * validation files (refined codes with K = 50 on 512 windows spread over them, 1,000 samples at T = 0.5), keeps the
 * quantized one only if it costs under 0.5 points of greedy accuracy, writes the Magenta checkpoint
 * folder, `history.json` (so a later run can continue the curve: train:music --init), the
 * accuracy-vs-time plot and MODEL_CARD.md (lib/music/model-card) and the models/manifest.json entry.
 */
import { parseHTML } from 'linkedom';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { initNodeBackend } from '../lib/core/backend-node';
import { loadCheckpointTensors } from '../lib/core/checkpoint';
import { fsSource, writeCheckpointFolder } from '../lib/core/checkpoint-node';
import { encodeCheckpoint, tensorsToNamedValues, type Quantization } from '../lib/core/checkpoint-write';
import { describeError } from '../lib/core/errors';
import { updateManifest } from '../lib/core/model-manifest-node';
import { buildMusicDataset } from '../lib/music/dataset-node';
import { evaluateModel, type EvaluationReport } from '../lib/music/evaluate';
import { accuracyPlot, historyPointSchema, musicModelCard } from '../lib/music/model-card';
import { MusicVAE } from '../lib/music/music-vae';

const stateSchema = z.object({
  step: z.number().int(),
  hparams: z.record(z.string(), z.unknown()),
  bestStep: z.number().int(),
  history: z.array(historyPointSchema),
  seconds: z.number().optional(),
});

type Files = { train: number; validation: number; trainWindows: number; validationWindows: number };

async function evaluate(dir: string, data: string, refineWindows: number): Promise<{ report: EvaluationReport; kind: 'melody' | 'drums'; files: Files }> {
  const model = await MusicVAE.load(fsSource(dir), { keepVariables: true });
  try {
    const kind = model.converter.kind;
    const dataset = await buildMusicDataset(path.resolve(data), model.converter, {
      ignoreMeter: kind === 'melody',
      kit: kind === 'drums' ? 'roland-td11' : 'gm',
    });
    const windows = dataset.files.filter((f) => f.split === 'validation').flatMap((f) => f.windows);
    const report = await evaluateModel(model, windows, {
      samples: 1000,
      refine: { steps: 50 },
      refineLimit: refineWindows,
      onProgress: (done, total) => process.stderr.write(`\r  ${done}/${total} validation windows…`),
      onRefineProgress: (done, total) => process.stderr.write(`\r  ${done}/${total} validation windows refined with 50 steps…`),
    });
    process.stderr.write('\n');
    const c = dataset.counts;
    return { report, kind, files: { train: c.trainFiles, validation: c.validationFiles, trainWindows: c.trainWindows, validationWindows: windows.length } };
  } finally {
    model.dispose();
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(dir)) {
    const stat = await fs.stat(path.join(dir, name));
    if (stat.isFile() && (name.endsWith('.bin') || name.startsWith('group') || name === 'weights_manifest.json')) total += stat.size;
  }
  return total;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      data: { type: 'string' },
      title: { type: 'string' },
      command: { type: 'string' },
      quantize: { type: 'string' },
      notes: { type: 'string' },
      'refine-windows': { type: 'string' },
    },
  });
  if (!values.from || !values.to || !values.data || !values.title || !values.command)
    throw new Error('--from, --to, --data, --title and --command are required.');
  const quantization = (values.quantize ?? 'float16') as Quantization;
  if (!['none', 'float16', 'uint8'].includes(quantization)) throw new Error('--quantize must be none, float16 or uint8.');
  // Refined accuracy is measured on this many validation windows spread evenly over the set (50 decoder passes each).
  const refineWindows = Number(values['refine-windows'] ?? 512);
  if (!Number.isInteger(refineWindows) || refineWindows < 1)
    throw new Error(`--refine-windows must be a whole number of windows (1 or more); got "${values['refine-windows']}".`);
  const choice = await initNodeBackend();
  const from = path.resolve(values.from);
  const to = path.resolve(values.to);
  const state = stateSchema.parse(JSON.parse(await fs.readFile(path.join(from, 'training', 'training_state.json'), 'utf8')));
  process.stderr.write(`Evaluating the float32 checkpoint (step ${state.bestStep})…\n`);
  const full = await evaluate(from, values.data, refineWindows);
  const tensors = await loadCheckpointTensors(fsSource(from));
  const named = await tensorsToNamedValues(tensors);
  Object.values(tensors).forEach((t) => t.dispose());
  const config: unknown = JSON.parse(await fs.readFile(path.join(from, 'config.json'), 'utf8'));
  await writeCheckpointFolder(to, encodeCheckpoint(named, { quantization }), { 'config.json': config as Record<string, unknown> });
  process.stderr.write(`Evaluating the ${quantization} copy…\n`);
  let shipped = quantization === 'none' ? full : await evaluate(to, values.data, refineWindows);
  let used: Quantization = quantization;
  const loss = full.report.greedyAccuracy - shipped.report.greedyAccuracy;
  if (quantization !== 'none' && loss >= 0.005) {
    process.stderr.write(`${quantization} costs ${(100 * loss).toFixed(2)} points of greedy accuracy (≥ 0.5): shipping float32.\n`);
    await writeCheckpointFolder(to, encodeCheckpoint(named), { 'config.json': config as Record<string, unknown> });
    shipped = full;
    used = 'none';
  }
  // The history up to the shipped step, so a later run started from this model continues its curve.
  const history = state.history.filter((h) => h.step <= state.bestStep);
  const seconds = history.at(-1)?.seconds ?? state.seconds ?? 0;
  await fs.writeFile(path.join(to, 'history.json'), JSON.stringify({ step: state.bestStep, seconds: Math.round(seconds), history }, null, 1) + '\n');
  const id = path.basename(to);
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  await fs.writeFile(path.join(to, 'accuracy.svg'), accuracyPlot(state.history, `${id}: validation accuracy vs training time`, document));
  const bytes = await folderBytes(to);
  const r = shipped.report;
  const card = musicModelCard({
    id,
    title: values.title,
    kind: shipped.kind,
    files: full.files,
    hparams: state.hparams,
    batchSize: 64,
    steps: state.step,
    bestStep: state.bestStep,
    minutes: seconds / 60,
    bytes,
    quantization: used,
    command: values.command,
    full: full.report,
    shipped: r,
    history: state.history,
    ...(values.notes ? { notes: values.notes } : {}),
  });
  await fs.writeFile(path.join(to, 'MODEL_CARD.md'), card);
  const modelsDir = path.resolve('models');
  const rel = path.relative(modelsDir, to).split(path.sep).join('/');
  if (!rel.startsWith('..')) {
    await updateManifest(path.join(modelsDir, 'manifest.json'), {
      id: rel,
      kind: shipped.kind,
      title: values.title,
      path: rel,
      format: 'magenta-musicvae',
      zDims: r.zDims,
      bytes,
      metrics: {
        teacherForcedAccuracy: r.teacherForcedAccuracy,
        greedyAccuracy: r.greedyAccuracy,
        greedyEventAccuracy: r.greedyEventAccuracy,
        ...(r.refined ? { refinedGreedyAccuracy: r.refined.greedyAccuracy, refinedGreedyEventAccuracy: r.refined.greedyEventAccuracy } : {}),
        activeUnits: r.activeUnits,
        meanKl: r.meanKl,
        samplesOverDoubleDensity: r.samples.overDoubleShare,
      },
      trainedAt: new Date().toISOString(),
    });
  }
  console.log(JSON.stringify({ to: rel, backend: choice.backend, quantization: used, bytes, float32: full.report, shipped: r }, null, 2));
}

main().catch((error: unknown) => {
  console.error(`export:music: ${describeError(error)}`);
  process.exit(1);
});

/**
 * `npm run export:timbre -- --from /work/runs/timbre --to models/timbre [--quantize none|float16|uint8]`
 *
 * Ships a trained timbre model: copies the run's best checkpoint (config.json + weights, quantized on
 * the way when asked) — or, with `--from <run>/training`, the latest training state — its validation
 * history (history.json) and the validation-distance-vs-time curve (curve.svg). MODEL_CARD.md and the examples are written separately (see docs/timbre.md).
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { loadCheckpointTensors } from '../lib/core/checkpoint';
import { fsSource, writeCheckpointFolder } from '../lib/core/checkpoint-node';
import { encodeCheckpoint, tensorsToNamedValues, type Quantization } from '../lib/core/checkpoint-write';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { timbreConfigSchema } from '../lib/timbre/network';
import { timbreHistorySchema } from '../lib/timbre/train-run';

/** Validation distance (and the training distance at the step's three FFT sizes ×2) against wall-clock minutes. */
function curve(history: { step: number; seconds: number; valDistance: number; trainDistance?: number }[], title: string): string {
  const { document } = parseHTML('<html><body></body></html>');
  const points = [
    ...history.map((h) => ({ minutes: h.seconds / 60, distance: h.valDistance, step: h.step, curve: 'validation' })),
    ...history
      .filter((h) => Number.isFinite(h.trainDistance ?? NaN))
      .map((h) => ({ minutes: h.seconds / 60, distance: 2 * (h.trainDistance ?? NaN), step: h.step, curve: 'training (≈, 2 × 3 sizes)' })),
  ];
  const figure = Plot.plot({
    document,
    width: 640,
    height: 340,
    marginLeft: 50,
    marginRight: 150,
    style: { background: 'white', fontSize: '12px' },
    x: { label: 'training time (minutes, wall clock, niced on a shared 2-core machine)', grid: true },
    y: { label: 'multi-scale spectral distance (lower is better)', grid: true },
    color: { domain: ['validation', 'training (≈, 2 × 3 sizes)'], range: ['#3b2f8f', '#c0392b'] },
    title,
    marks: [
      Plot.line(points, { x: 'minutes', y: 'distance', stroke: 'curve' }),
      Plot.dot(points, { x: 'minutes', y: 'distance', fill: 'curve', r: 2.5 }),
      Plot.text(
        ['validation', 'training (≈, 2 × 3 sizes)'].flatMap((c) => points.filter((p) => p.curve === c).slice(-1)),
        { x: 'minutes', y: 'distance', text: (d: { curve: string; step: number }) => `${d.curve} (step ${d.step})`, fill: 'curve', textAnchor: 'start', dx: 6 },
      ),
    ],
  });
  const svg = figure.tagName.toLowerCase() === 'svg' ? figure : figure.querySelector('svg');
  if (!svg) throw new Error('Plot made no SVG.');
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      from: { type: 'string', default: '/work/runs/timbre' },
      to: { type: 'string', default: 'models/timbre' },
      quantize: { type: 'string', default: 'none' },
    },
  });
  const q = values.quantize;
  if (q !== 'none' && q !== 'float16' && q !== 'uint8') throw new InvalidInputError('--quantize must be none, float16 or uint8.');
  await initNodeBackend();
  const from = path.resolve(values.from);
  const config = timbreConfigSchema.parse(JSON.parse(await readFile(path.join(from, 'config.json'), 'utf8')));
  // A best-model folder has history.json; a run's training/ folder (the latest state) has training_state.json.
  const historyText = await readFile(path.join(from, 'history.json'), 'utf8').catch(async () => {
    const state = JSON.parse(await readFile(path.join(from, 'training_state.json'), 'utf8')) as { step: number; seconds: number; history: unknown[] };
    return JSON.stringify({ step: state.step, seconds: Math.round(state.seconds), history: state.history });
  });
  const history = timbreHistorySchema.parse(JSON.parse(historyText));
  const tensors = await loadCheckpointTensors(fsSource(from));
  const weights = await tensorsToNamedValues(tensors);
  for (const t of Object.values(tensors)) t.dispose();
  await mkdir(values.to, { recursive: true });
  await writeCheckpointFolder(values.to, encodeCheckpoint(weights, { quantization: q as Quantization }), { 'config.json': config, 'history.json': history });
  await writeFile(path.join(values.to, 'curve.svg'), curve(history.history, `Timbre model: validation distance (best at step ${history.step})`));
  console.log(
    JSON.stringify(
      {
        from,
        to: values.to,
        step: history.step,
        minutes: Math.round(history.seconds / 60),
        quantization: q,
        parameters: weights.reduce((a, w) => a + w.values.length, 0),
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(`export:timbre: ${describeError(error)}`);
  process.exit(1);
});

/**
 * `npm run quantize:image -- --model models/image/<id> [--force] [--backend wasm|cpu]`
 *
 * Stores a trained image model's weights as half floats (float16: half the download; TF.js widens
 * them again on load), measures the stored model on the test split exactly as `eval:image` does, and
 * rewrites the folder's `metrics.json`, `MODEL_CARD.md` (which keep the float32 numbers for
 * comparison) and its `models/manifest.json` entry. If a target the float32 model met would be
 * missed, it changes nothing and says so (`--force` stores it anyway).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import { readImageModelFolder, writeImageModelFolder } from '../lib/image/io-node';
import { loadMnist } from '../lib/image/mnist-node';
import { imageModelCard, lostTargets, type CardSummary } from '../lib/image/card';
import { measureImageModelFolder, readCardSummary, updateImageManifest } from '../lib/image/card-node';

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { model: { type: 'string' }, force: { type: 'boolean', default: false }, backend: { type: 'string' } },
  });
  if (!values.model) throw new Error('--model <folder> is required, e.g. --model models/image/vae.');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu in Node.');
  const dir = path.resolve(values.model);
  const summary = await readCardSummary(dir, 'quantize a folder written by train:image.');
  if (summary.quantized) throw new Error(`${values.model} already stores its weights as ${summary.quantized.to} (${summary.quantized.command}).`);
  if (summary.validationImages !== undefined)
    throw new Error(`${values.model} is a --validate run (metrics on held-out training digits): quantize shipped models, not recipe trials.`);
  await initNodeBackend(backend);
  const model = await readImageModelFolder(dir);
  const { train, test } = await loadMnist();
  // The measured copy goes to the system's temp folder, never next to the shipped models.
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'quantize-image-'));
  try {
    const before = await measureImageModelFolder(model, dir, { train, test });
    await writeImageModelFolder(path.join(tmp, 'model'), model, {}, { weights: 'float16' });
    const stored = await readImageModelFolder(path.join(tmp, 'model'));
    const after = await measureImageModelFolder(stored, dir, { train, test }).finally(() => stored.dispose());
    const broken = Object.entries(after.metrics).filter(([, v]) => typeof v === 'number' && !Number.isFinite(v));
    if (broken.length > 0) throw new Error(`As float16 the model measures ${broken.map(([k, v]) => `${k} ${String(v)}`).join(', ')}; nothing was changed.`);
    // Against the card's targets and the ones measured now (a conv VAE's exists only next to the dense VAE's folder).
    const lost = [...lostTargets(summary.targets, after.targets), ...lostTargets(before.targets, after.targets)];
    if (lost.length > 0 && !values.force) {
      const names = [...new Set(lost.map((t) => `"${t.target}" (${t.value.toFixed(4)})`))].join(', ');
      throw new Error(
        `As float16 the model would no longer meet ${names}${after.targets.length === 0 ? " (no target could be measured: for the conv VAE, is the dense VAE's folder next to it?)" : ''}; nothing was changed (--force stores it anyway).`,
      );
    }
    const command = `npm run quantize:image -- ${process.argv.slice(2).join(' ')}`;
    const next: CardSummary = {
      ...summary,
      metrics: after.metrics,
      ...(after.amortisation ? { amortisation: after.amortisation } : {}),
      targets: after.targets,
      quantized: { to: 'float16', command, float32: before.metrics },
    };
    const { bytes } = await writeImageModelFolder(
      dir,
      model,
      { 'metrics.json': JSON.stringify(next, null, 2) + '\n', 'MODEL_CARD.md': imageModelCard(model.spec, next) },
      { weights: 'float16' },
    );
    const listed = await updateImageManifest(dir, model.spec, bytes, after.metrics, next.trainedAt);
    console.log(
      JSON.stringify({ model: values.model, bytes, manifest: listed, float32: before.metrics, float16: after.metrics, targets: after.targets }, null, 2),
    );
  } finally {
    model.dispose();
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`quantize:image: ${describeError(error)}`);
  process.exit(1);
});

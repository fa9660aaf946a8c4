/**
 * `npm run eval:image -- --model models/image/<id> [--backend wasm|cpu] [--update-card]`: test-split
 * metrics of a saved image model as JSON on stdout (BCE, 784·MSE + KL, PSNR and the baselines; for
 * 2-D VAEs the amortisation gap of lib/image/gap.ts), with the targets. Super-resolution
 * models are measured on small digits made with every downsampling filter, and a table of those
 * goes to stderr.
 *
 * `--update-card` writes the new measurements into the folder's `metrics.json`, `MODEL_CARD.md` and
 * its `models/manifest.json` entry (the weights and the training history stay as they are) — after
 * the evaluation itself changed, so the cards say what `eval:image` prints.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import { imageModelCard, type CardSummary } from '../lib/image/card';
import { measureImageModelFolder, readCardSummary, updateImageManifest } from '../lib/image/card-node';
import type { KernelMetrics } from '../lib/image/evaluate';
import { readImageModelFolder } from '../lib/image/io-node';
import { loadMnist } from '../lib/image/mnist-node';

/** A plain-text table of the per-filter PSNRs. */
function kernelTable(rows: readonly KernelMetrics[]): string {
  const head = ['small digit made with', 'model', 'nearest', 'bilinear', 'bicubic', 'model − bicubic'];
  const body = rows.map((k) => [
    k.kernel,
    k.psnr.toFixed(2),
    k.nearestPsnr.toFixed(2),
    k.bilinearPsnr.toFixed(2),
    k.bicubicPsnr.toFixed(2),
    `${k.psnr >= k.bicubicPsnr ? '+' : ''}${(k.psnr - k.bicubicPsnr).toFixed(2)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return ['PSNR (dB) on the test digits:', line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: { model: { type: 'string' }, backend: { type: 'string' }, 'update-card': { type: 'boolean', default: false } },
  });
  if (!values.model) throw new Error('--model <folder> is required, e.g. --model models/image/vae.');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu in Node.');
  const dir = path.resolve(values.model);
  // Read the card first: --update-card refuses a folder train:image did not write before any work.
  const summary = values['update-card'] ? await readCardSummary(dir, '--update-card rewrites the card of a folder written by train:image.') : undefined;
  const choice = await initNodeBackend(backend);
  const model = await readImageModelFolder(dir);
  try {
    const { train, test } = await loadMnist();
    const { metrics, amortisation, targets } = await measureImageModelFolder(model, dir, { train, test });
    const gaps = amortisation ? { amortisation: { train: amortisation.train, test: amortisation.evaluated } } : {};
    console.log(JSON.stringify({ backend: choice.backend, ...metrics, ...gaps, targets }, null, 2));
    if (metrics.perKernel) console.error(kernelTable(metrics.perKernel));
    if (summary) {
      const next: CardSummary = { ...summary, metrics, targets, ...(amortisation ? { amortisation } : {}) };
      await writeAtomically(path.join(dir, 'metrics.json'), JSON.stringify(next, null, 2) + '\n');
      await writeAtomically(path.join(dir, 'MODEL_CARD.md'), imageModelCard(model.spec, next));
      const bytes = (await fs.stat(path.join(dir, 'encoder', 'weights.bin'))).size + (await fs.stat(path.join(dir, 'decoder', 'weights.bin'))).size;
      await updateImageManifest(dir, model.spec, bytes, metrics, next.trainedAt);
      console.error(`Updated ${path.relative(process.cwd(), dir)}/metrics.json, MODEL_CARD.md and its manifest entry.`);
    }
  } finally {
    model.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`eval:image: ${describeError(error)}`);
  process.exit(1);
});

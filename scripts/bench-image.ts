/**
 * `npm run bench:image [-- --batches N]`: image-lab speed in Node, per backend (CPU and WASM).
 * - training throughput of the lesson's conv AE (batch 128, Adam, BCE), images per second — the
 *   WASM figure exists only because Latent Lab registers the gradient kernels WASM lacks
 *   (Conv2DBackpropFilter, MaxPoolGrad, ResizeNearestNeighborGrad; lib/core/kernels/wasm-grad.ts);
 * - latency of one reconstruction (conv AE, encode + decode of one digit);
 * - latency of decoding a 15×15 manifold grid with the 2-D VAE (225 codes);
 * - the Baseline view's time on WASM with the shipped dense-ae, denoise and superres-4x: fitting PCA
 *   on the 8,000 training digits (once per data set) and comparing on 500 test digits (target ≤ 5 s;
 *   it took about 35 s in the browser before PCA moved to ./lib/latent/projection/pca).
 * Medians after warm-up; random weights (speed does not depend on them). Writes its table into
 * docs/benchmarks.md (`--no-docs` skips that).
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initNodeBackend } from '../lib/core/backend-node';
import { createRng } from '../lib/core/random';
import { ImageAutoencoder } from '../lib/image/image-model';
import { imageModelSpec } from '../lib/image/specs';
import { imageLoss } from '../lib/image/losses';
import { imagesTensor, type ImageData } from '../lib/image/tensors';
import { readImageModelFolder } from '../lib/image/io-node';
import { ImageLab } from '../lib/image/lab';
import { loadMnist } from '../lib/image/mnist-node';
import { publishBenchTables } from './docs-table';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function timeIt(runs: number, warm: number, work: () => Promise<void>): Promise<number> {
  for (let i = 0; i < warm; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ strict: true, options: { batches: { type: 'string' }, 'no-docs': { type: 'boolean' } } });
  const batches = Number(values.batches ?? 10);
  if (!Number.isInteger(batches) || batches < 1) throw new Error('--batches must be a positive whole number.');
  await initNodeBackend();
  const rng = createRng(1);
  const data: ImageData = { images: Float32Array.from({ length: 128 * 784 }, () => rng.next()), count: 128 };
  const idx = Array.from({ length: 128 }, (_, i) => i);
  const rows: string[][] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const convAe = ImageAutoencoder.create(imageModelSpec('conv-ae'));
    const vae = ImageAutoencoder.create(imageModelSpec('vae'));
    const optimizer = tf.train.adam(1e-3);
    const vars = convAe.trainableVariables;
    let trainMs = NaN;
    let note = '';
    try {
      trainMs = await timeIt(backend === 'cpu' ? Math.min(batches, 3) : batches, 1, async () => {
        const loss = tf.tidy(() => {
          const x = imagesTensor(data, idx);
          const cost = optimizer.minimize(() => imageLoss(convAe, x, x, 1, true), true, vars);
          if (!cost) throw new Error('no loss');
          return cost;
        });
        await loss.data();
        loss.dispose();
      });
    } catch (error) {
      note = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    }
    const one = imagesTensor(data, [0]);
    const reconMs = await timeIt(20, 3, async () => {
      const z = await convAe.encode(one);
      const y = await convAe.decode(z);
      await y.data();
      tf.dispose([z, y]);
    });
    one.dispose();
    const grid = tf.tidy(() => {
      const xs: number[] = [];
      for (let r = 0; r < 15; r++) for (let c = 0; c < 15; c++) xs.push(-3 + (6 * c) / 14, 3 - (6 * r) / 14);
      return tf.tensor2d(xs, [225, 2]);
    });
    const gridMs = await timeIt(10, 2, async () => {
      const y = await vae.decode(grid);
      await y.data();
      y.dispose();
    });
    grid.dispose();
    rows.push([
      backend,
      Number.isFinite(trainMs) ? (128 / (trainMs / 1000)).toFixed(0) : `fails: ${note}`,
      Number.isFinite(trainMs) ? trainMs.toFixed(0) : '—',
      reconMs.toFixed(2),
      gridMs.toFixed(1),
    ]);
    optimizer.dispose();
    convAe.dispose();
    vae.dispose();
  }
  const head = ['backend', 'conv AE train img/s', 'ms/batch of 128', 'one reconstruction ms', '15×15 VAE grid ms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  const out = [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)];
  const [cpu, wasm] = rows;
  if (cpu && wasm) {
    const speed = Number(wasm[1]) / Number(cpu[1]);
    if (Number.isFinite(speed)) out.push('', `WASM trains the conv AE ${speed.toFixed(1)}× faster than the CPU backend.`);
  }
  console.log(out.join('\n'));
  const baseline = await baselineTable();
  console.log(`\n${baseline}`);
  await publishBenchTables('image-baseline', baseline);
  await publishBenchTables(
    'image',
    `Node, random weights, medians after warm-up (${batches} training batches on WASM, at most 3 on CPU):\n\n${out.join('\n')}`,
  );
}

/** The Baseline view per shipped model, on WASM: a fresh lab each time, so PCA is fitted every time (as on a first visit). */
async function baselineTable(): Promise<string> {
  await tf.setBackend('wasm');
  const split = await loadMnist();
  const rows: string[][] = [];
  for (const id of ['dense-ae', 'denoise', 'superres-4x']) {
    const model = await readImageModelFolder(`models/image/${id}`);
    const lab = new ImageLab(split);
    lab.setModel(model);
    const t0 = performance.now();
    let fitted = NaN;
    const result = await lab.baseline(500, {
      onProgress: (label) => {
        if (label.startsWith('Comparing') && Number.isNaN(fitted)) fitted = performance.now() - t0;
      },
    });
    const total = performance.now() - t0;
    rows.push([id, `${result.k}`, (fitted / 1000).toFixed(2), ((total - fitted) / 1000).toFixed(2), (total / 1000).toFixed(2), total <= 5000 ? 'yes' : 'no']);
    lab.dispose();
  }
  const head = ['model', 'PCA components', 'fit PCA s', 'compare 500 s', 'total s', '≤ 5 s'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  return [
    `Baseline view (PCA at the same code size) on WASM in Node, shipped models, ${split.train.count.toLocaleString('en')} training digits, fitted fresh each time:`,
    '',
    line(head),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map(line),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(`bench:image: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

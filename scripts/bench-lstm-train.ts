/**
 * `npm run bench:lstm`: one LSTM layer's forward + backward (batch 64, 32 steps, 256 units, 90-wide
 * one-hot input — the decoder's shape in training), TF.js autodiff of a step-by-step cell versus
 * our hand-written BPTT (lib/music/lstm-train.ts), on the CPU and WASM backends. Median of 5 after 2.
 * Writes its table into docs/benchmarks.md (`--no-docs` skips that).
 */
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../lib/core/backend-node';
import { createRng } from '../lib/core/random';
import { lstmSequence } from '../lib/music/lstm-train';
import { publishBenchTables } from './docs-table';

const [T, B, D, H] = [32, 64, 90, 256];

function naive(xw: tf.Tensor3D, wh: tf.Tensor2D, c0: tf.Tensor2D, h0: tf.Tensor2D): tf.Tensor3D {
  let c = c0;
  let h = h0;
  const hs: tf.Tensor2D[] = [];
  for (const x of tf.unstack(xw) as tf.Tensor2D[]) {
    const [i, j, f, o] = tf.split(tf.add(x, tf.matMul(h, wh)), 4, 1) as tf.Tensor2D[];
    c = tf.add(tf.mul(c, tf.sigmoid(f as tf.Tensor2D)), tf.mul(tf.sigmoid(i as tf.Tensor2D), tf.tanh(j as tf.Tensor2D)));
    h = tf.mul(tf.tanh(c), tf.sigmoid(o as tf.Tensor2D));
    hs.push(h);
  }
  return tf.stack(hs) as tf.Tensor3D;
}

async function time(fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[2] ?? NaN;
}

async function main(): Promise<void> {
  const unknown = process.argv.slice(2).filter((a) => a !== '--no-docs');
  if (unknown.length > 0) throw new Error(`bench:lstm takes no options but --no-docs; got ${unknown.join(' ')}.`);
  const title = `LSTM layer forward+backward, batch ${B}, ${T} steps, ${H} units, input ${D}, median of 5 after 2 warm-ups:`;
  console.log(title);
  const rows: string[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    if (backend === 'cpu') await initNodeBackend('cpu');
    else await tf.setBackend('wasm');
    const rng = createRng(1);
    const x = tf.tensor3d(
      Float32Array.from({ length: T * B * D }, () => (rng.next() < 1 / D ? 1 : 0)),
      [T, B, D],
    );
    const wx = tf.variable(
      tf.tensor2d(
        rng.normalArray(D * 4 * H).map((v) => v * 0.05),
        [D, 4 * H],
      ),
    );
    const wh = tf.variable(
      tf.tensor2d(
        rng.normalArray(H * 4 * H).map((v) => v * 0.05),
        [H, 4 * H],
      ),
    );
    const zeros = tf.zeros([B, H]) as tf.Tensor2D;
    const step = (cell: typeof naive) => async (): Promise<void> => {
      const { value, grads } = tf.variableGrads(() => {
        const xw = tf.reshape(tf.matMul(tf.reshape(x, [T * B, D]) as tf.Tensor2D, wx), [T, B, 4 * H]) as tf.Tensor3D;
        return tf.mean(tf.square(cell(xw, wh, zeros, zeros))) as tf.Scalar;
      });
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    };
    const a = await time(step(naive));
    const b = await time(step(lstmSequence));
    const flop = 2 * 3 * T * B * (D + H) * 4 * H; // forward + 2× backward matrix products
    rows.push(`| ${backend} | ${a.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(a / b).toFixed(1)}× | ${(flop / b / 1e6).toFixed(1)} GFLOP/s |`);
    tf.dispose([x, wx, wh, zeros]);
  }
  const table = ['| backend | autodiff step-by-step | hand-written BPTT | speed-up | BPTT effective |', '|---|---|---|---|---|', ...rows].join('\n');
  console.log(table);
  await publishBenchTables('lstm', `${title}\n\n${table}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

/**
 * `npm run eval:image -- --model models/image/<id> [--backend wasm|cpu]`: test-split metrics of a
 * saved image model as JSON (BCE, 784·MSE + KL, PSNR and the baselines; for 2-D VAEs the amortisation
 * gap of lib/image/gap.ts), with the targets.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import { readImageModelFolder } from '../lib/image/io-node';
import { loadMnist } from '../lib/image/mnist-node';
import { measureImageModel } from './image-card';

async function main(): Promise<void> {
  const { values } = parseArgs({ strict: true, options: { model: { type: 'string' }, backend: { type: 'string' } } });
  if (!values.model) throw new Error('--model <folder> is required, e.g. --model models/image/vae.');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu in Node.');
  const choice = await initNodeBackend(backend);
  const dir = path.resolve(values.model);
  const model = await readImageModelFolder(dir);
  const { train, test } = await loadMnist();
  const { metrics, amortisation, targets } = await measureImageModel(model, dir, { train, test });
  const gaps = amortisation ? { amortisation: { train: amortisation.train, test: amortisation.evaluated } } : {};
  console.log(JSON.stringify({ backend: choice.backend, ...metrics, ...gaps, targets }, null, 2));
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(`eval:image: ${describeError(error)}`);
  process.exit(1);
});

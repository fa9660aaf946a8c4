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
import { upsampleBicubic } from '../lib/image/corrupt';
import { amortisationGaps, hasAmortisationGap } from '../lib/image/gap';
import { readImageModelFolder } from '../lib/image/io-node';
import { subsetImageSet } from '../lib/image/mnist';
import { loadMnist } from '../lib/image/mnist-node';
import { evaluateImageModel } from '../lib/image/train';
import { denseVaeLoss, imageTargets } from './image-card';

async function main(): Promise<void> {
  const { values } = parseArgs({ strict: true, options: { model: { type: 'string' }, backend: { type: 'string' } } });
  if (!values.model) throw new Error('--model <folder> is required, e.g. --model models/image/vae.');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu in Node.');
  const choice = await initNodeBackend(backend);
  const dir = path.resolve(values.model);
  const model = await readImageModelFolder(dir);
  const { train, test } = await loadMnist();
  const metrics = await evaluateImageModel(model, test, { bicubic: (small, _n, size, factor) => upsampleBicubic(small, size, size, factor) });
  const reference = model.spec.id === 'conv-vae' ? await denseVaeLoss(dir) : undefined;
  // 2-D VAEs: how much of the loss is the encoder's placement (on as many training digits as test ones).
  const amortisation = hasAmortisationGap(model) ? await amortisationGaps(model, { train: subsetImageSet(train, test.count), test }) : undefined;
  console.log(JSON.stringify({ backend: choice.backend, ...metrics, ...(amortisation ? { amortisation } : {}), targets: imageTargets(model.spec.id, metrics, reference) }, null, 2));
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(`eval:image: ${describeError(error)}`);
  process.exit(1);
});

/**
 * `npm run train:image -- --model <id> [--epochs N] [--batch B] [--lr L] [--lr-schedule constant|cosine|exponential]
 * [--lr-final L] [--weight-decay W] [--kl-warmup N] [--input-noise σ] [--kernels box,point,bilinear,bicubic] [--train-only encoder] [--validate N] [--seed S] [--z N] [--noise σ] [--subset N] [--out models/image/<id>] [--backend wasm|cpu]
 * [--no-manifest] [--resume]`
 *
 * Trains one of the lesson's image models on the embedded MNIST split (samples 0–799 of each digit
 * train, the rest test) with the same code the browser uses, evaluates it on the test split, and
 * writes the model folder (TF.js layers format), `metrics.json`, `MODEL_CARD.md` and its
 * `models/manifest.json` entry. Ctrl-C stops after the current batch and saves the weights of the
 * last completed epoch.
 *
 * `--lr-schedule cosine|exponential` decays the learning rate per batch from `--lr` to `--lr-final`
 * (default `--lr` / 10) over this run's epochs (with `--resume`, over the resumed epochs);
 * `--weight-decay W` adds decoupled (AdamW-style) decay of the weight matrices and kernels;
 * `--kl-warmup N` (VAEs) ramps the KL term's weight from 0 to 1 over the first N epochs;
 * `--input-noise σ` (models that see clean digits) adds Gaussian noise to the encoder's training input;
 * `--kernels a,b,…` (super-resolution) shrinks each training digit with a filter drawn from the list
 * (default: box only), so that small digits made any of those ways are enlarged well;
 * `--train-only encoder` (with `--resume`) trains the encoder with the decoder frozen.
 *
 * `--validate N` is for choosing a recipe without looking at the test digits: it holds the last N
 * training digits out (with N = 1000, samples 700–799 of each digit), trains on the rest and reports
 * every loss on the held-out ones. Its models must be written outside models/ (`--out`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stopOnInterrupt } from './interrupt';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import { ImageAutoencoder } from '../lib/image/image-model';
import { readImageModelFolder, writeImageModelFolder } from '../lib/image/io-node';
import { loadMnist } from '../lib/image/mnist-node';
import { batchOf, subsetImageSet } from '../lib/image/mnist';
import { IMAGE_MODEL_IDS, imageModelSpec, isImageModelId } from '../lib/image/specs';
import { imageModelCard } from '../lib/image/card';
import { measureImageModelFolder, pathInModels, readCardSummary, updateImageManifest } from '../lib/image/card-node';
import { describeSchedule } from '../lib/image/schedule';
import { DOWNSAMPLE_KERNELS, type DownsampleKernel } from '../lib/image/specs';
import { trainImageModel } from '../lib/image/train';
import { LEARNING_RATE_SCHEDULES, type EpochStats, type LearningRateSchedule, type LearningRateScheduleKind } from '../lib/image/train-options';

function num(value: string | undefined, name: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} must be ${integer ? 'a whole number' : 'a number'}; got "${value}".`);
  return n;
}

function bar(progress: number, width = 24): string {
  const filled = Math.round(progress * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      model: { type: 'string' },
      epochs: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      'lr-schedule': { type: 'string' },
      'lr-final': { type: 'string' },
      'weight-decay': { type: 'string' },
      'kl-warmup': { type: 'string' },
      'input-noise': { type: 'string' },
      kernels: { type: 'string' },
      'train-only': { type: 'string' },
      validate: { type: 'string' },
      seed: { type: 'string' },
      z: { type: 'string' },
      noise: { type: 'string' },
      subset: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      'no-manifest': { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
    },
  });
  const id = values.model;
  if (!isImageModelId(id)) throw new Error(`--model must be one of ${IMAGE_MODEL_IDS.join(', ')}; got "${String(id)}".`);
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu in Node.');
  const spec = imageModelSpec(id, { zDims: num(values.z, 'z', true), noiseSigma: num(values.noise, 'noise', false) });
  const epochs = num(values.epochs, 'epochs', true) ?? spec.defaults.epochs;
  const batchSize = num(values.batch, 'batch', true) ?? spec.defaults.batchSize;
  const learningRate = num(values.lr, 'lr', false) ?? spec.defaults.learningRate;
  const scheduleKind = values['lr-schedule'] ?? 'constant';
  if (!(LEARNING_RATE_SCHEDULES as readonly string[]).includes(scheduleKind))
    throw new Error(`--lr-schedule must be one of ${LEARNING_RATE_SCHEDULES.join(', ')}; got "${scheduleKind}".`);
  const lrFinal = num(values['lr-final'], 'lr-final', false);
  if (lrFinal !== undefined && scheduleKind === 'constant') throw new Error('--lr-final needs --lr-schedule cosine or exponential.');
  const schedule: LearningRateSchedule =
    scheduleKind === 'constant'
      ? { kind: 'constant' }
      : { kind: scheduleKind as Exclude<LearningRateScheduleKind, 'constant'>, finalLearningRate: lrFinal ?? learningRate / 10 };
  const weightDecay = num(values['weight-decay'], 'weight-decay', false) ?? 0;
  const klWarmupEpochs = num(values['kl-warmup'], 'kl-warmup', true) ?? 0;
  if (klWarmupEpochs > 0 && !spec.variational) throw new Error(`--kl-warmup is for the VAEs; "${id}" has no KL term.`);
  const inputNoise = num(values['input-noise'], 'input-noise', false) ?? 0;
  const kernels = values.kernels === undefined ? undefined : values.kernels.split(',').map((k) => k.trim());
  if (kernels) {
    if (spec.corruption.kind !== 'downsample') throw new Error(`--kernels is for the super-resolution models; "${id}" sees full-size digits.`);
    const bad = kernels.filter((k) => !(DOWNSAMPLE_KERNELS as readonly string[]).includes(k));
    if (bad.length > 0 || kernels.length === 0)
      throw new Error(`--kernels takes a comma-separated list of ${DOWNSAMPLE_KERNELS.join(', ')}; got "${values.kernels ?? ''}".`);
  }
  const downsampleKernels = kernels as DownsampleKernel[] | undefined;
  const trainOnly = values['train-only'];
  if (trainOnly !== undefined && trainOnly !== 'encoder') throw new Error(`--train-only takes "encoder" (the decoder stays frozen); got "${trainOnly}".`);
  if (trainOnly && !values.resume) throw new Error('--train-only encoder fits the encoder of a trained model again: use it with --resume.');
  const seed = num(values.seed, 'seed', true) ?? 1;
  const subset = num(values.subset, 'subset', true);
  if (subset !== undefined && subset < 1) throw new Error('--subset must be at least 1.');
  const validate = num(values.validate, 'validate', true);
  const out = path.resolve(values.out ?? path.join('models', 'image', id));
  if (validate !== undefined) {
    if (subset !== undefined) throw new Error('--validate and --subset cannot be combined.');
    if (pathInModels(out) !== undefined)
      throw new Error('--validate runs choose a recipe and must not replace a shipped model: give --out a folder outside models/.');
  }
  const choice = await initNodeBackend(backend);
  const data = await loadMnist();
  if (validate !== undefined && (validate < 1 || validate >= data.train.count))
    throw new Error(`--validate must be from 1 to ${data.train.count - 1} (training digits held out); got ${validate}.`);
  // The training set is interleaved by sample then digit, so its last N digits are balanced.
  const train = validate !== undefined ? subsetImageSet(data.train, data.train.count - validate) : subset ? subsetImageSet(data.train, subset) : data.train;
  const test = validate !== undefined ? batchOf(data.train, data.train.count - validate, validate) : data.test;
  const evalName = validate !== undefined ? 'validation' : 'test';
  process.stderr.write(
    `Backend: ${choice.backend}. ${spec.title}: ${train.count} training / ${test.count} ${evalName} digits, ${epochs} epochs of batch ${batchSize}, ${describeSchedule(learningRate, schedule)}.\n`,
  );
  // --resume: continue from the weights in --out (a fresh Adam; the layers format keeps no optimizer state).
  const previous = values.resume ? await readCardSummary(out, '--resume continues a folder written by train:image; train without --resume first.') : undefined;
  // The seed fixes the initial weights too, so the same command gives the same model.
  const model = previous ? await readImageModelFolder(out) : ImageAutoencoder.create(spec, seed);
  if (previous && model.spec.id !== spec.id) throw new Error(`--resume: ${out} holds a "${model.spec.id}" model, not "${spec.id}".`);
  const controller = new AbortController();
  stopOnInterrupt(controller, 'Stopping after this batch; the last completed epoch will be saved…');
  const history: EpochStats[] = [];
  const earlier = previous?.history ?? [];
  const earlierSeconds = previous?.seconds ?? 0;
  const started = performance.now();
  const result = await trainImageModel(model, train, test, {
    epochs,
    batchSize,
    learningRate,
    schedule,
    weightDecay,
    klWarmupEpochs,
    inputNoise,
    ...(downsampleKernels ? { downsampleKernels } : {}),
    ...(trainOnly ? { trainOnly } : {}),
    seed,
    signal: controller.signal,
    onBatch: (s) => {
      const elapsed = (performance.now() - started) / 1000;
      const eta = (elapsed / s.progress) * (1 - s.progress);
      process.stderr.write(
        `\r${bar(s.progress)} epoch ${s.epoch}/${epochs} batch ${s.batch}/${s.batches} loss ${s.loss.toFixed(4)} ${Math.round(s.examplesPerSecond)} img/s ETA ${Math.round(eta)} s   `,
      );
    },
    onEpoch: (e) => {
      history.push({ ...e, epoch: earlier.length + e.epoch, epochs: earlier.length + e.epochs });
      process.stderr.write(
        `\n  epoch ${e.epoch}: train ${e.trainLoss.toFixed(4)} ${evalName} ${e.testLoss.toFixed(4)} lr ${(e.learningRate ?? learningRate).toPrecision(3)} (${e.seconds.toFixed(1)} s)\n`,
      );
    },
  });
  process.stderr.write('\n');
  if (history.length === 0) {
    model.dispose();
    throw new Error('Stopped before the first epoch finished: nothing was saved.');
  }
  // With --validate, `test` is the held-out training digits and the targets do not apply.
  const { metrics, amortisation, targets } = await measureImageModelFolder(model, out, { train, test });
  const seconds = earlierSeconds + (performance.now() - started) / 1000;
  const command = `npm run train:image -- ${process.argv.slice(2).join(' ')}`;
  const summary = {
    model: id,
    backend: choice.backend,
    epochsRun: earlier.length + history.length,
    stoppedBy: result.stoppedBy,
    seconds: Math.round(seconds),
    imagesPerSecond: Math.round((history.length * train.count) / history.reduce((s, e) => s + e.seconds, 0)),
    trainImages: train.count,
    ...(validate !== undefined ? { validationImages: validate } : {}),
    hyperparameters: {
      epochs,
      batchSize,
      learningRate,
      ...(schedule.kind !== 'constant' ? { finalLearningRate: schedule.finalLearningRate } : {}),
      ...(weightDecay > 0 ? { weightDecay } : {}),
      ...(klWarmupEpochs > 0 ? { klWarmupEpochs } : {}),
      ...(inputNoise > 0 ? { inputNoise } : {}),
      ...(trainOnly ? { encoderOnly: 1 } : {}),
      seed,
      zDims: spec.zDims,
      ...(spec.corruption.kind === 'noise' ? { noiseSigma: spec.corruption.sigma } : {}),
    },
    schedule,
    ...(downsampleKernels ? { downsampleKernels } : previous?.downsampleKernels ? { downsampleKernels: previous.downsampleKernels } : {}),
    metrics,
    ...(amortisation ? { amortisation } : {}),
    targets: validate !== undefined ? [] : targets,
    history: [...earlier, ...history],
    command: previous ? `${previous.command}\n${command}` : command,
    trainedAt: new Date().toISOString(),
  };
  const { bytes } = await writeImageModelFolder(out, model, {
    'metrics.json': JSON.stringify(summary, null, 2) + '\n',
    'MODEL_CARD.md': imageModelCard(spec, summary),
  });
  if (!values['no-manifest']) await updateImageManifest(out, spec, bytes, metrics, summary.trainedAt);
  await fs.access(out);
  console.log(JSON.stringify({ out: path.relative(process.cwd(), out), bytes, ...summary, history: undefined }, null, 2));
  model.dispose();
}

main().catch((error: unknown) => {
  console.error(`train:image: ${describeError(error)}`);
  process.exit(1);
});

/**
 * `npm run train:timbre -- --data <dataset dir> --out <run dir> [flags]`: trains the timbre
 * autoencoder (lib/timbre) on a dataset made by `npm run dataset:timbre`.
 *
 * Flags: --steps N (default 20000) --batch B (16) --seed S (1) --resume --z 16 --harmonics 96
 * --noise-bands 40 --max-beta 0.002 --beta-warmup 3000 --lr 0.001 --decay 0.99995 --family-weight 0 --eval-every 500
 * --checkpoint-every 100 --validation 256 --quantize none|float16|uint8 --backend wasm|cpu
 * --from-model <model folder> (a new run starts from that model's weights and step, e.g. models/timbre).
 * Ctrl-C (or SIGTERM) stops after the current step and saves the training state; --resume continues
 * exactly. A NaN loss stops the run and keeps the last good state. The best model by validation
 * distance is written to <run dir> itself (config.json, weights, history.json).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError, InvalidInputError } from '../lib/core/errors';
import { loadDataset } from '../lib/timbre/dataset-node';
import { DEFAULT_TIMBRE_HPARAMS, type TimbreHyperparams } from '../lib/timbre/train';
import { loadWarmStart, runTimbreTraining } from '../lib/timbre/train-run';
import { stopOnInterrupt } from './interrupt';

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--${name} must be a positive whole number; got "${value}".`);
  return n;
}

function number(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidInputError(`--${name} must be a number from ${min} to ${max}; got "${value}".`);
  return n;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      data: { type: 'string', default: '/work/runs/timbre-data' },
      out: { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      seed: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'from-model': { type: 'string' },
      z: { type: 'string' },
      harmonics: { type: 'string' },
      'noise-bands': { type: 'string' },
      'max-beta': { type: 'string' },
      'beta-warmup': { type: 'string' },
      lr: { type: 'string' },
      decay: { type: 'string' },
      'family-weight': { type: 'string' },
      'eval-every': { type: 'string' },
      'checkpoint-every': { type: 'string' },
      validation: { type: 'string' },
      quantize: { type: 'string' },
      backend: { type: 'string' },
    },
  });
  if (!values.out) throw new InvalidInputError('--out <run folder> is required (e.g. /work/runs/timbre).');
  const quantization = values.quantize ?? 'none';
  if (quantization !== 'none' && quantization !== 'float16' && quantization !== 'uint8')
    throw new InvalidInputError('--quantize must be none, float16 or uint8.');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new InvalidInputError('--backend must be wasm or cpu here.');
  const d = DEFAULT_TIMBRE_HPARAMS;
  const hparams: TimbreHyperparams = {
    ...d,
    batchSize: positive(values.batch, 'batch', d.batchSize),
    seed: positive(values.seed, 'seed', d.seed),
    zDims: positive(values.z, 'z', d.zDims),
    harmonics: positive(values.harmonics, 'harmonics', d.harmonics),
    noiseBands: positive(values['noise-bands'], 'noise-bands', d.noiseBands),
    maxBeta: number(values['max-beta'], 'max-beta', d.maxBeta, 0, 10),
    betaWarmupSteps: number(values['beta-warmup'], 'beta-warmup', d.betaWarmupSteps, 0, 1e7),
    learningRate: number(values.lr, 'lr', d.learningRate, 1e-7, 1),
    decayRate: number(values.decay, 'decay', d.decayRate, 0.9, 1),
    familyWeight: number(values['family-weight'], 'family-weight', d.familyWeight ?? 0, 0, 100),
  };
  const flagOf: Record<string, keyof TimbreHyperparams> = {
    batch: 'batchSize',
    seed: 'seed',
    z: 'zDims',
    harmonics: 'harmonics',
    'noise-bands': 'noiseBands',
    'max-beta': 'maxBeta',
    'beta-warmup': 'betaWarmupSteps',
    lr: 'learningRate',
    decay: 'decayRate',
    'family-weight': 'familyWeight',
  };
  const overrides = Object.fromEntries(
    Object.entries(flagOf)
      .filter(([flag]) => (values as Record<string, unknown>)[flag] !== undefined)
      .map(([, key]) => [key, hparams[key]]),
  ) as Partial<TimbreHyperparams>;
  const steps = positive(values.steps, 'steps', 20000);
  const choice = await initNodeBackend(backend);
  const data = await loadDataset(path.resolve(values.data));
  const count = (split: string): number => data.index.notes.filter((n) => n.split === split).length;
  process.stderr.write(`Backend: ${choice.backend}. ${count('train')} training notes, ${count('validation')} validation notes.\n`);
  const controller = new AbortController();
  stopOnInterrupt(controller, 'Stopping after this step and saving the training state…');
  process.on('SIGTERM', () => {
    process.stderr.write('\nSIGTERM: stopping after this step and saving the training state…\n');
    controller.abort();
  });
  const started = performance.now();
  let first: number | undefined;
  const result = await runTimbreTraining(data, {
    out: path.resolve(values.out),
    steps,
    hparams,
    overrides,
    resume: values.resume,
    ...(values['from-model'] ? { warmStart: await loadWarmStart(path.resolve(values['from-model'])) } : {}),
    evalEvery: positive(values['eval-every'], 'eval-every', 500),
    checkpointEvery: positive(values['checkpoint-every'], 'checkpoint-every', 100),
    validationNotes: positive(values.validation, 'validation', 256),
    quantization,
    signal: controller.signal,
    onStep: (s, total) => {
      first ??= s.step - 1;
      if (s.step % 10 === 0) {
        const rate = (s.step - first) / ((performance.now() - started) / 1000);
        process.stderr.write(
          `step ${s.step}/${total}  distance ${s.distance.toFixed(3)}  kl ${s.kl.toFixed(1)}${Number.isFinite(s.familyAccuracy) ? `  family ${s.familyAccuracy.toFixed(2)}` : ''}  β ${s.beta.toExponential(1)}  |g| ${s.gradNorm.toFixed(2)}  lr ${s.learningRate.toExponential(1)}  ${rate.toFixed(2)} steps/s  eta ${duration((total - s.step) / rate)}\n`,
        );
      }
    },
    onNote: (m) => process.stderr.write(m + '\n'),
    onEval: (e) =>
      process.stderr.write(
        `eval at step ${e.step}: validation distance ${e.valDistance.toFixed(4)}${e.best ? ' (best, saved)' : ''}  [${duration(e.seconds)} trained]\n`,
      ),
  });
  console.log(JSON.stringify({ ...result, history: result.history.slice(-5) }, null, 2));
  if (result.stoppedBy === 'nan') process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.error(`train:timbre: ${describeError(error)}`);
  process.exit(1);
});

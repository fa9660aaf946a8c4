/**
 * `npm run train:music -- --model melody|drums --data <dir> --out models/<id> [flags]`: trains a
 * MusicVAE on a folder of MIDI files with Magenta's recipe and writes a Magenta checkpoint.
 *
 * How long: --steps N trains N steps in this run, counted from wherever it starts — step 0, the
 * saved state (--resume) or the --init model's step (default 2000); --until S stops at step S
 * instead (absolute, as the schedules, the history and the cards count); --max-minutes M stops
 * after M minutes (evaluated and saved, like Ctrl-C). A run that writes no model says so on stderr
 * and exits with 1.
 *
 * Fine-tuning a shipped model on your own files: --init models/mel_2bar --data <your folder>
 * --finetune encoder|decoder|whole (the labs' recipe for that mode: learning rate, batch, β, …)
 * --hold-out N (N of your files held back, scored before the first step and after the last; the
 * better of the two is written to --out) — see docs/fine-tuning.md.
 *
 * Flags: --steps N | --until S, --max-minutes M, --batch B (64) --seed S (1) --resume --encoder 256
 * --decoder 256,256 --z 128 --eval-every 200 --checkpoint-every 200 --transpose 5 (melody only)
 * --quantize none|float16|uint8 --rehearsal R (with --init: share R of every batch taken from windows written
 * by the --init model itself, against forgetting; default the --finetune recipe's) --hold-out N --workers N (data-parallel, one WASM per worker; default:
 * every core) --sampling-rate k [--sampling-from S] (scheduled sampling, Magenta's inverse sigmoid)
 * --backend wasm|cpu --init <model folder> [--init-step N] (start from a trained model: weights,
 * step, history); the recipe: --max-beta 0.2 --beta-rate 0.99999 --free-bits 0|48 --lr 0.001.
 * Ctrl-C stops after the current step and saves the training state (--resume continues exactly).
 * A NaN loss stops the run and keeps the last good state.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stopOnInterrupt } from './interrupt';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import { DrumsConverter } from '../lib/music/converters/drums';
import { MelodyConverter } from '../lib/music/converters/melody';
import { countWindows, holdOutFiles, type FileWindows } from '../lib/music/dataset';
import { buildMusicDataset, type MusicDataset } from '../lib/music/dataset-node';
import { fineTuneHyperparams, musicVaeFromValues, REHEARSAL_WINDOWS, rehearsalWindows, trainedPart } from '../lib/music/finetune';
import { fineTuneRecipe } from '../lib/music/finetune-recipe';
import { DEFAULT_HPARAMS } from '../lib/music/train-options';
import { loadInitialModel, runTraining } from '../lib/music/train-run';

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number; got "${value}".`);
  return n;
}

function fraction(value: string | undefined, name: string, fallback: number, max = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new Error(`--${name} must be a number from 0 to ${max}; got "${value}".`);
  return n;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      steps: { type: 'string' },
      until: { type: 'string' },
      'max-minutes': { type: 'string' },
      'hold-out': { type: 'string' },
      finetune: { type: 'string' },
      batch: { type: 'string' },
      seed: { type: 'string' },
      resume: { type: 'boolean', default: false },
      init: { type: 'string' },
      'init-step': { type: 'string' },
      rehearsal: { type: 'string' },
      encoder: { type: 'string' },
      decoder: { type: 'string' },
      z: { type: 'string' },
      'eval-every': { type: 'string' },
      'checkpoint-every': { type: 'string' },
      transpose: { type: 'string' },
      quantize: { type: 'string' },
      backend: { type: 'string' },
      'max-beta': { type: 'string' },
      'beta-rate': { type: 'string' },
      'free-bits': { type: 'string' },
      lr: { type: 'string' },
      'sampling-rate': { type: 'string' },
      workers: { type: 'string' },
      'sampling-from': { type: 'string' },
    },
  });
  const kind = values.model;
  if (kind !== 'melody' && kind !== 'drums') throw new Error('--model must be melody or drums.');
  if (!values.data || !values.out) throw new Error('--data <folder of MIDI files> and --out <model folder> are required.');
  const quantization = values.quantize ?? 'none';
  if (quantization !== 'none' && quantization !== 'float16' && quantization !== 'uint8') throw new Error('--quantize must be none, float16 or uint8.');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new Error('--backend must be wasm or cpu here.');
  // Every flag is checked before any work starts.
  const mode = values.finetune;
  if (mode !== undefined && mode !== 'encoder' && mode !== 'decoder' && mode !== 'whole')
    throw new Error(
      mode === 'latent'
        ? '--finetune latent (a MidiMe-style small model over the codes) runs in the labs only; from the terminal, fine-tune the encoder, the decoder or the whole model.'
        : `--finetune must be encoder, decoder or whole; got "${mode}".`,
    );
  if (mode && !values.init) throw new Error('--finetune needs --init <model folder>: the trained model to fine-tune (e.g. models/mel_2bar).');
  const recipe = mode ? fineTuneRecipe(mode, kind) : undefined;
  // With --finetune, the labs' recipe for that mode (docs/fine-tuning.md); flags given still win.
  const defaults = recipe ? { ...DEFAULT_HPARAMS[kind], ...fineTuneHyperparams(recipe) } : DEFAULT_HPARAMS[kind];
  const hparams = {
    ...defaults,
    seed: positive(values.seed, 'seed', defaults.seed),
    encoderUnits: positive(values.encoder, 'encoder', defaults.encoderUnits),
    decoderUnits: values.decoder ? values.decoder.split(',').map((d) => positive(d, 'decoder', 0)) : defaults.decoderUnits,
    zDims: positive(values.z, 'z', defaults.zDims),
    maxBeta: fraction(values['max-beta'], 'max-beta', defaults.maxBeta, 10),
    betaRate: fraction(values['beta-rate'], 'beta-rate', defaults.betaRate),
    freeBits: fraction(values['free-bits'], 'free-bits', defaults.freeBits, 1000),
    learningRate: fraction(values.lr, 'lr', defaults.learningRate),
    samplingRate: fraction(values['sampling-rate'], 'sampling-rate', defaults.samplingRate ?? 0, 1e6),
    samplingFrom: values['sampling-from'] === undefined ? (defaults.samplingFrom ?? 0) : fraction(values['sampling-from'], 'sampling-from', 0, 1e9),
  };
  // Flags given on the command line win over a resumed run's saved recipe.
  const flagOf: Record<string, keyof typeof hparams> = {
    seed: 'seed',
    encoder: 'encoderUnits',
    decoder: 'decoderUnits',
    z: 'zDims',
    'max-beta': 'maxBeta',
    'beta-rate': 'betaRate',
    'free-bits': 'freeBits',
    lr: 'learningRate',
    'sampling-rate': 'samplingRate',
    'sampling-from': 'samplingFrom',
  };
  const overrides = Object.fromEntries(
    Object.entries(flagOf)
      .filter(([flag]) => (values as Record<string, unknown>)[flag] !== undefined)
      .map(([, key]) => [key, hparams[key]]),
  );
  const workers = positive(values.workers, 'workers', os.availableParallelism());
  if (values.steps !== undefined && values.until !== undefined)
    throw new Error('Give --steps N (steps in this run, from where it starts) or --until S (the step to stop at), not both.');
  const until = values.until === undefined ? undefined : positive(values.until, 'until', 0);
  const steps = until === undefined ? positive(values.steps, 'steps', 2000) : undefined;
  const maxMinutes = values['max-minutes'] === undefined ? undefined : Number(values['max-minutes']);
  if (maxMinutes !== undefined && !(Number.isFinite(maxMinutes) && maxMinutes > 0))
    throw new Error(`--max-minutes must be a positive number of minutes; got "${values['max-minutes']}".`);
  const holdOut = values['hold-out'] === undefined ? undefined : positive(values['hold-out'], 'hold-out', 0);
  const batchSize = positive(values.batch, 'batch', recipe?.batchSize ?? 64);
  const evalEvery = positive(values['eval-every'], 'eval-every', 200);
  const checkpointEvery = positive(values['checkpoint-every'], 'checkpoint-every', 200);
  const transpose = values.transpose === undefined ? (recipe?.transpose ?? 5) : Number(values.transpose);
  if (!Number.isInteger(transpose) || transpose < 0 || transpose > 12)
    throw new Error(`--transpose must be a whole number of semitones from 0 to 12; got "${values.transpose}".`);
  const initStep = values['init-step'] === undefined ? undefined : Number(values['init-step']);
  if (initStep !== undefined && (!Number.isInteger(initStep) || initStep < 0))
    throw new Error(`--init-step must be a whole number ≥ 0; got "${values['init-step']}".`);
  const rehearsal = values.rehearsal === undefined ? (recipe?.rehearsal ?? 0) : Number(values.rehearsal);
  if (!Number.isFinite(rehearsal) || rehearsal < 0 || rehearsal > 0.9)
    throw new Error(`--rehearsal must be a share of each batch from 0 to 0.9; got "${values.rehearsal}".`);
  if (rehearsal > 0 && !values.init) throw new Error('--rehearsal needs --init <model folder>: the model whose own windows are rehearsed.');
  const choice = await initNodeBackend(backend);
  const init = values.init ? await loadInitialModel(path.resolve(values.init), initStep) : undefined;
  const converter = kind === 'melody' ? new MelodyConverter() : new DrumsConverter();
  process.stderr.write(`Backend: ${choice.backend}, ${workers} worker${workers === 1 ? '' : 's'}. Building the dataset…\n`);
  const built = await buildMusicDataset(path.resolve(values.data), converter, {
    // Fine-tuning reads your files as the labs do: each in its own meter (a jig's bars are 6/8), windows one of its bars apart.
    ...(mode ? { meter: 'any' as const } : { ignoreMeter: kind === 'melody' }),
    kit: kind === 'drums' ? 'roland-td11' : 'gm',
  });
  const dataset = holdOut === undefined ? built : withFiles(built, holdOutFiles(built.files, holdOut));
  if (holdOut !== undefined && dataset.counts.trainFiles === 0)
    throw new Error(`--hold-out ${holdOut} holds back all ${dataset.counts.validationFiles} usable file(s); leave some to train on.`);
  process.stderr.write(
    `${dataset.counts.trainWindows} training / ${dataset.counts.validationWindows} validation windows${dataset.fromCache ? ' (from cache)' : ''}` +
      `${
        holdOut === undefined
          ? ''
          : ` (${dataset.counts.validationFiles} file(s) held back: ${dataset.files
              .filter((f) => f.split === 'validation')
              .map((f) => f.file)
              .join(', ')})`
      }.\n`,
  );
  // Pseudo-rehearsal: the --init model's own windows (from the weights read above), the share --rehearsal of every batch.
  let replay: Int32Array[] = [];
  if (rehearsal > 0 && init) {
    const own = musicVaeFromValues({ type: 'MusicVAE', dataConverter: converter.toSpec() }, init.weights, 'init');
    try {
      replay = await rehearsalWindows(own, hparams.seed, REHEARSAL_WINDOWS);
    } finally {
      own.dispose();
    }
    process.stderr.write(`Rehearsing ${replay.length} windows written by ${values.init}: ${Math.round(rehearsal * 100)}% of every batch.\n`);
  }
  const controller = new AbortController();
  stopOnInterrupt(controller, 'Stopping after this step and saving the training state…');
  const started = performance.now();
  let firstStep: number | undefined;
  const result = await runTraining(dataset, converter, {
    out: path.resolve(values.out),
    ...(until === undefined ? { steps } : { until }),
    ...(maxMinutes === undefined ? {} : { maxSeconds: maxMinutes * 60 }),
    batchSize,
    // A fine-tuning recipe's learning rate warms up and decays from where the --init model stopped, not from step 0.
    hparams: recipe && init && (recipe.decay < 1 || recipe.warmup > 0) ? { ...hparams, decayFrom: init.step } : hparams,
    evalEvery,
    checkpointEvery,
    resume: values.resume,
    workers,
    overrides,
    init,
    transpose,
    ...(replay.length > 0 ? { rehearsal: { windows: replay, share: rehearsal } } : {}),
    ...(mode && trainedPart(mode) ? { trainOnly: trainedPart(mode) } : {}),
    quantization,
    signal: controller.signal,
    onStep: (s, total) => {
      firstStep ??= s.step - 1;
      const elapsed = (performance.now() - started) / 1000;
      const rate = (s.step - firstStep) / elapsed;
      const width = 24;
      const filled = Math.max(0, Math.min(width, Math.round(((s.step - firstStep) / Math.max(1, total - firstStep)) * width)));
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${s.step}/${total} ${rate.toFixed(2)} steps/s ETA ${duration((total - s.step) / rate)} ` +
          `loss ${s.loss.toFixed(2)} recon ${s.reconstruction.toFixed(2)} KL ${s.kl.toFixed(2)} β ${s.beta.toFixed(3)} acc ${s.accuracy.toFixed(3)}${s.samplingProbability > 0 ? ` sampled ${(100 * s.samplingProbability).toFixed(1)}%` : ''}   `,
      );
    },
    onEval: (e) =>
      process.stderr.write(
        `\n  validation @${e.step}: teacher-forced ${e.accuracy.toFixed(4)} greedy ${e.greedyAccuracy.toFixed(4)} (events ${e.greedyEventAccuracy.toFixed(4)}) recon ${e.reconstruction.toFixed(2)} KL ${e.kl.toFixed(2)}${e.best ? ' (best, saved)' : ''}\n`,
      ),
  });
  process.stderr.write('\n');
  console.log(JSON.stringify({ backend: choice.backend, seconds: Math.round((performance.now() - started) / 1000), ...result }, null, 2));
  const out = path.resolve(values.out);
  if (result.before && result.after) {
    const f = (n: number): string => n.toFixed(3);
    process.stderr.write(
      `Validation (${dataset.counts.validationWindows} windows${holdOut === undefined ? '' : ' of your held-back files'}), greedy accuracy all / event steps: ` +
        `before (step ${result.before.step}) ${f(result.before.greedyAccuracy)} / ${f(result.before.greedyEventAccuracy)}, ` +
        `after (step ${result.after.step}) ${f(result.after.greedyAccuracy)} / ${f(result.after.greedyEventAccuracy)}; ` +
        `${out} holds the model of step ${result.bestStep}${result.bestStep === result.before.step ? ' (training did not beat the starting model)' : ''}.\n`,
    );
  }
  if (result.stoppedBy === 'nan') {
    console.error(result.message);
    process.exit(1);
  }
  if (!result.modelWritten) {
    console.error(
      `train:music: NO MODEL WAS WRITTEN to ${out}: steps ${result.startStep}–${result.steps} never beat the best validation greedy accuracy ` +
        `(${result.bestAccuracy.toFixed(4)}, step ${result.bestStep}) of the resumed run, so ${out} still holds the model of step ${result.bestStep}.`,
    );
    process.exit(1);
  }
}

/** The dataset with its files re-split (counts recomputed). */
function withFiles(dataset: MusicDataset, files: FileWindows[]): MusicDataset {
  return { ...dataset, files, counts: countWindows(files, dataset.counts.filesFound, dataset.counts.skipped) };
}

main().catch((error: unknown) => {
  console.error(`train:music: ${describeError(error)}`);
  process.exit(1);
});

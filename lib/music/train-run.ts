/**
 * A whole training run (Node): data order, augmentation, periodic checkpoints, exact resume,
 * validation, keeping the best model, and stopping cleanly on a NaN loss. The loop, the batch order
 * and the state on disk are lib/core/train-run-node.ts's (shared with the timbre runs).
 *
 * Output folder layout:
 *   <out>/                    the best model by validation accuracy, a Magenta checkpoint
 *   <out>/training/           the latest training state: weights (Magenta names), Adam state, progress
 * Resuming reads <out>/training and continues with exactly the batches, noise and learning rate the
 * uninterrupted run would have used (everything is derived from the seed and the step number).
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { fsSource, writeCheckpointFolder } from '../core/checkpoint-node';
import { loadCheckpointTensors } from '../core/checkpoint';
import { encodeCheckpoint, tensorsToNamedValues, type NamedValues, type Quantization } from '../core/checkpoint-write';
import { CancelledError, InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import { batchAt, loadTrainingState, runTrainingLoop, saveTrainingState, stepSeed, trainingClock } from '../core/train-run-node';
import type { MusicConverter } from './converters/types';
import { transposeMelodyLabels } from './dataset';
import type { MusicDataset } from './dataset-node';
import { NothingToTrainError, type RunEval, type RunResult } from './train-run-result';
import { batchTensors, type EvalStats, type StepStats } from './train-batch';
import { MusicVaeTrainer } from './train';
import type { TrainHyperparams } from './train-options';
import { rehearsedPerBatch } from './finetune-recipe';
import { ParallelTrainer } from './train-parallel';
import { nodeTrainPeer } from './train-parallel-node';
import { compareLabels, MusicVAE } from './music-vae';

export interface RunOptions {
  out: string;
  /**
   * Steps to train in this run, counted from wherever it starts (step 0, the saved state with
   * `resume`, or the `init` model's step). Give this or {@link until}.
   */
  steps?: number;
  /** The step number to stop at (absolute, as the schedules and history count). Give this or {@link steps}. */
  until?: number;
  /** Stop cleanly (like a cancel: evaluate, save) after this many seconds of training in this run. */
  maxSeconds?: number;
  batchSize: number;
  hparams: TrainHyperparams;
  /** Validate (and maybe keep as best) every this many steps, and at the end. */
  evalEvery: number;
  /** Write the training state every this many steps, and at the end. */
  checkpointEvery: number;
  /** Continue from <out>/training if it exists. */
  resume: boolean;
  /**
   * Recipe settings that win over a resumed run's saved ones (e.g. turning on scheduled sampling
   * part-way). Layer sizes cannot change.
   */
  overrides?: Partial<TrainHyperparams>;
  /**
   * Start from a trained model instead of random weights (when there is no state to resume):
   * its weights, the step it reached (so β, the learning rate and the schedules continue) and its
   * validation history (so the accuracy-vs-time curve continues). Adam's moments start at zero.
   */
  init?: InitialModel;
  /** Transpose melody windows by up to ±this many semitones (training only). */
  transpose: number;
  /**
   * Pseudo-rehearsal (lib/music/finetune): windows the --init model wrote, making up `share` of every
   * batch (as the labs' fine-tuning mixes them), never transposed.
   */
  rehearsal?: { windows: readonly Int32Array[]; share: number };
  /** Train only these variables, the rest kept as they are (fine-tuning; see lib/music/finetune-recipe). */
  trainOnly?: 'encoder' | 'decoder';
  /**
   * Participants in data-parallel training (this thread plus worker threads, one TF.js WASM each;
   * see train-parallel.ts). 1 (the default) trains in this thread alone.
   */
  workers?: number;
  /** Quantization of the exported best model. */
  quantization?: Quantization;
  signal?: AbortSignal;
  onStep?: (stats: StepStats, totalSteps: number) => void;
  onEval?: (stats: EvalStats & { greedyAccuracy: number; greedyEventAccuracy: number; step: number; best: boolean }) => void;
}

const stateSchema = z.object({
  step: z.number().int().nonnegative(),
  hparams: z.record(z.string(), z.unknown()),
  bestAccuracy: z.number(),
  bestStep: z.number().int(),
  history: z.array(z.record(z.string(), z.number())),
  /** Wall-clock seconds of training so far, over all resumed runs. */
  seconds: z.number().nonnegative().optional(),
  /** What "best" means: greedy accuracy (free-running decode, what users hear); older runs kept teacher-forced accuracy. */
  bestBy: z.enum(['teacher-forced', 'greedy']).optional(),
});

/** A trained model to continue from (see {@link RunOptions.init}). */
export interface InitialModel {
  weights: NamedValues[];
  step: number;
  history: Record<string, number>[];
  /** Wall-clock seconds of training that made it. */
  seconds: number;
}

/** The validation history a run writes beside a shipped model (`history.json`). */
export const historySchema = z.object({
  step: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  history: z.array(
    z.object({ step: z.number().int().nonnegative(), seconds: z.number().nonnegative().optional(), valAccuracy: z.number() }).catchall(z.number()),
  ),
});

export { NothingToTrainError, type RunEval, type RunResult } from './train-run-result';

function augment(windows: Int32Array[], converter: MusicConverter, maxShift: number, seed: number): Int32Array[] {
  if (converter.kind !== 'melody' || maxShift <= 0) return windows;
  const rng = createRng(seed);
  return windows.map((w) => transposeMelodyLabels(w, rng.int(2 * maxShift + 1) - maxShift, converter.outputDepth) ?? w);
}

/** Validation windows used for the greedy (free-running) accuracy: evenly spread over the set. */
const GREEDY_WINDOWS = 1024;

/**
 * Greedy reconstruction accuracy (encode to μ, decode with argmax, compare every step, and event
 * steps only) on up to {@link GREEDY_WINDOWS} windows spread over the validation set.
 */
async function greedyAccuracy(
  trainer: MusicVaeTrainer,
  converter: MusicConverter,
  windows: readonly Int32Array[],
): Promise<{ greedyAccuracy: number; greedyEventAccuracy: number }> {
  const stride = Math.max(1, windows.length / GREEDY_WINDOWS);
  const picked = Array.from({ length: Math.min(windows.length, GREEDY_WINDOWS) }, (_, i) => windows[Math.floor(i * stride)] as Int32Array);
  const vars: tf.NamedTensorMap = {};
  for (const [name, v] of trainer.variables) vars[name] = tf.clone(v);
  const model = new MusicVAE({ type: 'MusicVAE', dataConverter: converter.toSpec() }, vars);
  const total = { steps: 0, matching: 0, events: 0, matchingEvents: 0 };
  try {
    for (let i = 0; i < picked.length; i += 256) {
      const chunk = picked.slice(i, i + 256);
      const x = tf.tensor3d(concatInputs(converter, chunk), [chunk.length, converter.numSteps, converter.inputDepth]);
      try {
        const z = await model.encode(x);
        try {
          (await model.decodeLabels(z)).forEach((labels, k) => {
            const f = compareLabels(chunk[k] ?? [], labels);
            total.steps += f.totalSteps;
            total.matching += f.matchingSteps;
            total.events += f.eventSteps;
            total.matchingEvents += f.matchingEventSteps;
          });
        } finally {
          z.dispose();
        }
      } finally {
        x.dispose();
      }
    }
  } finally {
    model.dispose();
  }
  return { greedyAccuracy: total.matching / total.steps, greedyEventAccuracy: total.events > 0 ? total.matchingEvents / total.events : 0 };
}

function concatInputs(converter: MusicConverter, windows: readonly Int32Array[]): Float32Array {
  const size = converter.numSteps * converter.inputDepth;
  const out = new Float32Array(windows.length * size);
  windows.forEach((w, i) => out.set(converter.labelsToInput(w), i * size));
  return out;
}

async function validate(
  trainer: MusicVaeTrainer,
  converter: MusicConverter,
  windows: readonly Int32Array[],
): Promise<EvalStats & { greedyAccuracy: number; greedyEventAccuracy: number }> {
  let weight = 0;
  const sum = { reconstruction: 0, kl: 0, accuracy: 0 };
  for (let i = 0; i < windows.length; i += 256) {
    const chunk = windows.slice(i, i + 256);
    const batch = batchTensors(converter, chunk);
    try {
      const s = await trainer.evaluate(batch);
      sum.reconstruction += s.reconstruction * chunk.length;
      sum.kl += s.kl * chunk.length;
      sum.accuracy += s.accuracy * chunk.length;
      weight += chunk.length;
    } finally {
      tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
    }
  }
  return {
    reconstruction: sum.reconstruction / weight,
    kl: sum.kl / weight,
    accuracy: sum.accuracy / weight,
    ...(await greedyAccuracy(trainer, converter, windows)),
  };
}

function magentaConfig(converter: MusicConverter): object {
  return { type: 'MusicVAE', dataConverter: converter.toSpec() };
}

/**
 * Reads a trained model folder as a starting point: its weights and, from `history.json` beside
 * them (written by export:music), the step, wall time and validation history. Without that file
 * the step must be given.
 */
export async function loadInitialModel(dir: string, step?: number): Promise<InitialModel> {
  let history: z.infer<typeof historySchema> | undefined;
  try {
    history = historySchema.parse(JSON.parse(await readFile(path.join(dir, 'history.json'), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new InvalidInputError(
        `${path.join(dir, 'history.json')} is not a valid training history: ${error instanceof Error ? error.message : String(error)}`,
      );
  }
  const at = step ?? history?.step;
  if (at === undefined) throw new InvalidInputError(`${dir} has no history.json; say which step it reached with --init-step.`);
  const tensors = await loadCheckpointTensors(fsSource(dir));
  const weights = await tensorsToNamedValues(tensors);
  tf.dispose(tensors);
  return { weights, step: at, history: history?.history.filter((h) => h.step <= at) ?? [], seconds: history?.seconds ?? 0 };
}

/** Trains (or resumes training) a MusicVAE on a dataset. */
export async function runTraining(dataset: MusicDataset, converter: MusicConverter, options: RunOptions): Promise<RunResult> {
  if (dataset.converterType !== converter.type) throw new InvalidInputError(`The dataset was built for ${dataset.converterType}, not ${converter.type}.`);
  const train = dataset.files.filter((f) => f.split === 'train').flatMap((f) => f.windows);
  const validation = dataset.files.filter((f) => f.split === 'validation').flatMap((f) => f.windows);
  const replay = options.rehearsal?.windows ?? [];
  const replayed = replay.length > 0 ? rehearsedPerBatch(options.batchSize, options.rehearsal?.share ?? 0) : 0;
  const ownPerBatch = options.batchSize - replayed;
  if (train.length < ownPerBatch)
    throw new InvalidInputError(
      `Only ${train.length} training windows for batches of ${ownPerBatch}${replayed > 0 ? ` (plus ${replayed} rehearsed)` : ''}; use a smaller --batch or more data.`,
    );
  if (validation.length === 0) throw new InvalidInputError('The dataset has no validation windows; add more files so some land in the validation split.');
  const stateDir = path.join(options.out, 'training');
  const resumed = options.resume ? await loadTrainingState(stateDir, stateSchema) : undefined;
  const saved = resumed ? ({ ...options.hparams, ...resumed.state.hparams } as TrainHyperparams) : options.hparams;
  for (const key of ['encoderUnits', 'zDims'] as const) {
    const wanted = options.overrides?.[key];
    if (wanted !== undefined && wanted !== saved[key])
      throw new InvalidInputError(`The run in ${options.out} has ${key} ${saved[key]}; a resumed run cannot change it to ${wanted}.`);
  }
  if (options.overrides?.decoderUnits && options.overrides.decoderUnits.join(',') !== saved.decoderUnits.join(',')) {
    throw new InvalidInputError(`The run in ${options.out} has decoder layers [${saved.decoderUnits.join(', ')}]; a resumed run cannot change them.`);
  }
  const hparams: TrainHyperparams = { ...saved, ...options.overrides };
  const init = resumed ? undefined : options.init;
  const only = options.trainOnly;
  const trainer = new MusicVaeTrainer(converter, hparams, resumed?.weights ?? init?.weights, only ? (name) => !name.startsWith(`${only}/`) : undefined);
  if (resumed) resumed.state.hparams = { ...hparams };
  const state: z.infer<typeof stateSchema> = resumed?.state ?? {
    step: init?.step ?? 0,
    hparams: { ...hparams },
    bestAccuracy: -1,
    bestStep: -1,
    history: init ? init.history.map((h) => ({ ...h })) : [],
    seconds: init?.seconds ?? 0,
  };
  const until = options.until ?? state.step + (options.steps ?? NaN);
  if ((options.until === undefined) === (options.steps === undefined) || !Number.isInteger(until)) {
    trainer.dispose();
    throw new InvalidInputError('Give the run either steps (how many to train now) or until (the step to stop at), as a whole number.');
  }
  if (until <= state.step) {
    trainer.dispose();
    const from = resumed ? `the saved state in ${stateDir}` : init ? 'the starting model' : 'scratch';
    throw new NothingToTrainError(
      `Nothing to train: the run starts at step ${state.step} (from ${from}) and is asked to stop at step ${until}. ` +
        `Give --steps N to train N more steps from where it starts (e.g. --steps 150), or an --until later than ${state.step}. No model was written.`,
    );
  }
  const parallel = new ParallelTrainer(trainer, converter, options.workers ?? 1, nodeTrainPeer);
  const elapsed = trainingClock(state.seconds ?? 0);
  // --max-minutes counts from here: starting the workers and scoring the starting model are in it.
  const deadline = options.maxSeconds === undefined ? undefined : performance.now() + options.maxSeconds * 1000;
  try {
    trainer.step = state.step;
    if (resumed) {
      await trainer.setOptimizerWeights(resumed.optimizer);
      tf.dispose(resumed.optimizer);
    }
    await parallel.start();
    let modelWritten = false;
    let before: RunEval | undefined;
    let after: RunEval | undefined;
    const startStep = state.step;
    if (state.bestBy !== 'greedy') {
      // The best model is chosen by greedy accuracy; a run that kept teacher-forced accuracy starts that choice afresh.
      state.bestBy = 'greedy';
      state.bestAccuracy = -1;
    }
    const evaluate = async (): Promise<void> => {
      const stats = await validate(trainer, converter, validation);
      const best = stats.greedyAccuracy > state.bestAccuracy;
      state.seconds = elapsed();
      state.history.push({
        step: trainer.step,
        seconds: Math.round(state.seconds),
        valAccuracy: stats.accuracy,
        valGreedyAccuracy: stats.greedyAccuracy,
        valGreedyEventAccuracy: stats.greedyEventAccuracy,
        valReconstruction: stats.reconstruction,
        valKl: stats.kl,
      });
      if (best) {
        state.bestAccuracy = stats.greedyAccuracy;
        state.bestStep = trainer.step;
        const weights = await trainer.toNamedValues();
        await writeCheckpointFolder(options.out, encodeCheckpoint(weights, { quantization: options.quantization ?? 'none' }), {
          'config.json': magentaConfig(converter),
        });
        modelWritten = true;
      }
      after = { step: trainer.step, accuracy: stats.accuracy, greedyAccuracy: stats.greedyAccuracy, greedyEventAccuracy: stats.greedyEventAccuracy };
      options.onEval?.({ ...stats, step: trainer.step, best });
    };
    if (init && !resumed) {
      // The starting model on this run's validation windows (for fine-tuning: the user's held-back
      // files) — the "before" of the run, and the model to beat: a run that makes them worse keeps it.
      // A history point the init model brought at this step (measured on its own data) is replaced.
      if (state.history.at(-1)?.step === trainer.step) state.history.pop();
      await evaluate();
      before = after;
    }
    const { stoppedBy, message } = await runTrainingLoop(
      trainer,
      {
        steps: until,
        evalEvery: options.evalEvery,
        checkpointEvery: options.checkpointEvery,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(deadline === undefined ? {} : { deadline }),
      },
      {
        trainStep: async (step) => {
          const windows = [
            ...augment(batchAt(train, step, ownPerBatch, hparams.seed), converter, options.transpose, (hparams.seed * 1_000_003 + step) >>> 0),
            ...(replayed > 0 ? batchAt(replay, step, replayed, (hparams.seed ^ 0x5bd1e995) >>> 0) : []),
          ];
          const stats = await parallel.trainStep(windows, stepSeed(hparams.seed, step));
          options.onStep?.(stats, until);
          state.step = trainer.step;
        },
        evaluate,
        lastEvaluated: () => state.history.at(-1)?.step,
        save: async () => {
          state.seconds = elapsed();
          await saveTrainingState(stateDir, trainer, magentaConfig(converter), state);
        },
      },
    );
    return {
      steps: trainer.step,
      startStep,
      bestAccuracy: state.bestAccuracy,
      bestStep: state.bestStep,
      history: state.history,
      stoppedBy,
      modelWritten,
      ...(message === undefined ? {} : { message }),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    };
  } finally {
    await parallel.close();
    trainer.dispose();
  }
}

export { CancelledError };

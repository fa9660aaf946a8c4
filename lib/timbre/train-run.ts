/**
 * A whole timbre training run (Node), shaped like the music runs (lib/music/train-run.ts): data order
 * from the seed and the step, periodic checkpoints, exact resume, validation, keeping the best
 * model, and stopping cleanly on Ctrl-C or a NaN loss.
 *
 * Output folder layout:
 *   <out>/                 the best model by validation distance: config.json, weights, history.json
 *   <out>/training/        the latest state: weights, Adam's state, progress (training_state.json)
 * Resuming reads <out>/training and continues with exactly the batches and noise the uninterrupted
 * run would have used.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { loadCheckpointTensors } from '../core/checkpoint';
import { fsSource, writeCheckpointFolder } from '../core/checkpoint-node';
import { encodeCheckpoint, tensorsToNamedValues, type NamedValues, type Quantization } from '../core/checkpoint-write';
import { InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import type { DatasetNote } from './dataset';
import { noteAudio, noteFeatureView, type TimbreDataset } from './dataset-node';
import { FEATURE_DIMS } from './features';
import { gmFamilyIndex } from './gm';
import { defaultTimbreConfig, weightShapes, type TimbreConfig } from './network';
import { multiScaleDistance, spectralTarget } from './spectral-loss';
import { FRAMES } from './spec';
import { featureStats, TimbreTrainer, trainingSizes, TrainingDivergedError, type TimbreBatch, type TimbreHyperparams, type TimbreStepStats } from './train';

export interface TimbreRunOptions {
  out: string;
  steps: number;
  hparams: TimbreHyperparams;
  evalEvery: number;
  checkpointEvery: number;
  resume: boolean;
  /** Recipe settings that win over a resumed run's saved ones (sizes cannot change). */
  overrides?: Partial<TimbreHyperparams>;
  /** Validation notes used for choosing the best model (evenly spread over the split). */
  validationNotes?: number;
  quantization?: Quantization;
  signal?: AbortSignal;
  onStep?: (stats: TimbreStepStats, totalSteps: number) => void;
  onEval?: (stats: { step: number; valDistance: number; best: boolean; seconds: number }) => void;
  /** Messages about the run itself (e.g. a resumed run that gained the family classifier). */
  onNote?: (message: string) => void;
}

const stateSchema = z.object({
  step: z.number().int().nonnegative(),
  hparams: z.record(z.string(), z.unknown()),
  bestDistance: z.number(),
  bestStep: z.number().int(),
  history: z.array(z.record(z.string(), z.number())),
  seconds: z.number().nonnegative(),
});
type RunState = z.infer<typeof stateSchema>;

/** The validation history written beside a shipped model. */
export const timbreHistorySchema = z.object({
  step: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  history: z.array(z.object({ step: z.number().int().nonnegative(), seconds: z.number().nonnegative(), valDistance: z.number() }).catchall(z.number())),
});

export interface TimbreRunResult {
  steps: number;
  bestDistance: number;
  bestStep: number;
  history: Record<string, number>[];
  stoppedBy: 'done' | 'nan' | 'cancelled';
  message?: string;
}

/** The notes of batch `step`: a seeded shuffle per epoch, cut into batches. */
export function batchNotes<T>(notes: readonly T[], step: number, batchSize: number, seed: number): T[] {
  const perEpoch = Math.max(1, Math.floor(notes.length / batchSize));
  const epoch = Math.floor(step / perEpoch);
  const k = step % perEpoch;
  const order = createRng((seed + epoch * 7919) >>> 0).shuffled(notes.map((_, i) => i));
  return order.slice(k * batchSize, (k + 1) * batchSize).map((i) => notes[i] as T);
}

/** A {@link TimbreBatch} of dataset notes (features from the cache, targets' spectra at `sizes` computed now). */
export function datasetBatch(data: TimbreDataset, notes: readonly DatasetNote[], sizes: readonly number[]): TimbreBatch {
  const features = new Float32Array(notes.length * FRAMES * FEATURE_DIMS);
  notes.forEach((n, i) => features.set(noteFeatureView(data, n), i * FRAMES * FEATURE_DIMS));
  return {
    features,
    f0Hz: notes.map((n) => n.f0Hz),
    loudnessDb: notes.map((n) => n.loudnessDb),
    targets: notes.map((n) => spectralTarget(noteAudio(data, n), sizes)),
    sizes,
    families: notes.map((n) => gmFamilyIndex(n.program)),
  };
}

/** Mean multi-scale spectral distance of the notes' reconstructions from μ (the evaluation's measure). */
export async function meanReconstructionDistance(trainer: TimbreTrainer, data: TimbreDataset, notes: readonly DatasetNote[]): Promise<number> {
  const model = trainer.snapshotModel();
  let sum = 0;
  try {
    for (let i = 0; i < notes.length; i += 32) {
      const chunk = notes.slice(i, i + 32);
      const { z, conditions } = await model.encodeNotes(
        chunk.map((n) => ({ samples: noteAudio(data, n), conditions: { f0Hz: n.f0Hz, loudnessDb: n.loudnessDb }, features: noteFeatureView(data, n) })),
      );
      const decoded = await model.decodeNotes(z, conditions);
      decoded.forEach((y, k) => {
        sum += multiScaleDistance(y, noteAudio(data, chunk[k] as DatasetNote));
      });
    }
  } finally {
    model.dispose();
  }
  return sum / Math.max(1, notes.length);
}

/** Evenly spaced picks of at most `max` items. */
export function spread<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return items.slice();
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)] as T);
}

async function saveState(dir: string, trainer: TimbreTrainer, state: RunState): Promise<void> {
  const weights = await trainer.toNamedValues();
  const optimizer = await tensorsToNamedValues(Object.fromEntries((await trainer.optimizerWeights()).map((w) => [w.name, w.tensor])));
  await writeCheckpointFolder(path.join(dir, 'optimizer'), encodeCheckpoint(optimizer));
  // Written last: its presence says the state is complete.
  await writeCheckpointFolder(dir, encodeCheckpoint(weights), { 'config.json': trainer.config, 'training_state.json': state });
}

async function loadState(dir: string): Promise<{ state: RunState; weights: NamedValues[]; optimizer: tf.NamedTensorMap } | undefined> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, 'training_state.json'), 'utf8');
  } catch {
    return undefined;
  }
  const state = stateSchema.parse(JSON.parse(raw));
  const tensors = await loadCheckpointTensors(fsSource(dir));
  const weights = await tensorsToNamedValues(tensors);
  tf.dispose(tensors);
  const optimizer = await loadCheckpointTensors(fsSource(path.join(dir, 'optimizer')));
  return { state, weights, optimizer };
}

/** Trains (or resumes training) the timbre model on a dataset's `train` split, validating on `validation`. */
export async function runTimbreTraining(data: TimbreDataset, options: TimbreRunOptions): Promise<TimbreRunResult> {
  const train = data.index.notes.filter((n) => n.split === 'train');
  const validation = spread(
    data.index.notes.filter((n) => n.split === 'validation'),
    options.validationNotes ?? 256,
  );
  if (train.length < options.hparams.batchSize) throw new InvalidInputError(`Only ${train.length} training notes for batches of ${options.hparams.batchSize}.`);
  if (validation.length === 0) throw new InvalidInputError('The dataset has no validation notes; render more programs or pitches.');
  const stateDir = path.join(options.out, 'training');
  const resumed = options.resume ? await loadState(stateDir) : undefined;
  const saved = resumed ? ({ ...options.hparams, ...resumed.state.hparams } as TimbreHyperparams) : options.hparams;
  for (const key of ['zDims', 'harmonics', 'noiseBands'] as const) {
    const wanted = options.overrides?.[key];
    if (wanted !== undefined && wanted !== saved[key])
      throw new InvalidInputError(`The run in ${options.out} has ${key} ${saved[key]}; a resumed run cannot change it to ${wanted}.`);
  }
  const hparams: TimbreHyperparams = { ...saved, ...options.overrides };
  const config: TimbreConfig = defaultTimbreConfig({
    zDims: hparams.zDims,
    harmonics: hparams.harmonics,
    noiseBands: hparams.noiseBands,
    familyClassifier: (hparams.familyWeight ?? 0) > 0,
  });
  const trainer = new TimbreTrainer(config, hparams, resumed?.weights);
  // A resumed run that gains variables (the family classifier) starts them fresh, and Adam afresh.
  const added = resumed ? weightShapes(config).filter((w) => !resumed.weights.some((v) => v.name === w.name)) : [];
  if (added.length > 0) options.onNote?.(`New variables ${added.map((w) => w.name).join(', ')} start from fresh values; Adam's state starts afresh.`);
  if (!resumed) {
    const stats = featureStats(spread(train, 2000).map((n) => noteFeatureView(data, n)));
    trainer.setFeatureStats(stats.mean, stats.std);
  }
  const state: RunState = resumed?.state ?? { step: 0, hparams: { ...hparams }, bestDistance: Infinity, bestStep: -1, history: [], seconds: 0 };
  state.hparams = { ...hparams };
  const runStart = performance.now();
  const secondsBefore = state.seconds;
  const elapsed = (): number => secondsBefore + (performance.now() - runStart) / 1000;
  try {
    trainer.step = state.step;
    if (resumed) {
      if (added.length === 0) await trainer.setOptimizerWeights(resumed.optimizer);
      tf.dispose(resumed.optimizer);
    }
    let stoppedBy: TimbreRunResult['stoppedBy'] = 'done';
    let message: string | undefined;
    let recent = { distance: 0, kl: 0, familyAccuracy: 0, n: 0 };
    const evaluate = async (): Promise<void> => {
      const valDistance = await meanReconstructionDistance(trainer, data, validation);
      const best = valDistance < state.bestDistance;
      state.seconds = elapsed();
      state.history.push({
        step: trainer.step,
        seconds: Math.round(state.seconds),
        valDistance,
        trainDistance: recent.n > 0 ? recent.distance / recent.n : NaN,
        trainKl: recent.n > 0 ? recent.kl / recent.n : NaN,
        ...(config.familyClassifier ? { trainFamilyAccuracy: recent.n > 0 ? recent.familyAccuracy / recent.n : NaN } : {}),
        beta: trainer.beta(),
        learningRate: trainer.learningRate(),
      });
      recent = { distance: 0, kl: 0, familyAccuracy: 0, n: 0 };
      if (best) {
        state.bestDistance = valDistance;
        state.bestStep = trainer.step;
        await writeCheckpointFolder(options.out, encodeCheckpoint(await trainer.toNamedValues(), { quantization: options.quantization ?? 'none' }), {
          'config.json': config,
          'history.json': { step: trainer.step, seconds: Math.round(state.seconds), history: state.history },
        });
      }
      options.onEval?.({ step: trainer.step, valDistance, best, seconds: state.seconds });
    };
    while (trainer.step < options.steps) {
      if (options.signal?.aborted) {
        stoppedBy = 'cancelled';
        break;
      }
      const step = trainer.step;
      const batch = datasetBatch(data, batchNotes(train, step, hparams.batchSize, hparams.seed), trainingSizes(step));
      try {
        const stats = await trainer.trainStep(batch, (hparams.seed * 7_777_777 + step) >>> 0);
        recent = {
          distance: recent.distance + stats.distance,
          kl: recent.kl + stats.kl,
          familyAccuracy: recent.familyAccuracy + (Number.isFinite(stats.familyAccuracy) ? stats.familyAccuracy : 0),
          n: recent.n + 1,
        };
        options.onStep?.(stats, options.steps);
      } catch (error) {
        if (!(error instanceof TrainingDivergedError)) throw error;
        stoppedBy = 'nan';
        message = error.message;
        break;
      }
      state.step = trainer.step;
      // Let signals (Ctrl-C), timers and I/O run between steps.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (trainer.step % options.evalEvery === 0) await evaluate();
      if (trainer.step % options.checkpointEvery === 0) {
        state.seconds = elapsed();
        await saveState(stateDir, trainer, state);
      }
    }
    if (stoppedBy !== 'nan') {
      if (state.history.at(-1)?.step !== trainer.step) await evaluate();
      state.seconds = elapsed();
      await saveState(stateDir, trainer, state);
    }
    return {
      steps: trainer.step,
      bestDistance: state.bestDistance,
      bestStep: state.bestStep,
      history: state.history,
      stoppedBy,
      ...(message ? { message } : {}),
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * A whole timbre training run (Node), shaped like the music runs (lib/music/train-run.ts): data order
 * from the seed and the step, periodic checkpoints, exact resume, validation, keeping the best
 * model, and stopping cleanly on Ctrl-C or a NaN loss. The loop, the batch order and the state on disk
 * are lib/core/train-run-node.ts's, as the music runs' are.
 *
 * Output folder layout:
 *   <out>/                 the best model by validation distance: config.json, weights, history.json
 *   <out>/training/        the latest state: weights, Adam's state, progress (training_state.json)
 * Resuming reads <out>/training and continues with exactly the batches and noise the uninterrupted
 * run would have used.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { z } from 'zod';
import { loadCheckpointTensors } from '../core/checkpoint';
import { fsSource, writeCheckpointFolder } from '../core/checkpoint-node';
import { encodeCheckpoint, tensorsToNamedValues, type NamedValues, type Quantization } from '../core/checkpoint-write';
import { InvalidInputError } from '../core/errors';
import { batchAt, loadTrainingState, runTrainingLoop, saveTrainingState, stepSeed, trainingClock } from '../core/train-run-node';
import type { DatasetNote } from './dataset';
import { noteAudio, noteFeatureView, type TimbreDataset } from './dataset-node';
import { FEATURE_DIMS } from './features';
import { gmFamilyIndex } from './gm';
import { defaultTimbreConfig, timbreConfigSchema, weightShapes, type TimbreConfig } from './network';
import { multiScaleDistance, spectralTarget } from './spectral-loss';
import { FRAMES } from './spec';
import { featureStats, TimbreTrainer, trainingSizes, type TimbreBatch, type TimbreHyperparams, type TimbreStepStats } from './train';

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
  /**
   * A new run that starts from a trained model's weights (e.g. the shipped one) instead of fresh
   * ones, at that model's step (so β's warm-up and the learning-rate decay go on from there); Adam
   * starts afresh. Ignored when `resume` finds a training state.
   */
  warmStart?: WarmStart;
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
  stoppedBy: 'done' | 'nan' | 'cancelled' | 'time';
  message?: string;
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

/** A trained model's weights and step, to start a new run from (`TimbreRunOptions.warmStart`). */
export interface WarmStart {
  from: string;
  config: TimbreConfig;
  weights: NamedValues[];
  /** Its history.json: the step its weights were trained to, the seconds it took, its validation curve (continued by the run). */
  history: z.infer<typeof timbreHistorySchema>;
}

/** Reads a model folder written by a run or by `export:timbre` (config.json, weights, history.json) as a warm start. */
export async function loadWarmStart(dir: string): Promise<WarmStart> {
  const source = fsSource(dir);
  const config = timbreConfigSchema.safeParse(await source.readJson('config.json').catch(() => undefined));
  if (!config.success) throw new InvalidInputError(`${dir} holds no timbre model's config.json to start from.`);
  const history = timbreHistorySchema.safeParse(await source.readJson('history.json').catch(() => undefined));
  if (!history.success) throw new InvalidInputError(`${dir} has no readable history.json, so the step its weights were trained to is unknown.`);
  const tensors = await loadCheckpointTensors(source);
  try {
    return { from: dir, config: config.data, weights: await tensorsToNamedValues(tensors), history: history.data };
  } finally {
    tf.dispose(tensors);
  }
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
  const resumed = options.resume ? await loadTrainingState(stateDir, stateSchema) : undefined;
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
  const warm = resumed ? undefined : options.warmStart;
  if (warm)
    for (const key of ['zDims', 'harmonics', 'noiseBands', 'familyClassifier'] as const)
      if (warm.config[key] !== config[key])
        throw new InvalidInputError(`The model in ${warm.from} has ${key} ${String(warm.config[key])}; this run asks for ${String(config[key])}.`);
  const trainer = new TimbreTrainer(config, hparams, resumed?.weights ?? warm?.weights);
  // A resumed run that gains variables (the family classifier) starts them fresh, and Adam afresh.
  const added = resumed ? weightShapes(config).filter((w) => !resumed.weights.some((v) => v.name === w.name)) : [];
  if (added.length > 0) options.onNote?.(`New variables ${added.map((w) => w.name).join(', ')} start from fresh values; Adam's state starts afresh.`);
  if (!resumed && !warm) {
    const stats = featureStats(spread(train, 2000).map((n) => noteFeatureView(data, n)));
    trainer.setFeatureStats(stats.mean, stats.std);
  }
  const state: RunState = resumed?.state ?? {
    step: warm?.history.step ?? 0,
    hparams: { ...hparams },
    bestDistance: Infinity,
    bestStep: -1,
    history: [...(warm?.history.history ?? [])],
    seconds: warm?.history.seconds ?? 0,
  };
  state.hparams = { ...hparams };
  const elapsed = trainingClock(state.seconds);
  try {
    trainer.step = state.step;
    if (resumed) {
      if (added.length === 0) await trainer.setOptimizerWeights(resumed.optimizer);
      tf.dispose(resumed.optimizer);
    }
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
    const { stoppedBy, message } = await runTrainingLoop(trainer, options, {
      trainStep: async (step) => {
        const batch = datasetBatch(data, batchAt(train, step, hparams.batchSize, hparams.seed), trainingSizes(step));
        const stats = await trainer.trainStep(batch, stepSeed(hparams.seed, step));
        recent = {
          distance: recent.distance + stats.distance,
          kl: recent.kl + stats.kl,
          familyAccuracy: recent.familyAccuracy + (Number.isFinite(stats.familyAccuracy) ? stats.familyAccuracy : 0),
          n: recent.n + 1,
        };
        options.onStep?.(stats, options.steps);
        state.step = trainer.step;
      },
      evaluate,
      lastEvaluated: () => state.history.at(-1)?.step,
      save: async () => {
        state.seconds = elapsed();
        await saveTrainingState(stateDir, trainer, trainer.config, state);
      },
    });
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

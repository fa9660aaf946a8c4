/**
 * The parts of a resumable training run (Node) that do not depend on the model: which items make
 * batch `step`, the loop (cancel, NaN stop, periodic validation and checkpoints, a last validation
 * and save), and the training state on disk. lib/music/train-run.ts and lib/timbre/train-run.ts
 * build their runs from these, so a run of either stops, saves and resumes the same way.
 *
 * The state folder (`<out>/training/`): the weights as a checkpoint, `config.json`,
 * `training_state.json` (the run's progress, the caller's schema) and `optimizer/` (Adam's state).
 * Everything a batch needs is derived from the seed and the step, so a resumed run continues with
 * exactly the batches and noise the uninterrupted one would have used.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { loadCheckpointTensors } from './checkpoint';
import { fsSource, writeCheckpointFolder } from './checkpoint-node';
import { encodeCheckpoint, tensorsToNamedValues, type NamedValues } from './checkpoint-write';
import { LatentLabError, TrainingDivergedError } from './errors';
import { createRng } from './random';
import type { VariableTrainer } from './variable-trainer';

/** A run's saved state exists but cannot be used (unreadable or damaged). */
export class TrainingStateError extends LatentLabError {}

/**
 * The items of batch `step`: each epoch a shuffle seeded by `seed` and the epoch number, cut into
 * batches of `batchSize` (the last, incomplete batch of an epoch is left out). Pure.
 */
export function batchAt<T>(items: readonly T[], step: number, batchSize: number, seed: number): T[] {
  const perEpoch = Math.max(1, Math.floor(items.length / batchSize));
  const epoch = Math.floor(step / perEpoch);
  const k = step % perEpoch;
  const order = createRng((seed + epoch * 7919) >>> 0).shuffled(items.map((_, i) => i));
  return order.slice(k * batchSize, (k + 1) * batchSize).map((i) => items[i] as T);
}

/** Seconds of training so far: `before` (earlier runs of a resumed training) plus this run's wall time. */
export function trainingClock(before: number): () => number {
  const start = performance.now();
  return () => before + (performance.now() - start) / 1000;
}

/** The seed of step `step`'s random draws (reparameterisation noise…) in a run seeded with `seed`. */
export function stepSeed(seed: number, step: number): number {
  return (seed * 7_777_777 + step) >>> 0;
}

/** When a run trains, validates and saves (a run's options carry these). */
export interface TrainingSchedule {
  /** Train until this step. */
  steps: number;
  /** Validate every this many steps. */
  evalEvery: number;
  /** Save the state every this many steps. */
  checkpointEvery: number;
  signal?: AbortSignal;
  /** Stop cleanly (validate, save: 'time') once `performance.now()` reaches this. */
  deadline?: number;
}

/** What a run does at each point of the loop. */
export interface TrainingLoopSteps {
  /** One optimisation step from `step` (it advances the trainer's step; throws TrainingDivergedError on a NaN). */
  trainStep(step: number): Promise<void>;
  /** Validates (and keeps the best model), recording the step it validated at. */
  evaluate(): Promise<void>;
  /** The last step validated, if any (a run that ends right after a validation does not validate twice). */
  lastEvaluated(): number | undefined;
  /** Writes the training state. */
  save(): Promise<void>;
}

/**
 * Trains `trainer` from its step to `schedule.steps`, or until `schedule.signal` aborts
 * ('cancelled'), or the clock passes `schedule.deadline` ('time'), or a step diverges ('nan', with
 * its message; the state on disk is then the last periodic one, before the NaN). After each step the event loop gets a turn, so signals (Ctrl-C),
 * timers and I/O are not held up until the training ends. Unless it stopped on a NaN, it validates
 * the last step (when not done yet) and saves.
 */
export async function runTrainingLoop(
  trainer: { readonly step: number },
  schedule: TrainingSchedule,
  run: TrainingLoopSteps,
): Promise<{ stoppedBy: 'done' | 'nan' | 'cancelled' | 'time'; message?: string }> {
  const deadline = schedule.deadline ?? Infinity;
  while (trainer.step < schedule.steps) {
    if (schedule.signal?.aborted) return finish(trainer, run, 'cancelled');
    if (performance.now() >= deadline) return finish(trainer, run, 'time');
    try {
      await run.trainStep(trainer.step);
    } catch (error) {
      // A worker thread's error arrives as a plain Error with the name kept.
      if (!(error instanceof TrainingDivergedError || (error instanceof Error && error.name === 'TrainingDivergedError'))) throw error;
      return { stoppedBy: 'nan', message: error.message };
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (trainer.step % schedule.evalEvery === 0) await run.evaluate();
    if (trainer.step % schedule.checkpointEvery === 0) await run.save();
  }
  return finish(trainer, run, 'done');
}

async function finish(
  trainer: { readonly step: number },
  run: TrainingLoopSteps,
  stoppedBy: 'done' | 'cancelled' | 'time',
): Promise<{ stoppedBy: 'done' | 'cancelled' | 'time' }> {
  if (run.lastEvaluated() !== trainer.step) await run.evaluate();
  await run.save();
  return { stoppedBy };
}

/**
 * Writes a trainer's state into `dir`: Adam's state into `dir/optimizer`, then the weights with
 * `config.json` and `training_state.json` (`state`) — written last, so its presence says the state
 * is complete.
 */
export async function saveTrainingState(dir: string, trainer: VariableTrainer, config: unknown, state: unknown): Promise<void> {
  const weights = await trainer.toNamedValues();
  const optimizer = await tensorsToNamedValues(Object.fromEntries((await trainer.optimizerWeights()).map((w) => [w.name, w.tensor])));
  await writeCheckpointFolder(path.join(dir, 'optimizer'), encodeCheckpoint(optimizer));
  await writeCheckpointFolder(dir, encodeCheckpoint(weights), { 'config.json': config, 'training_state.json': state });
}

/**
 * The saved state of a run in `dir` (checked with `schema`), its weights and Adam's state (the
 * caller disposes `optimizer`), or undefined when there is none yet (no training_state.json). A
 * state that exists but cannot be read or is damaged is a {@link TrainingStateError} — never a
 * silent restart at step 0 that would overwrite the run.
 */
export async function loadTrainingState<S extends z.ZodType>(
  dir: string,
  schema: S,
): Promise<{ state: z.infer<S>; weights: NamedValues[]; optimizer: tf.NamedTensorMap } | undefined> {
  const file = path.join(dir, 'training_state.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TrainingStateError(
      `Cannot read the training state ${file} (${error instanceof Error ? error.message : String(error)}). Fix it, or start a new run in another folder.`,
    );
  }
  let state: z.infer<S>;
  try {
    state = schema.parse(JSON.parse(raw)) as z.infer<S>;
  } catch (error) {
    throw new TrainingStateError(
      `The training state ${file} is damaged (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); --resume cannot continue from it. Restore it from a backup, or start a new run in another folder.`,
    );
  }
  const tensors = await loadCheckpointTensors(fsSource(dir));
  const weights = await tensorsToNamedValues(tensors);
  tf.dispose(tensors);
  const optimizer = await loadCheckpointTensors(fsSource(path.join(dir, 'optimizer')));
  return { state, weights, optimizer };
}

/**
 * How the learning rate and the VAEs' KL weight move over a training run, per batch (pure numbers,
 * no TF.js: the training loop, the model cards and the tests share them).
 */
import type { LearningRateSchedule } from './train-options';

/**
 * The learning rate for batch `step` (0-based) of a run of `totalSteps` batches: `learningRate`
 * at step 0, the schedule's final rate at step `totalSteps - 1` (and beyond), in between by the
 * schedule. A constant schedule (or none) always gives `learningRate`.
 */
export function scheduledLearningRate(learningRate: number, schedule: LearningRateSchedule | undefined, step: number, totalSteps: number): number {
  if (!schedule || schedule.kind === 'constant' || totalSteps <= 1) return learningRate;
  const t = Math.min(1, Math.max(0, step / (totalSteps - 1)));
  const final = schedule.finalLearningRate;
  if (schedule.kind === 'cosine') return final + ((learningRate - final) * (1 + Math.cos(Math.PI * t))) / 2;
  return learningRate * Math.pow(final / learningRate, t);
}

/**
 * The KL weight for batch `step` (0-based) with `batches` per epoch and a warm-up of
 * `warmupEpochs`: `(step + 1) / (warmupEpochs · batches)`, capped at 1; always 1 without warm-up.
 */
export function klWarmupWeight(warmupEpochs: number | undefined, step: number, batches: number): number {
  if (!warmupEpochs || warmupEpochs <= 0) return 1;
  return Math.min(1, (step + 1) / (warmupEpochs * batches));
}

/** A one-line description of a schedule, for logs and model cards. */
export function describeSchedule(learningRate: number, schedule: LearningRateSchedule | undefined): string {
  if (!schedule || schedule.kind === 'constant') return `constant learning rate ${learningRate}`;
  return `${schedule.kind} decay of the learning rate from ${learningRate} to ${schedule.finalLearningRate} over the run (per batch)`;
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TrainingDivergedError } from './errors';
import { batchAt, loadTrainingState, runTrainingLoop, stepSeed, TrainingStateError, type TrainingLoopSteps, type TrainingSchedule } from './train-run-node';

/** A run over a counter that records what it did: 'e5' = validated at step 5, 's5' = saved at 5. */
function countingRun(options: { steps: number; divergeAt?: number; abortAt?: number }): {
  trainer: { step: number };
  schedule: TrainingSchedule;
  run: TrainingLoopSteps;
  log: string[];
} {
  const trainer = { step: 0 };
  let evaluated: number | undefined;
  const log: string[] = [];
  const controller = new AbortController();
  const run: TrainingLoopSteps = {
    trainStep: async (step) => {
      if (step !== trainer.step) throw new Error(`asked for step ${step} at ${trainer.step}`);
      if (step + 1 === options.divergeAt) throw new TrainingDivergedError(`diverged at ${step + 1}`);
      trainer.step++;
      if (trainer.step === options.abortAt) controller.abort();
    },
    evaluate: async () => {
      evaluated = trainer.step;
      log.push(`e${trainer.step}`);
    },
    lastEvaluated: () => evaluated,
    save: async () => {
      log.push(`s${trainer.step}`);
    },
  };
  return { trainer, schedule: { steps: options.steps, evalEvery: 3, checkpointEvery: 4, signal: controller.signal }, run, log };
}

describe('batchAt', () => {
  it('orders batches by seed and step: every item once per epoch, another order the next epoch', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(batchAt(items, 3, 4, 7)).toEqual(batchAt(items, 3, 4, 7));
    const epoch = [0, 1].flatMap((s) => batchAt(items, s, 4, 7));
    expect(new Set(epoch).size).toBe(8);
    expect(batchAt(items, 2, 4, 7)).not.toEqual(batchAt(items, 0, 4, 7));
    expect(batchAt(items, 0, 4, 8)).not.toEqual(batchAt(items, 0, 4, 7));
  });
});

describe('runTrainingLoop', () => {
  it('validates and saves on their schedules, then validates the last step once and saves', async () => {
    const r = countingRun({ steps: 7 });
    expect(await runTrainingLoop(r.trainer, r.schedule, r.run)).toEqual({ stoppedBy: 'done' });
    expect(r.log).toEqual(['e3', 's4', 'e6', 'e7', 's7']);
    const exact = countingRun({ steps: 6 });
    await runTrainingLoop(exact.trainer, exact.schedule, exact.run);
    expect(exact.log).toEqual(['e3', 's4', 'e6', 's6']); // step 6 was just validated: not again
  });

  it('stops on cancel after the current step (validating and saving it), and on a NaN without saving', async () => {
    const cancelled = countingRun({ steps: 10, abortAt: 5 });
    expect(await runTrainingLoop(cancelled.trainer, cancelled.schedule, cancelled.run)).toEqual({ stoppedBy: 'cancelled' });
    expect(cancelled.log).toEqual(['e3', 's4', 'e5', 's5']);
    const nan = countingRun({ steps: 10, divergeAt: 6 });
    expect(await runTrainingLoop(nan.trainer, nan.schedule, nan.run)).toEqual({ stoppedBy: 'nan', message: 'diverged at 6' });
    expect(nan.log).toEqual(['e3', 's4']);
    // A worker thread's divergence arrives as a plain Error carrying the name; other errors propagate.
    const r = countingRun({ steps: 3 });
    r.run.trainStep = () => Promise.reject(Object.assign(new Error('worker 1: diverged'), { name: 'TrainingDivergedError' }));
    expect(await runTrainingLoop(r.trainer, r.schedule, r.run)).toEqual({ stoppedBy: 'nan', message: 'worker 1: diverged' });
    r.run.trainStep = () => Promise.reject(new Error('disk full'));
    await expect(runTrainingLoop(r.trainer, r.schedule, r.run)).rejects.toThrow('disk full');
  });

  it('seeds each step the way runs always have (a resumed run draws the same noise)', () => {
    expect(stepSeed(1, 0)).toBe(7_777_777);
    expect(stepSeed(3, 5)).toBe((3 * 7_777_777 + 5) >>> 0);
    expect(stepSeed(1000, 1)).toBe(7_777_777_001 % 2 ** 32);
  });
});

describe('loadTrainingState', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('is undefined without a state, and a TrainingStateError for a damaged or unreadable one', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'train-state-'));
    dirs.push(root);
    const schema = z.object({ step: z.number().int() });
    expect(await loadTrainingState(path.join(root, 'none'), schema)).toBeUndefined();
    await writeFile(path.join(root, 'training_state.json'), '{"step": "three"}');
    await expect(loadTrainingState(root, schema)).rejects.toThrow(/training_state\.json is damaged .*--resume cannot continue from it/);
    await mkdir(path.join(root, 'folder', 'training_state.json'), { recursive: true });
    await expect(loadTrainingState(path.join(root, 'folder'), schema)).rejects.toBeInstanceOf(TrainingStateError);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpointTensors } from '../core/checkpoint';
import { fsSource } from '../core/checkpoint-node';
import { tensorsToNamedValues } from '../core/checkpoint-write';
import { liveTensorCount } from '../core/memory';
import { TrainingStateError } from '../core/train-run-node';
import { syntheticDataset } from './testing/dataset';
import { DEFAULT_TIMBRE_HPARAMS } from './train';
import { loadWarmStart, runTimbreTraining, timbreHistorySchema, type TimbreRunOptions } from './train-run';

const hparams = { ...DEFAULT_TIMBRE_HPARAMS, zDims: 4, harmonics: 16, noiseBands: 8, batchSize: 2, betaWarmupSteps: 2 };
const options = (out: string, steps: number, resume: boolean): TimbreRunOptions => ({
  out,
  steps,
  hparams,
  evalEvery: 2,
  checkpointEvery: 2,
  resume,
  validationNotes: 2,
});

async function weightsOf(dir: string): Promise<Map<string, number[]>> {
  const values = await tensorsToNamedValues(await loadCheckpointTensors(fsSource(dir)));
  return new Map(values.map((v) => [v.name, Array.from(v.values)]));
}

describe('runTimbreTraining', () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  it('resumes where it stopped (4 steps straight = 2, stop, resume to 4), keeps the best model with its history, and refuses a damaged state', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'timbre-run-'));
    roots.push(root);
    const data = syntheticDataset();
    const straight = await runTimbreTraining(data, options(path.join(root, 'straight'), 4, false));
    expect(straight).toMatchObject({ steps: 4, stoppedBy: 'done' });
    expect(straight.history.map((h) => h.step)).toEqual([2, 4]);
    const first = await runTimbreTraining(data, options(path.join(root, 'resumed'), 2, false));
    expect(first.steps).toBe(2);
    const resumed = await runTimbreTraining(data, options(path.join(root, 'resumed'), 4, true));
    expect(resumed.steps).toBe(4);
    expect(resumed.history.map((h) => h.step)).toEqual([2, 4]);
    // Equal up to float32 rounding (Adam's bias correction is recomputed on resume, ~1e-5 here); a
    // wrong batch, noise draw or a fresh Adam would differ by about the learning rate (1e-3) per step.
    resumed.history.forEach((h, i) => expect(h.valDistance).toBeCloseTo(straight.history[i]?.valDistance ?? NaN, 4));
    const [a, b] = [await weightsOf(path.join(root, 'resumed', 'training')), await weightsOf(path.join(root, 'straight', 'training'))];
    expect([...a.keys()]).toEqual([...b.keys()]);
    let worst = 0;
    for (const [name, values] of a) values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (b.get(name)?.[i] ?? NaN)))));
    expect(worst).toBeLessThan(5e-5);
    // The best model: a checkpoint with its config and the validation history up to it.
    const history = timbreHistorySchema.parse(JSON.parse(await readFile(path.join(root, 'straight', 'history.json'), 'utf8')));
    expect(history.step).toBe(straight.bestStep);
    expect(JSON.parse(await readFile(path.join(root, 'straight', 'config.json'), 'utf8'))).toMatchObject({ zDims: 4, harmonics: 16 });
    // A damaged state stops --resume instead of starting again at step 0 over the run.
    await writeFile(path.join(root, 'resumed', 'training', 'training_state.json'), '{"step": -1}');
    await expect(runTimbreTraining(data, options(path.join(root, 'resumed'), 6, true))).rejects.toBeInstanceOf(TrainingStateError);
  }, 180_000);

  it('starts a new run from a trained model (--from-model): its weights, at its step, its curve continued; a model of other sizes is refused', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'timbre-warm-'));
    roots.push(root);
    const data = syntheticDataset();
    const base = await runTimbreTraining(data, options(path.join(root, 'base'), 4, false));
    const tensorsBefore = liveTensorCount();
    const warm = await loadWarmStart(path.join(root, 'base'));
    expect(liveTensorCount()).toBe(tensorsBefore); // the weights come back as plain numbers
    expect(warm.history.step).toBe(base.bestStep);
    // Steps 4 → 6: the weights it starts from are the base model's (its validation distance at the
    // first step is far below a fresh start's), and the history goes on from the base's.
    const fresh = await runTimbreTraining(data, { ...options(path.join(root, 'fresh'), 2, false), evalEvery: 1 });
    const continued = await runTimbreTraining(data, { ...options(path.join(root, 'continued'), base.bestStep + 2, false), evalEvery: 1, warmStart: warm });
    expect(continued.steps).toBe(base.bestStep + 2);
    expect(continued.history.map((h) => h.step)).toEqual([...warm.history.history.map((h) => h.step), base.bestStep + 1, base.bestStep + 2]);
    const [firstFresh, firstContinued] = [fresh.history[0]?.valDistance ?? NaN, continued.history.at(-2)?.valDistance ?? NaN];
    expect(Math.abs(firstContinued - base.bestDistance)).toBeLessThan(Math.abs(firstFresh - base.bestDistance));
    // Sizes must agree.
    await expect(
      runTimbreTraining(data, { ...options(path.join(root, 'other'), 8, false), hparams: { ...hparams, zDims: 6 }, warmStart: warm }),
    ).rejects.toThrow(/zDims 4; this run asks for 6/);
    await expect(loadWarmStart(path.join(root, 'nothing-here'))).rejects.toThrow(/holds no timbre model's config.json/);
  }, 180_000);
});

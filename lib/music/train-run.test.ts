import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointTensors } from '../core/checkpoint';
import { fsSource } from '../core/checkpoint-node';
import { TrainingStateError } from '../core/train-run-node';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import type { MusicDataset } from './dataset-node';
import { MusicVAE } from './music-vae';
import { converterFor } from './testing/random-checkpoint';
import { DEFAULT_HPARAMS, type TrainHyperparams } from './train-options';
import { loadInitialModel, NothingToTrainError, runTraining, type RunOptions } from './train-run';

const converter = converterFor('melody');
const hparams: TrainHyperparams = { ...DEFAULT_HPARAMS.melody, encoderUnits: 16, decoderUnits: [16], zDims: 4, learningRate: 5e-3, betaRate: 0, maxBeta: 0.01 };
let root: string;

/** 8 example melodies, each shifted to make 16 windows: files 0–5 train, 6–7 validation. */
function dataset(): MusicDataset {
  const files = MELODY_EXAMPLES.map((e, i) => {
    const base = converter.toLabels(melodyExample(e));
    const windows = [base, base.map((l) => (l >= 2 && l < 80 ? l + 2 : l))];
    return { file: `${e.id}.mid`, split: i < 6 ? ('train' as const) : ('validation' as const), windows, sparse: 0 };
  });
  return {
    converterType: converter.type,
    numSteps: 32,
    files,
    fromCache: false,
    counts: {
      filesFound: 8,
      filesUsed: 8,
      skipped: {},
      trainFiles: 6,
      validationFiles: 2,
      trainWindows: 12,
      validationWindows: 4,
      testFiles: 0,
      testWindows: 0,
      sparseWindows: 0,
    },
  };
}

/** A run that stops at step `until` (absolute). */
const options = (out: string, until: number, resume = false): RunOptions => ({
  out,
  until,
  batchSize: 4,
  hparams,
  evalEvery: 3,
  checkpointEvery: 3,
  resume,
  transpose: 3,
});

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'train-run-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runTraining', () => {
  it('resumes exactly: 6 steps straight equal 3 steps, stop, then resume to 6', async () => {
    const straight = path.join(root, 'straight');
    const split = path.join(root, 'split');
    const a = await runTraining(dataset(), converter, options(straight, 6));
    await runTraining(dataset(), converter, options(split, 3));
    const b = await runTraining(dataset(), converter, options(split, 6, true));
    expect(a.steps).toBe(6);
    expect(b.steps).toBe(6);
    const weights = async (dir: string): Promise<Record<string, number[]>> => {
      const t = await loadCheckpointTensors(fsSource(path.join(dir, 'training')));
      const out: Record<string, number[]> = {};
      for (const [k, v] of Object.entries(t)) out[k] = Array.from(await v.data());
      tf.dispose(t);
      return out;
    };
    const [wa, wb] = [await weights(straight), await weights(split)];
    for (const name of Object.keys(wa)) {
      const x = wa[name] ?? [];
      const y = wb[name] ?? [];
      x.forEach((v, i) => expect(Math.abs(v - (y[i] ?? NaN)), name).toBeLessThan(1e-6));
    }
    expect(b.history.map((h) => h.step)).toEqual([3, 6]);
  }, 120_000);

  it("trains data-parallel: two workers give one worker's weights up to float rounding, also across a resume, with scheduled sampling", async () => {
    const withSampling = { ...hparams, samplingRate: 3 };
    const one = path.join(root, 'one-worker');
    const two = path.join(root, 'two-workers');
    await runTraining(dataset(), converter, { ...options(one, 6), hparams: withSampling });
    await runTraining(dataset(), converter, { ...options(two, 3), hparams: withSampling, workers: 2 });
    const resumed = await runTraining(dataset(), converter, { ...options(two, 6, true), hparams: withSampling, workers: 2 });
    expect(resumed.steps).toBe(6);
    const [a, b] = [await loadCheckpointTensors(fsSource(path.join(one, 'training'))), await loadCheckpointTensors(fsSource(path.join(two, 'training')))];
    let largest = 0;
    for (const [name, t] of Object.entries(a)) {
      const [x, y] = [await t.data(), await (b[name] as tf.Tensor).data()];
      x.forEach((v, i) => (largest = Math.max(largest, Math.abs(v - (y[i] ?? NaN)))));
    }
    expect(largest).toBeLessThan(1e-5);
    tf.dispose([...Object.values(a), ...Object.values(b)]);
  }, 180_000);

  it('keeps the best model by validation accuracy as a loadable Magenta checkpoint, and records progress', async () => {
    const out = path.join(root, 'best');
    const result = await runTraining(dataset(), converter, { ...options(out, 9), quantization: 'float16' });
    expect(result.stoppedBy).toBe('done');
    expect(result.bestStep).toBeGreaterThan(0);
    expect(result.history.length).toBe(3);
    const model = await MusicVAE.load(fsSource(out), { expectKind: 'melody' });
    expect(model.zDims).toBe(4);
    const [seq] = await model.decodeSequences([[0, 0, 0, 0]]);
    expect(seq?.totalQuantizedSteps).toBe(32);
    model.dispose();
    const state = JSON.parse(await readFile(path.join(out, 'training', 'training_state.json'), 'utf8')) as { step: number; bestStep: number };
    expect(state).toMatchObject({ step: 9, bestStep: result.bestStep });
  }, 120_000);

  it('stops cleanly on cancel and refuses a dataset that cannot fill a batch', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runTraining(dataset(), converter, { ...options(path.join(root, 'cancel'), 5), signal: controller.signal });
    expect(r).toMatchObject({ stoppedBy: 'cancelled', steps: 0 });
    await expect(runTraining(dataset(), converter, { ...options(path.join(root, 'big'), 5), batchSize: 64 })).rejects.toThrow(
      /Only 12 training windows for batches of 64/,
    );
  }, 60_000);

  it('refuses to --resume from a state it cannot read or that is damaged, and writes nothing over the run', async () => {
    const out = path.join(root, 'damaged');
    await runTraining(dataset(), converter, options(out, 3));
    const stateFile = path.join(out, 'training', 'training_state.json');
    const before = await readFile(path.join(out, 'weights_manifest.json'), 'utf8');
    await writeFile(stateFile, '{"step": 3, "hparams": ');
    await expect(runTraining(dataset(), converter, options(out, 6, true))).rejects.toThrow(TrainingStateError);
    await expect(runTraining(dataset(), converter, options(out, 6, true))).rejects.toThrow(/is damaged .*--resume cannot continue/);
    await rm(stateFile);
    await mkdir(stateFile); // unreadable as a file (EISDIR)
    await expect(runTraining(dataset(), converter, options(out, 6, true))).rejects.toThrow(/Cannot read the training state/);
    expect(await readFile(path.join(out, 'weights_manifest.json'), 'utf8')).toBe(before);
  });
  it('counts --steps from where the run starts (an init model at step 3 plus 2 steps ends at 5), scores the start model first, and refuses a stop it has passed', async () => {
    const first = path.join(root, 'init-source');
    await runTraining(dataset(), converter, options(first, 3));
    await writeFile(path.join(first, 'history.json'), JSON.stringify({ step: 3, seconds: 1, history: [{ step: 3, valAccuracy: 0.5 }] }));
    const init = await loadInitialModel(first);
    const out = path.join(root, 'from-init');
    const { until: _until, ...rest } = options(out, 0);
    const r = await runTraining(dataset(), converter, { ...rest, steps: 2, init });
    expect(r).toMatchObject({ startStep: 3, steps: 5, stoppedBy: 'done', modelWritten: true });
    expect(r.before?.step).toBe(3);
    expect(r.after?.step).toBe(5);
    expect(r.before?.greedyAccuracy).toBeGreaterThanOrEqual(0);
    // The init model's own history point at step 3 is replaced by its score on this run's validation windows.
    expect(r.history.filter((h) => h.step === 3)).toHaveLength(1);
    expect(r.history.find((h) => h.step === 3)?.valGreedyAccuracy).toBe(r.before?.greedyAccuracy);
    const stuck = runTraining(dataset(), converter, { ...options(path.join(root, 'stuck'), 3), init });
    await expect(stuck).rejects.toThrow(NothingToTrainError);
    await expect(runTraining(dataset(), converter, { ...options(path.join(root, 'stuck'), 2), init })).rejects.toThrow(
      /Nothing to train: the run starts at step 3 .* stop at step 2\. Give --steps N/,
    );
    await expect(runTraining(dataset(), converter, { ...rest, steps: 2, until: 9, init })).rejects.toThrow(/either steps .* or until/);
  }, 120_000);

  it('stops on its time budget after evaluating and saving, like a cancel', async () => {
    const out = path.join(root, 'budget');
    const r = await runTraining(dataset(), converter, { ...options(out, 1000), maxSeconds: 0 });
    expect(r).toMatchObject({ stoppedBy: 'time', steps: 0, modelWritten: true });
    const state = JSON.parse(await readFile(path.join(out, 'training', 'training_state.json'), 'utf8')) as { step: number };
    expect(state.step).toBe(0);
  }, 60_000);
});

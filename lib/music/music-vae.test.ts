import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlSource } from '../core/checkpoint';
import { fsSource } from '../core/checkpoint-node';
import { tensorsToNamedValues } from '../core/checkpoint-write';
import { CancelledError, CheckpointError, DisposedError, InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import { describeLatentModelContract } from '../core/testing/latent-model-contract';
import { SequenceError } from './errors';
import { DRUM_EXAMPLES, drumExample, MELODY_EXAMPLES, melodyExample } from './examples';
import { MusicVAE } from './music-vae';
import type { QuantizedNoteSequence } from './note-sequence';
import { TINY_DRUMS, TINY_MELODY, writeTinyCheckpoint } from './testing/fixtures';
import { converterFor } from './testing/random-checkpoint';
import { batchTensors } from './train-batch';
import { DEFAULT_HPARAMS } from './train-options';
import { MusicVaeTrainer } from './train';

let root: string;
let melodyDir: string;
let drumsDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'musicvae-test-'));
  melodyDir = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 3 }, 'none', root);
  drumsDir = await writeTinyCheckpoint({ ...TINY_DRUMS, seed: 4 }, 'none', root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Random valid encoder inputs: one-hot melody events or drum rolls from random labels. */
function randomInputs(kind: 'melody' | 'drums', n: number, seed: number): tf.Tensor3D {
  const conv = converterFor(kind);
  const rng = createRng(seed);
  const data = new Float32Array(n * conv.numSteps * conv.inputDepth);
  for (let i = 0; i < n; i++) {
    const labels = Array.from({ length: conv.numSteps }, () => rng.int(conv.outputDepth));
    data.set(conv.labelsToInput(labels), i * conv.numSteps * conv.inputDepth);
  }
  return tf.tensor3d(data, [n, conv.numSteps, conv.inputDepth]);
}

for (const kind of ['melody', 'drums'] as const) {
  describeLatentModelContract(`MusicVAE (${kind})`, {
    create: () => MusicVAE.load(fsSource(kind === 'melody' ? melodyDir : drumsDir)),
    makeInput: (n, seed) => randomInputs(kind, n, seed),
    outputShape: (n) => [n, 32, converterFor(kind).inputDepth],
    stochasticDecode: true,
  });
}

const melodies = (): QuantizedNoteSequence[] => MELODY_EXAMPLES.map((e) => melodyExample(e));

describe('MusicVAE sequence API', () => {
  it('interpolates from A to B: N sequences of 2 bars, ends equal to the reconstructions', async () => {
    const model = await MusicVAE.load(fsSource(melodyDir));
    const [a, b] = melodies() as [QuantizedNoteSequence, QuantizedNoteSequence];
    for (const mode of ['lerp', 'slerp'] as const) {
      const path_ = await model.interpolateSequences(a, b, 7, mode);
      expect(path_).toHaveLength(7);
      for (const s of path_) expect(s.totalQuantizedSteps).toBe(32);
      const { z } = await model.encodeSequences([a, b]);
      const [ra, rb] = await model.decodeSequences(z);
      expect(path_[0]?.notes).toEqual(ra?.notes);
      expect(path_[6]?.notes).toEqual(rb?.notes);
    }
    model.dispose();
  });

  it("refines codes: the loss at μ is the trainer's teacher-forced reconstruction, the kept code rebuilds at least as many steps as μ, a batch refines as its items alone", async () => {
    const initial = tf.getBackend();
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      for (const dir of [melodyDir, drumsDir]) {
        const model = await MusicVAE.load(fsSource(dir), { keepVariables: true });
        const seqs = dir === melodyDir ? melodies().slice(0, 3) : DRUM_EXAMPLES.slice(0, 3).map((e) => drumExample(e));
        const labels = seqs.map((q) => model.converter.toLabels(q));
        const trainer = new MusicVaeTrainer(
          model.converter,
          { ...DEFAULT_HPARAMS[model.converter.kind], ...model.sizes },
          await tensorsToNamedValues(model.variables ?? {}),
        );
        const batch = batchTensors(model.converter, labels);
        const reference = await trainer.evaluate(batch);
        tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
        trainer.dispose();
        // A first refinement makes the model's refinement weights (kept until it is disposed).
        await model.encodeWithFidelity(seqs.slice(0, 1), { refine: { steps: 1 } });
        const before = tf.memory().numTensors;
        const plain = await model.encodeWithFidelity(seqs);
        const all = await model.encodeWithFidelity(seqs, { refine: { steps: 15 } });
        const alone = await model.encodeWithFidelity(seqs.slice(1, 2), { refine: { steps: 15 } });
        expect(tf.memory().numTensors).toBe(before);
        const meanBefore = (all.refinements ?? []).reduce((a, r) => a + r.lossBefore, 0) / seqs.length;
        expect(meanBefore).toBeCloseTo(reference.reconstruction, 3);
        // The code kept is the best greedy reconstruction among μ and the steps: never worse than μ's.
        all.fidelity.forEach((f, i) => expect(f.matchingSteps).toBeGreaterThanOrEqual(plain.fidelity[i]?.matchingSteps ?? 33));
        expect((all.refinements ?? []).some((r) => r.lossAfter < r.lossBefore && r.distanceSigma > 0)).toBe(true);
        const [solo, inBatch] = [alone.z[0] ?? new Float32Array(), all.z[1] ?? new Float32Array()];
        expect(solo.length).toBe(model.zDims);
        solo.forEach((v, i) => expect(Math.abs(v - (inBatch[i] ?? NaN))).toBeLessThan(1e-3));
        for (const f of all.fidelity) {
          expect(f.totalSteps).toBe(32);
          expect(f.matchingSteps).toBeLessThanOrEqual(32);
          expect(f.refinement).toBeDefined();
        }
        model.dispose();
      }
    }
    await tf.setBackend(initial);
  }, 120_000);

  it('interpolates between refined codes: the ends are the greedy decodes of those codes, even with a temperature', async () => {
    const model = await MusicVAE.load(fsSource(melodyDir));
    const [a, b] = melodies() as [QuantizedNoteSequence, QuantizedNoteSequence];
    const refine = { steps: 10 };
    const { z } = await model.encodeSequences([a, b], { refine });
    const [ra, rb] = await model.decodeSequences(z);
    const strip = await model.interpolateSequences(a, b, 5, 'slerp', { refine, temperature: 1.5, seed: 4 });
    expect(strip[0]?.notes).toEqual(ra?.notes);
    expect(strip[4]?.notes).toEqual(rb?.notes);
    const plain = await model.encodeSequences([a, b]);
    expect(Array.from(plain.z[0] ?? [])).not.toEqual(Array.from(z[0] ?? []));
    await expect(model.encodeSequences([a], { refine: { steps: 0 } })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(model.encodeSequences([a], { refine: { steps: 5, learningRate: NaN } })).rejects.toThrow(/learning rate/);
    const controller = new AbortController();
    controller.abort();
    await expect(model.encodeSequences([a], { refine: { steps: 5, signal: controller.signal } })).rejects.toBeInstanceOf(CancelledError);
    model.dispose();
  });

  it('samples reproducibly by seed, with and without temperature', async () => {
    const model = await MusicVAE.load(fsSource(drumsDir));
    const s1 = await model.sampleSequences(4, { seed: 9, temperature: 0.8 });
    const s2 = await model.sampleSequences(4, { seed: 9, temperature: 0.8 });
    const s3 = await model.sampleSequences(4, { seed: 10, temperature: 0.8 });
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(s3);
    expect(await model.sampleSequences(2, { seed: 1 })).toEqual(await model.sampleSequences(2, { seed: 1 }));
    for (const s of s1) for (const n of s.notes) expect(n.isDrum).toBe(true);
    model.dispose();
  });

  it('makes a 4-corner grid whose corners are the decoded corners', async () => {
    const model = await MusicVAE.load(fsSource(drumsDir));
    const corners = DRUM_EXAMPLES.slice(0, 4).map((e) => drumExample(e)) as [
      QuantizedNoteSequence,
      QuantizedNoteSequence,
      QuantizedNoteSequence,
      QuantizedNoteSequence,
    ];
    const grid = await model.gridSequences(corners, 3, 3);
    expect(grid).toHaveLength(9);
    const { z } = await model.encodeSequences(corners);
    const decoded = await model.decodeSequences(z);
    expect([grid[0], grid[2], grid[6], grid[8]].map((s) => s?.notes)).toEqual(decoded.map((s) => s.notes));
    model.dispose();
  });

  it("makes variations: similarity 1 gives the input's reconstruction, 0 gives the random samples", async () => {
    const model = await MusicVAE.load(fsSource(melodyDir));
    const [a] = melodies() as [QuantizedNoteSequence];
    const same = await model.similarSequences(a, 3, 1, { seed: 2 });
    const { z } = await model.encodeSequences([a]);
    const [recon] = await model.decodeSequences(z);
    for (const s of same) expect(s.notes).toEqual(recon?.notes);
    const far = await model.similarSequences(a, 3, 0, { seed: 2 });
    expect(far.map((s) => s.notes)).not.toEqual(same.map((s) => s.notes));
    await expect(model.similarSequences(a, 3, 1.5)).rejects.toBeInstanceOf(InvalidInputError);
    model.dispose();
  });

  it('reports pitches it had to move into range and refuses unquantized grids', async () => {
    const model = await MusicVAE.load(fsSource(melodyDir));
    const low = melodyExample({
      id: 'low',
      title: 'low',
      notes: [
        [10, 0, 4],
        [60, 4, 4],
      ],
    });
    const { reports } = await model.encodeSequences([low]);
    expect(reports[0]?.transposedNotes).toBe(1);
    const eighths = { ...low, quantizationInfo: { stepsPerQuarter: 2 } };
    await expect(model.encodeSequences([eighths])).rejects.toBeInstanceOf(SequenceError);
    await expect(model.decodeSequences([[1, 2, 3]])).rejects.toThrow(/has 3 numbers; this model's codes have 8/);
    model.dispose();
    await expect(model.sampleSequences(1)).rejects.toBeInstanceOf(DisposedError);
  });

  it('gives the same codes and decodes on the CPU and WASM backends', async () => {
    const results: { z: number[][]; labels: number[][] }[] = [];
    const initial = tf.getBackend();
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const model = await MusicVAE.load(fsSource(melodyDir));
      const { z } = await model.encodeSequences(melodies());
      const codes = tf.tensor2d(z.map((r) => Array.from(r)));
      const labels = (await model.decodeLabels(codes)).map((l) => Array.from(l));
      codes.dispose();
      results.push({ z: z.map((r) => Array.from(r)), labels });
      model.dispose();
    }
    await tf.setBackend(initial);
    const [cpu, wasm] = results;
    cpu?.z.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - (wasm?.z[i]?.[j] ?? NaN))).toBeLessThan(1e-4)));
    expect(cpu?.labels).toEqual(wasm?.labels);
  });

  it('leaks no tensors over 1,000 calls', async () => {
    const model = await MusicVAE.load(fsSource(drumsDir));
    const grooves = DRUM_EXAMPLES.map((e) => drumExample(e));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      switch (i % 4) {
        case 0:
          await model.encodeSequences(grooves.slice(0, 2));
          break;
        case 1:
          await model.sampleSequences(2, { seed: i, temperature: 0.5 });
          break;
        case 2:
          await model.interpolateSequences(grooves[0] as QuantizedNoteSequence, grooves[1] as QuantizedNoteSequence, 3, 'slerp');
          break;
        default:
          await model.decodeSequences([Array.from(createRng(i).normalArray(model.zDims))]);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 120_000);
});

describe('MusicVAE.load', () => {
  it('loads uint8- and float16-quantized checkpoints that decode like the float32 one', async () => {
    const full = await MusicVAE.load(fsSource(melodyDir));
    const codes = Array.from({ length: 8 }, (_, i) => Array.from(createRng(i).normalArray(full.zDims)));
    const z = tf.tensor2d(codes);
    const want = (await full.decodeLabels(z)).flatMap((l) => Array.from(l));
    const agreement: Record<string, number> = {};
    for (const q of ['float16', 'uint8'] as const) {
      const model = await MusicVAE.load(fsSource(await writeTinyCheckpoint({ ...TINY_MELODY, seed: 3 }, q, root)));
      const got = (await model.decodeLabels(z)).flatMap((l) => Array.from(l));
      agreement[q] = got.filter((x, i) => x === want[i]).length / want.length;
      model.dispose();
    }
    z.dispose();
    // Step-level agreement of argmax decodes (a random tiny model has many near-ties; trained ones fewer).
    expect(agreement.float16).toBeGreaterThanOrEqual(0.98);
    expect(agreement.uint8).toBeGreaterThanOrEqual(0.8);
    expect(full.sizes).toEqual({ encoderUnits: 24, decoderUnits: [16, 16], zDims: 8 });
    expect(full.parameterCount).toBeGreaterThan(0);
    full.dispose();
  });

  it('says which shard is missing', async () => {
    const dir = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 5 }, 'none', path.join(root, 'missing'));
    const manifest = JSON.parse(await readFile(path.join(dir, 'weights_manifest.json'), 'utf8')) as { paths: string[] }[];
    const shard = manifest[0]?.paths[1] ?? '';
    await unlink(path.join(dir, shard));
    await expect(MusicVAE.load(fsSource(dir))).rejects.toThrow(new RegExp(`${shard} does not exist`));
  });

  it('names a variable whose shape does not fit the others', async () => {
    const dir = await writeTinyCheckpoint({ ...TINY_MELODY, seed: 6 }, 'none', path.join(root, 'shape'));
    // A melody config over drum-sized weights: every input/output size disagrees.
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ type: 'MusicVAE', dataConverter: { type: 'DrumsConverter', args: { numSteps: 32 } } }));
    const error = (await MusicVAE.load(fsSource(dir)).catch((e: unknown) => e)) as CheckpointError;
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.variable).toBe('encoder/cell_0/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/kernel');
    expect(error.message).toMatch(/has shape \[114, 96\] but \[34, 96\] was expected/);
  });

  it('refuses unsupported or mismatched models with a clear message', async () => {
    const dir = await writeTinyCheckpoint({ ...TINY_DRUMS, seed: 7 }, 'none', path.join(root, 'kinds'));
    await expect(MusicVAE.load(fsSource(dir), { expectKind: 'melody' })).rejects.toThrow(
      /is a drums model \(DrumsConverter\), but a melody model is needed here/,
    );
    const cases: [object, RegExp][] = [
      [{ type: 'MusicRNN', dataConverter: { type: 'DrumsConverter', args: {} } }, /says type "MusicRNN", not "MusicVAE"/],
      [{ type: 'MusicVAE', dataConverter: { type: 'TrioConverter', args: {} } }, /uses the data converter "TrioConverter"/],
      [{ type: 'MusicVAE', dataConverter: { type: 'MelodyConverter', args: { numSteps: 256, numSegments: 16 } } }, /hierarchical MusicVAE/],
      [{ type: 'MusicVAE', chordEncoder: 'PitchChordEncoder', dataConverter: { type: 'MelodyConverter', args: {} } }, /conditioned/],
      [{ nothing: true }, /is not a MusicVAE config/],
    ];
    for (const [config, message] of cases) {
      await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
      await expect(MusicVAE.load(fsSource(dir))).rejects.toThrow(message);
    }
  });

  it('reports an unreachable checkpoint URL', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    await expect(MusicVAE.load(urlSource('https://storage.example/mel_2bar_small', failing))).rejects.toThrow(
      'Could not reach https://storage.example/mel_2bar_small/config.json (fetch failed)',
    );
  });
});

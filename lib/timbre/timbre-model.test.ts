import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsSource, writeCheckpointFolder } from '../core/checkpoint-node';
import { encodeCheckpoint } from '../core/checkpoint-write';
import { CheckpointError, InvalidInputError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { describeLatentModelContract } from '../core/testing/latent-model-contract';
import { estimatePitch } from './pitch';
import { hzToMidi, NOTE_SAMPLES } from './spec';
import { tinyTimbreConfig, tinyTimbreModel, tinyTimbreValues } from './testing/model';
import { syntheticNote } from './testing/notes';
import { TimbreModel } from './timbre-model';

/** A batch of synthetic notes at varied pitches and spectra, different per seed. */
function notesTensor(n: number, seed: number): tf.Tensor2D {
  const flat = new Float32Array(n * NOTE_SAMPLES);
  for (let i = 0; i < n; i++)
    flat.set(syntheticNote({ pitch: 48 + ((seed * 7 + i * 5) % 24), slope: 0.8 + ((seed + i) % 4) * 0.5, seed: seed * 10 + i }), i * NOTE_SAMPLES);
  return tf.tensor2d(flat, [n, NOTE_SAMPLES]);
}

describeLatentModelContract('timbre (tiny, random weights)', {
  create: () => Promise.resolve(tinyTimbreModel()),
  makeInput: notesTensor,
  outputShape: (n) => [n, NOTE_SAMPLES],
});

describe('TimbreModel', () => {
  it('decodes at the pitch it is asked for (the code holds timbre, the condition holds pitch)', async () => {
    const model = tinyTimbreModel(5);
    try {
      const [z] = await model.randomCodes(1, 9);
      const notes = await model.decodeNotes(
        [z!, z!],
        [
          { f0Hz: 220, loudnessDb: -20 },
          { f0Hz: 440, loudnessDb: -20 },
        ],
      );
      expect(estimatePitch(notes[0]!)?.hz).toBeCloseTo(220, 0);
      expect(estimatePitch(notes[1]!)?.hz).toBeCloseTo(440, 0);
      // Loudness is a gain (and a network input): 20 dB quieter is about ten times smaller.
      const [quiet] = await model.decodeNotes([z!], [{ f0Hz: 220, loudnessDb: -40 }]);
      const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak(quiet!) / peak(notes[0]!)).toBeGreaterThan(0.07);
      expect(peak(quiet!) / peak(notes[0]!)).toBeLessThan(0.14);
    } finally {
      model.dispose();
    }
  });

  it('measures pitch and loudness itself in encode, and takes them per item in decode', async () => {
    const model = tinyTimbreModel();
    const x = notesTensor(2, 4);
    try {
      const z = await model.encode(x);
      const y = await model.decode(z, { pitch: [50, 62], loudnessDb: -25 });
      const data = await y.data();
      // Every partial sits on the asked pitch's harmonic series (the fundamental may be weak with random weights).
      for (const [i, pitch] of [50, 62].entries()) {
        const e = estimatePitch(data.subarray(i * NOTE_SAMPLES, (i + 1) * NOTE_SAMPLES), { near: pitch });
        expect(hzToMidi(e!.hz)).toBeCloseTo(pitch, 1);
        expect(e!.harmonicity).toBeGreaterThan(0.8);
      }
      await expect(model.decode(z, { pitch: [50] })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(model.decode(z, { pitch: 200 })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(model.decode(z, { loudnessDb: 5 })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(model.encode(tf.zeros([1, 100]) as tf.Tensor2D)).rejects.toBeInstanceOf(InvalidInputError);
      tf.dispose([z, y]);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('refines codes: the spectral distance to the input goes down, no tensors leak', async () => {
    const model = tinyTimbreModel(11);
    const samples = syntheticNote({ pitch: 57, slope: 1.2, decay: 1.5 });
    try {
      const before = liveTensorCount();
      const out = await model.encodeNotes([{ samples }], { refine: { steps: 15, learningRate: 0.2 } });
      const report = out.refinements?.[0];
      expect(report).toBeDefined();
      expect(report!.lossAfter).toBeLessThan(report!.lossBefore);
      expect(out.z[0]).toHaveLength(4);
      expect(liveTensorCount()).toBe(before);
    } finally {
      model.dispose();
    }
  });

  it('loads from a checkpoint folder and refuses wrong configs and weights with named errors', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'timbre-model-'));
    try {
      const config = tinyTimbreConfig();
      await writeCheckpointFolder(dir, encodeCheckpoint(tinyTimbreValues(3, config), { quantization: 'float16' }), { 'config.json': config });
      const loaded = await TimbreModel.load(fsSource(dir));
      const reference = tinyTimbreModel(3);
      const [z] = await reference.randomCodes(1, 2);
      const [a] = await loaded.decodeNotes([z!], [{ f0Hz: 300, loudnessDb: -20 }]);
      const [b] = await reference.decodeNotes([z!], [{ f0Hz: 300, loudnessDb: -20 }]);
      let maxDiff = 0;
      for (let i = 0; i < NOTE_SAMPLES; i++) maxDiff = Math.max(maxDiff, Math.abs(a![i]! - b![i]!));
      expect(maxDiff).toBeLessThan(2e-3); // float16 weights
      expect(loaded.name).toBe(path.basename(dir));
      loaded.dispose();
      reference.dispose();
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...config, type: 'MusicVAE' }));
      await expect(TimbreModel.load(fsSource(dir))).rejects.toBeInstanceOf(CheckpointError);
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...config, zDims: 5 }));
      await expect(TimbreModel.load(fsSource(dir))).rejects.toThrow(/shape/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

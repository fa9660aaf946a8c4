import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, InvalidInputError, TrainingDivergedError } from '../core/errors';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { describeLatentModelContract } from '../core/testing/latent-model-contract';
import { ImageAutoencoder } from './image-model';
import { imageModelArtifacts, storedWeights } from './io';
import { readImageModelFolder, writeImageModelFolder } from './io-node';
import { IMAGE_MODEL_IDS, IMAGE_PIXELS, imageModelSpec } from './specs';
import { evaluateImageModel } from './evaluate';
import { datasetLoss } from './losses';
import { type ImageData } from './tensors';
import { trainImageModel } from './train';

function randomImages(n: number, size: number, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * size * size }, () => rng.next()),
    [n, size, size, 1],
  );
}

/** Toy "digits": a bright horizontal or vertical bar at a random place, plus faint noise. */
function bars(n: number, seed: number): ImageData {
  const rng = createRng(seed);
  const images = new Float32Array(n * IMAGE_PIXELS);
  for (let i = 0; i < n; i++) {
    const vertical = rng.next() < 0.5;
    const at = 4 + rng.int(20);
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const on = vertical ? Math.abs(c - at) <= 1 : Math.abs(r - at) <= 1;
        images[i * IMAGE_PIXELS + r * 28 + c] = on ? 0.95 : 0.05 * rng.next();
      }
    }
  }
  return { images, count: n };
}

for (const id of IMAGE_MODEL_IDS) {
  const spec = imageModelSpec(id);
  describeLatentModelContract(`image model ${id}`, {
    create: () => Promise.resolve(ImageAutoencoder.create(spec)),
    makeInput: (n, seed) => randomImages(n, spec.inputSize, seed),
    outputShape: (n) => [n, 28, 28, 1],
    stochasticDecode: true,
  });
}

describe('image models', () => {
  it('refine codes where the decoder rebuilds the input (loss goes down), and only there', async () => {
    const rng = createRng(5);
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * IMAGE_PIXELS }, () => (rng.next() < 0.2 ? 1 : 0)),
      [2, 28, 28, 1],
    );
    for (const id of IMAGE_MODEL_IDS) {
      const model = ImageAutoencoder.create(imageModelSpec(id), 3);
      expect(model.canRefine).toBe(imageModelSpec(id).corruption.kind === 'none');
      if (model.canRefine) {
        const { z, reports } = await model.encodeRefined(x, { steps: 10, learningRate: 0.1 });
        for (const r of reports) expect(r.lossAfter).toBeLessThan(r.lossBefore);
        z.dispose();
      }
      model.dispose();
    }
    x.dispose();
  });

  it('each builds with the documented input, code and output shapes', () => {
    for (const id of IMAGE_MODEL_IDS) {
      const spec = imageModelSpec(id);
      const model = ImageAutoencoder.create(spec);
      expect(model.encoder.inputs[0]?.shape).toEqual([null, spec.inputSize, spec.inputSize, 1]);
      expect(model.encoder.outputs.map((o) => o.shape)).toEqual(
        spec.variational
          ? [
              [null, spec.zDims],
              [null, spec.zDims],
            ]
          : [[null, spec.zDims]],
      );
      expect(model.decoder.outputs[0]?.shape).toEqual([null, 28, 28, 1]);
      model.dispose();
    }
    expect(imageModelSpec('conv-ae').zDims).toBe(4 * 4 * 8);
  });

  it('starts from the same weights for the same seed (every layer), and from others for another seed', async () => {
    const weights = async (seed: number | undefined): Promise<number[][]> => {
      const m = ImageAutoencoder.create(imageModelSpec('conv-vae'), seed);
      const out = await Promise.all(m.trainableVariables.map(async (v) => Array.from(await v.data())));
      m.dispose();
      return out;
    };
    const a = await weights(7);
    const b = await weights(7);
    const c = await weights(8);
    expect(a).toEqual(b);
    const kernels = a.map((w, i) => i).filter((i) => a[i]?.some((x) => x !== 0) ?? false);
    expect(kernels.length).toBeGreaterThanOrEqual(8); // conv and dense kernels (biases start at 0)
    for (const i of kernels) expect(c[i]).not.toEqual(a[i]);
    // Layers of the same shape still get different starting values within one model.
    const same = kernels.filter((i) => a[i]?.length === a[kernels[0] ?? 0]?.length);
    if (same.length > 1) expect(a[same[0] ?? 0]).not.toEqual(a[same[1] ?? 0]);
  });

  it('rejects inputs of the wrong size and bad options with clear messages', async () => {
    const model = ImageAutoencoder.create(imageModelSpec('superres-2x'));
    const wrong = randomImages(1, 28, 1);
    await expect(model.encode(wrong)).rejects.toThrow(/takes images of shape \[n, 14, 14, 1\]/);
    wrong.dispose();
    model.dispose();
    expect(() => imageModelSpec('conv-ae', { zDims: 3 })).toThrow(InvalidInputError);
    expect(() => imageModelSpec('vae', { noiseSigma: 0.3 })).toThrow(/Only the denoising model/);
    expect(() => imageModelSpec('vae', { zDims: 0 })).toThrow(/from 1 to 256/);
  });

  it('corrupts inputs: noise for the denoiser (seeded, clipped), downsampling for super-resolution', () => {
    const clean = randomImages(2, 28, 3);
    const denoise = ImageAutoencoder.create(imageModelSpec('denoise', { noiseSigma: 0.5 }));
    const a = denoise.corrupt(clean, 9);
    const b = denoise.corrupt(clean, 9);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Math.min(...a.dataSync())).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.dataSync())).toBeLessThanOrEqual(1);
    expect(tf.mean(tf.abs(tf.sub(a, clean))).dataSync()[0]).toBeGreaterThan(0.1);
    const sr = ImageAutoencoder.create(imageModelSpec('superres-4x'));
    const small = sr.corrupt(clean, 1);
    expect(small.shape).toEqual([2, 7, 7, 1]);
    expect(small.dataSync()[0]).toBeCloseTo(tf.mean(clean.slice([0, 0, 0, 0], [1, 4, 4, 1])).dataSync()[0] ?? NaN, 5);
    tf.dispose([clean, a, b, small]);
    denoise.dispose();
    sr.dispose();
  });
});

describe('image training', () => {
  const train = bars(256, 1);
  const test = bars(64, 2);

  it('lowers the test loss of the dense AE and of the VAE, reports every batch and epoch, leaks nothing', async () => {
    for (const id of ['dense-ae', 'vae'] as const) {
      const model = ImageAutoencoder.create(imageModelSpec(id));
      const before = await datasetLoss(model, test);
      const start = liveTensorCount();
      const batches: number[] = [];
      const epochs: number[] = [];
      const result = await trainImageModel(model, train, test, {
        epochs: 3,
        batchSize: 32,
        learningRate: 3e-3,
        seed: 1,
        onBatch: (s) => batches.push(s.progress),
        onEpoch: (e) => {
          epochs.push(e.testLoss);
        },
      });
      expect(liveTensorCount()).toBe(start);
      expect(result.stoppedBy).toBe('done');
      expect(batches).toHaveLength(3 * 8);
      expect(batches.at(-1)).toBeCloseTo(1, 6);
      expect(epochs).toHaveLength(3);
      expect(epochs.at(-1) ?? Infinity).toBeLessThan(before * 0.8);
      model.dispose();
    }
  });

  it('is deterministic for a seed', async () => {
    const losses: number[][] = [];
    for (let run = 0; run < 2; run++) {
      tf.util.now();
      const model = ImageAutoencoder.create(imageModelSpec('dense-ae'));
      // Same initial weights for both runs: copy from a seeded set.
      const rng = createRng(5);
      for (const v of model.trainableVariables)
        v.assign(
          tf.tensor(
            rng.normalArray(v.size).map((x) => x * 0.05),
            v.shape,
          ),
        );
      const seen: number[] = [];
      await trainImageModel(model, train, test, { epochs: 1, batchSize: 64, learningRate: 1e-3, seed: 3, onBatch: (s) => seen.push(s.loss) });
      losses.push(seen);
      model.dispose();
    }
    expect(losses[0]).toEqual(losses[1]);
  });

  it('stops on a NaN loss, keeps the last good weights, and says so', async () => {
    const model = ImageAutoencoder.create(imageModelSpec('dense-ae'));
    const before = model.trainableVariables.map((v) => Array.from(v.dataSync()));
    const poisoned: ImageData = { images: train.images.slice(), count: train.count };
    poisoned.images.fill(NaN, 0, IMAGE_PIXELS * train.count);
    await expect(trainImageModel(model, poisoned, test, { epochs: 1, batchSize: 32, learningRate: 1e-3, seed: 1 })).rejects.toThrow(TrainingDivergedError);
    expect(model.trainableVariables.map((v) => Array.from(v.dataSync()))).toEqual(before);
    model.dispose();
  });

  it('stops between batches when aborted, and checks its settings first', async () => {
    const model = ImageAutoencoder.create(imageModelSpec('dense-ae'));
    const controller = new AbortController();
    const result = await trainImageModel(model, train, test, {
      epochs: 5,
      batchSize: 32,
      learningRate: 1e-3,
      seed: 1,
      signal: controller.signal,
      onBatch: (s) => {
        if (s.batch === 3) controller.abort();
      },
    });
    expect(result.stoppedBy).toBe('cancelled');
    expect(result.epochs).toHaveLength(0);
    await expect(trainImageModel(model, train, test, { epochs: 1, batchSize: 0, learningRate: 1e-3, seed: 1 })).rejects.toThrow(/Batch size must be/);
    await expect(trainImageModel(model, train, test, { epochs: 1, batchSize: 8, learningRate: 5, seed: 1 })).rejects.toThrow(/Learning rate must be/);
    model.dispose();
  });
});

describe('image model folders', () => {
  it('save and load back identical outputs, and name what is wrong with a broken folder', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-model-'));
    const model = ImageAutoencoder.create(imageModelSpec('conv-vae'));
    const x = randomImages(2, 28, 4);
    try {
      await writeImageModelFolder(path.join(dir, 'conv-vae'), model, { 'MODEL_CARD.md': '# card\n' });
      const loaded = await readImageModelFolder(path.join(dir, 'conv-vae'));
      const z1 = await model.encode(x);
      const z2 = await loaded.encode(x);
      expect(Array.from(await z2.data())).toEqual(Array.from(await z1.data()));
      const y1 = await model.decode(z1);
      const y2 = await loaded.decode(z2);
      expect(Array.from(await y2.data())).toEqual(Array.from(await y1.data()));
      const before = liveTensorCount();
      const metrics = await evaluateImageModel(loaded, bars(16, 3));
      expect(metrics.vaeLoss).toBeGreaterThan(0);
      expect(liveTensorCount()).toBe(before);
      tf.dispose([z1, z2, y1, y2]);
      loaded.dispose();
      await expect(readImageModelFolder(path.join(dir, 'missing'))).rejects.toThrow(/is .* an image model folder/);
      await fs.writeFile(path.join(dir, 'conv-vae', 'spec.json'), JSON.stringify({ format: 'latent-lab-image-model', version: 1, id: 'conv-ae', zDims: 2 }));
      await expect(readImageModelFolder(path.join(dir, 'conv-vae'))).rejects.toThrow(CheckpointError);
      await fs.writeFile(path.join(dir, 'conv-vae', 'spec.json'), JSON.stringify({ format: 'latent-lab-image-model', version: 1, id: 'dense-ae', zDims: 2 }));
      await expect(readImageModelFolder(path.join(dir, 'conv-vae'))).rejects.toThrow(/do not hold a "dense-ae" model|Could not load/);
    } finally {
      x.dispose();
      model.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
  it('store weights as float16 at half the size; loading widens them back within half-float rounding', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-model-f16-'));
    const model = ImageAutoencoder.create(imageModelSpec('vae'), 3);
    const x = randomImages(4, 28, 5);
    try {
      const full = await writeImageModelFolder(path.join(dir, 'f32'), model);
      const half = await writeImageModelFolder(path.join(dir, 'f16'), model, {}, { weights: 'float16' });
      expect(half.bytes * 2).toBe(full.bytes);
      for (const part of ['encoder', 'decoder']) {
        expect((await fs.stat(path.join(dir, 'f16', part, 'weights.bin'))).size * 2).toBe((await fs.stat(path.join(dir, 'f32', part, 'weights.bin'))).size);
        const json = JSON.parse(await fs.readFile(path.join(dir, 'f16', part, 'model.json'), 'utf8')) as {
          weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
        };
        expect(json.weightsManifest[0]?.weights.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
      }
      const loaded = await readImageModelFolder(path.join(dir, 'f16'));
      // Every weight is the nearest half float: within 2^-11 relative (plus the subnormal step), and not all unchanged.
      let changed = 0;
      let tooFar = 0;
      const original = model.encoder.getWeights().concat(model.decoder.getWeights());
      const widened = loaded.encoder.getWeights().concat(loaded.decoder.getWeights());
      expect(widened.length).toBe(original.length);
      for (let i = 0; i < original.length; i++) {
        const a = original[i]?.dataSync() ?? new Float32Array();
        const b = widened[i]?.dataSync() ?? new Float32Array();
        expect(b.length).toBe(a.length);
        for (let j = 0; j < a.length; j++) {
          const [u, v] = [a[j] ?? NaN, b[j] ?? NaN];
          if (!(Math.abs(v - u) <= Math.abs(u) * 2 ** -11 + 2 ** -25)) tooFar++;
          if (v !== u) changed++;
        }
      }
      expect(tooFar).toBe(0);
      expect(changed).toBeGreaterThan(1000);
      const [m1, m2] = [await model.encode(x), await loaded.encode(x)];
      const [y1, y2] = [await model.decode(m1), await loaded.decode(m2)];
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(y1, y2))).dataSync()[0] ?? NaN);
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(0.01);
      tf.dispose([m1, m2, y1, y2]);
      loaded.dispose();
      // Weights already stored as half floats, or bytes that do not match their list, are refused.
      const { encoder } = await imageModelArtifacts(model);
      const halfSpecs = storedWeights(encoder, 'float16').specs;
      expect(() => storedWeights({ ...encoder, weightSpecs: halfSpecs }, 'float16')).toThrow(/already stored as float16/);
      expect(() => storedWeights({ ...encoder, weightData: new ArrayBuffer(8) }, 'float16')).toThrow(/ends inside/);
      // A weight beyond the half-float range is refused, and the folder being replaced stays as it was.
      await fs.writeFile(path.join(dir, 'f16', 'MODEL_CARD.md'), '# card\n');
      const before = await fs.readFile(path.join(dir, 'f16', 'encoder', 'weights.bin'));
      const layer = model.decoder.layers.find((l) => l.getWeights().length > 0);
      const [kernel, ...rest] = layer?.getWeights() ?? [];
      if (!layer || !kernel) throw new Error('no decoder weights');
      const huge = tf.tidy(() => tf.add(kernel, tf.scalar(1e6)));
      layer.setWeights([huge, ...rest]);
      huge.dispose();
      await expect(writeImageModelFolder(path.join(dir, 'f16'), model, {}, { weights: 'float16' })).rejects.toThrow(/beyond what a half float can store/);
      expect(await fs.readFile(path.join(dir, 'f16', 'encoder', 'weights.bin'))).toEqual(before);
      expect(await fs.readFile(path.join(dir, 'f16', 'MODEL_CARD.md'), 'utf8')).toBe('# card\n');
      expect((await fs.readdir(dir)).sort()).toEqual(['f16', 'f32']);
    } finally {
      x.dispose();
      model.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { installCpuResizeGradFix, uninstallCpuResizeGradFix } from './cpu-resize-grad';

type Kind = 'ResizeNearestNeighbor' | 'ResizeBilinear';
const KINDS: Kind[] = ['ResizeNearestNeighbor', 'ResizeBilinear'];
const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true], // refused by the tf.image ops, but the kernels take it
];
/** [inHeight, inWidth, outHeight, outWidth]: ×2, ×2, non-integer ×2.6, non-square, downsampling. */
const SIZES: [number, number, number, number][] = [
  [7, 7, 14, 14],
  [14, 14, 28, 28],
  [5, 5, 13, 13],
  [5, 7, 9, 11],
  [6, 9, 4, 5],
];

function randomValues(length: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.next() * 2 - 1);
}

/**
 * The forward kernel's weights as a [inH·inW, outH·outW] matrix: row i is the CPU backend's forward
 * resize of the one-hot image with a 1 at pixel i (the forward kernels are right; both resizes act
 * on every image and channel alike).
 */
function forwardMatrix(kind: Kind, h: number, w: number, outH: number, outW: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  return tf.tidy(() => {
    const n = h * w;
    const oneHots = tf
      .oneHot(tf.range(0, n, 1, 'int32') as tf.Tensor1D, n)
      .cast('float32')
      .reshape([n, h, w, 1]);
    const resized = tf.engine().runKernel(kind, { images: oneHots }, { alignCorners, halfPixelCenters, size: [outH, outW] }) as tf.Tensor;
    return resized.dataSync() as Float32Array;
  });
}

/** dx[b, i, d] = Σ_o M[i, o] · dy[b, o, d]: the exact transpose of the forward resize, in float64. */
function reference(matrix: Float32Array, dy: Float32Array, batch: number, inPixels: number, outPixels: number, depth: number): Float64Array {
  const dx = new Float64Array(batch * inPixels * depth);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < inPixels; i++) {
      for (let o = 0; o < outPixels; o++) {
        const m = matrix[i * outPixels + o] ?? 0;
        if (m === 0) continue;
        for (let d = 0; d < depth; d++)
          dx[(b * inPixels + i) * depth + d] = (dx[(b * inPixels + i) * depth + d] ?? 0) + m * (dy[(b * outPixels + o) * depth + d] ?? 0);
      }
    }
  }
  return dx;
}

function worstRelative(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i] ?? 0));
    worst = Math.max(worst, Math.abs((got[i] ?? NaN) - (want[i] ?? NaN)));
  }
  return worst / Math.max(scale, 1e-6);
}

function runGradKernel(
  kind: Kind,
  images: number[],
  dyValues: Float32Array,
  dyShape: number[],
  alignCorners: boolean,
  halfPixelCenters: boolean,
): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const dx = tf
      .engine()
      .runKernel(`${kind}Grad`, { images: tf.zeros(images), dy: tf.tensor(dyValues, dyShape) }, { alignCorners, halfPixelCenters }) as tf.Tensor;
    return { shape: dx.shape, values: dx.dataSync() as Float32Array };
  });
}

function upSamplingModel(interpolation: 'nearest' | 'bilinear'): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [5, 6, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }));
  m.add(tf.layers.upSampling2d({ size: [2, 3], interpolation }));
  m.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }));
  return m;
}

describe('CPU resize gradients', () => {
  let initial = '';

  beforeAll(async () => {
    initial = tf.getBackend();
    installCpuResizeGradFix(); // the test setup installed it already; this call must change nothing
    await tf.setBackend('cpu');
  });

  afterAll(async () => {
    installCpuResizeGradFix();
    await tf.setBackend(initial);
  });

  it('is installed by the test setup, and installing again changes nothing', () => {
    const names = ['ResizeNearestNeighborGrad', 'ResizeBilinearGrad'];
    const kernels = names.map((k) => tf.getKernel(k, 'cpu')?.kernelFunc);
    installCpuResizeGradFix();
    expect(names.map((k) => tf.getKernel(k, 'cpu')?.kernelFunc)).toEqual(kernels);
    uninstallCpuResizeGradFix();
    const originals = names.map((k) => tf.getKernel(k, 'cpu')?.kernelFunc);
    installCpuResizeGradFix();
    names.forEach((_, k) => expect(kernels[k]).not.toBe(originals[k]));
  });

  it("TF.js's own CPU kernels are wrong here (if this fails, TF.js has fixed them and this fix can go)", () => {
    // Two 2×2 images upsampled to 4×4; dy = 0, 1, …, 31. Image 1's pixel (0, 0) was copied to dy's
    // [1, 0..1, 0..1]: its gradient is 16 + 17 + 20 + 21 = 74.
    const dy = Float32Array.from({ length: 32 }, (_, i) => i);
    const fixed = runGradKernel('ResizeNearestNeighbor', [2, 2, 2, 1], dy, [2, 4, 4, 1], false, false);
    uninstallCpuResizeGradFix();
    try {
      const original = runGradKernel('ResizeNearestNeighbor', [2, 2, 2, 1], dy, [2, 4, 4, 1], false, false);
      expect(fixed.values[4]).toBe(74);
      expect(original.values[4]).toBe(26); // dy read at image 1's offset in the images (4), not in dy (16)
      // Bilinear: height and width swapped in the gradient's shape, and halfPixelCenters ignored.
      const dyB = randomValues(3 * 9 * 11 * 2, 5);
      expect(runGradKernel('ResizeBilinear', [3, 5, 7, 2], dyB, [3, 9, 11, 2], false, false).shape).toEqual([3, 7, 5, 2]);
      const dyH = randomValues(3 * 14 * 14 * 2, 6);
      const want = reference(forwardMatrix('ResizeBilinear', 7, 7, 14, 14, false, true), dyH, 3, 49, 196, 2);
      expect(worstRelative(runGradKernel('ResizeBilinear', [3, 7, 7, 2], dyH, [3, 14, 14, 2], false, true).values, want)).toBeGreaterThan(0.01);
    } finally {
      installCpuResizeGradFix();
    }
  });

  for (const kind of KINDS) {
    it(`${kind}Grad is the exact transpose of the forward ${kind} (batch 3, all flag combinations)`, () => {
      let seed = kind === 'ResizeBilinear' ? 100 : 1;
      const batch = 3;
      const depth = 2;
      for (const [h, w, outH, outW] of SIZES) {
        for (const [alignCorners, halfPixelCenters] of FLAGS) {
          const label = JSON.stringify({ kind, h, w, outH, outW, alignCorners, halfPixelCenters });
          const dy = randomValues(batch * outH * outW * depth, seed++);
          const want = reference(forwardMatrix(kind, h, w, outH, outW, alignCorners, halfPixelCenters), dy, batch, h * w, outH * outW, depth);
          const before = tf.memory().numTensors;
          const got = runGradKernel(kind, [batch, h, w, depth], dy, [batch, outH, outW, depth], alignCorners, halfPixelCenters);
          expect(tf.memory().numTensors, label).toBe(before);
          expect(got.shape, label).toEqual([batch, h, w, depth]);
          expect(worstRelative(got.values, want), label).toBeLessThan(kind === 'ResizeBilinear' ? 1e-5 : 1e-6);
        }
      }
    });

    it(`tf.grad of tf.image.${kind === 'ResizeBilinear' ? 'resizeBilinear' : 'resizeNearestNeighbor'} (rank 3 and 4) matches the reference`, () => {
      let seed = kind === 'ResizeBilinear' ? 300 : 200;
      const op = kind === 'ResizeBilinear' ? tf.image.resizeBilinear : tf.image.resizeNearestNeighbor;
      for (const [h, w, outH, outW] of SIZES) {
        for (const [alignCorners, halfPixelCenters] of FLAGS.filter(([a, hp]) => !(a && hp))) {
          for (const batch of [0, 3]) {
            const label = JSON.stringify({ kind, h, w, outH, outW, alignCorners, halfPixelCenters, batch });
            const n = Math.max(batch, 1);
            const dy = randomValues(n * outH * outW * 3, seed++);
            const want = reference(forwardMatrix(kind, h, w, outH, outW, alignCorners, halfPixelCenters), dy, n, h * w, outH * outW, 3);
            const shape = batch === 0 ? [h, w, 3] : [batch, h, w, 3];
            const dyShape = batch === 0 ? [outH, outW, 3] : [batch, outH, outW, 3];
            const before = tf.memory().numTensors;
            const got = tf.tidy(() => {
              const g = tf.grad((x: tf.Tensor) =>
                op(x as tf.Tensor4D, [outH, outW], alignCorners, halfPixelCenters)
                  .mul(tf.tensor(dy, dyShape))
                  .sum(),
              )(tf.zeros(shape));
              return { shape: g.shape, values: g.dataSync() as Float32Array };
            });
            expect(tf.memory().numTensors, label).toBe(before);
            expect(got.shape, label).toEqual(shape);
            expect(worstRelative(got.values, want), label).toBeLessThan(1e-5);
          }
        }
      }
    });
  }

  for (const interpolation of ['nearest', 'bilinear'] as const) {
    it(`gives an UpSampling2D (${interpolation}) model's batch-4 gradient as the sum of per-example gradients, leaking nothing`, () => {
      const batch = 4;
      const m = upSamplingModel(interpolation);
      const xv = randomValues(batch * 5 * 6 * 2, 40);
      const yv = randomValues(batch * 10 * 18, 41);
      const variables = m.trainableWeights.map((w) => w.read() as tf.Variable);
      /** Gradients of the summed squared error over examples [from, to). */
      const gradients = (from: number, to: number): Float32Array[] =>
        tf.tidy(() => {
          const x = tf.tensor(xv.subarray(from * 60, to * 60), [to - from, 5, 6, 2]);
          const y = tf.tensor(yv.subarray(from * 180, to * 180), [to - from, 10, 18, 1]);
          const { value, grads } = tf.variableGrads(() => (m.apply(x) as tf.Tensor).sub(y).square().sum() as tf.Scalar, variables);
          value.dispose();
          return variables.map((v) => (grads[v.name] ?? tf.scalar(NaN)).dataSync() as Float32Array);
        });
      const before = tf.memory().numTensors;
      const whole = gradients(0, batch);
      const perExample = Array.from({ length: batch }, (_, b) => gradients(b, b + 1));
      expect(tf.memory().numTensors).toBe(before);
      whole.forEach((g, k) => {
        const sum = new Float64Array(g.length);
        for (const example of perExample) example[k]?.forEach((v, i) => (sum[i] = (sum[i] ?? 0) + v));
        expect(worstRelative(g, sum), `${interpolation} weight ${k}`).toBeLessThan(1e-5);
      });
      m.dispose();
    });
  }
});

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { liveTensorCount } from '../core/memory';
import { createRng } from '../core/random';
import { hann, stftMagnitude, windowSum } from './dsp';
import {
  disposeDftBases,
  logMagnitudes,
  multiScaleDistance,
  SPECTRAL_EPSILON,
  spectralDistanceWithGrad,
  spectralLossDftTensor,
  spectralLossTensor,
  spectralTarget,
} from './spectral-loss';
import { syntheticNote } from './testing/notes';

/** The textbook DFT magnitude of one frame (O(n²)), the reference for the FFT path. */
function naiveMagnitude(frame: ArrayLike<number>, k: number): number {
  const n = frame.length;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    re += (frame[i] ?? 0) * Math.cos((2 * Math.PI * k * i) / n);
    im -= (frame[i] ?? 0) * Math.sin((2 * Math.PI * k * i) / n);
  }
  return Math.hypot(re, im);
}

function randomSignal(length: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => (rng.next() * 2 - 1) * 0.3);
}

describe('STFT magnitudes', () => {
  it('match a naive DFT of the windowed frames (pad-end framing, 1/Σwindow scale)', () => {
    const x = randomSignal(300, 1);
    const n = 64;
    const s = stftMagnitude(x, n, 16);
    expect(s.frames).toBe(Math.ceil(300 / 16));
    expect(s.bins).toBe(33);
    const w = hann(n);
    for (const f of [0, 5, s.frames - 1]) {
      const frame = Array.from({ length: n }, (_, i) => (x[f * 16 + i] ?? 0) * (w[i] ?? 0));
      for (const k of [0, 1, 7, 32]) expect(s.data[f * 33 + k]).toBeCloseTo(naiveMagnitude(frame, k) / windowSum(n), 5);
    }
  });

  it('give a full-scale sine a peak of 0.5 at every size', () => {
    for (const n of [64, 512, 2048]) {
      const k = n / 16;
      const x = Float32Array.from({ length: 4 * n }, (_, i) => Math.sin((2 * Math.PI * k * i) / n));
      const s = stftMagnitude(x, n, n / 4);
      expect(s.data[1 * s.bins + k]).toBeCloseTo(0.5, 3);
    }
  });
});

describe('multi-scale spectral distance', () => {
  it('is 0 for identical sounds, symmetric, and grows with the difference', () => {
    const a = syntheticNote({ pitch: 60, slope: 1 });
    const b = syntheticNote({ pitch: 60, slope: 2.5 });
    const c = syntheticNote({ pitch: 67, slope: 2.5 });
    expect(multiScaleDistance(a, a)).toBeCloseTo(0, 4);
    expect(multiScaleDistance(a, b)).toBeCloseTo(multiScaleDistance(b, a), 4);
    expect(multiScaleDistance(a, b)).toBeGreaterThan(0.1);
    expect(multiScaleDistance(b, c)).toBeGreaterThan(multiScaleDistance(a, b) * 0.5);
  });

  it('equals the sum over sizes of the mean |Δ ln(|X| + ε)| computed directly', () => {
    const x = randomSignal(1000, 2);
    const y = randomSignal(1000, 3);
    let expected = 0;
    for (const n of [256, 64]) {
      const lx = logMagnitudes(x, n);
      const ly = logMagnitudes(y, n);
      expected += lx.reduce((s, v, i) => s + Math.abs(v - (ly[i] ?? 0)), 0) / lx.length;
    }
    expect(multiScaleDistance(x, y, [256, 64])).toBeCloseTo(expected, 4);
    expect(logMagnitudes(new Float32Array(256), 64)[0]).toBeCloseTo(Math.log(SPECTRAL_EPSILON), 6);
  });

  it('has the gradient of finite differences (FFT back-propagation)', () => {
    const sizes = [128, 64];
    const x = randomSignal(400, 4);
    const target = spectralTarget(randomSignal(400, 5), sizes);
    const grad = new Float64Array(400);
    spectralDistanceWithGrad(x, target, sizes, grad);
    const h = 1e-4;
    for (const i of [0, 17, 130, 255, 399]) {
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[i] = (plus[i] ?? 0) + h;
      minus[i] = (minus[i] ?? 0) - h;
      const numeric = (spectralDistanceWithGrad(plus, target, sizes) - spectralDistanceWithGrad(minus, target, sizes)) / (2 * h);
      expect(grad[i]).toBeCloseTo(numeric, 3);
    }
  });

  it('gives the same value and gradient as TF.js: the FFT custom op and the pure-TF DFT version, without leaks', async () => {
    const sizes = [256, 64];
    const length = 640;
    const before = liveTensorCount();
    const xs = [randomSignal(length, 6), randomSignal(length, 7)];
    const ys = [randomSignal(length, 8), syntheticNote({ pitch: 70, length })];
    const targetsJs = ys.map((y) => spectralTarget(y, sizes));
    const pred = tf.tensor2d([...xs[0]!, ...xs[1]!], [2, length]);
    const targetsTf = sizes.map((_, s) =>
      tf.tensor3d([...targetsJs[0]![s]!, ...targetsJs[1]![s]!], [2, targetsJs[0]![s]!.length / (sizes[s]! / 2 + 1), sizes[s]! / 2 + 1]),
    );
    const weights = tf.tensor1d([0.3, 1.7]);
    const run = (f: (p: tf.Tensor2D) => tf.Tensor1D): { value: tf.Tensor; grad: tf.Tensor } =>
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => tf.sum(tf.mul(f(p as tf.Tensor2D), weights)))(pred);
        return { value, grad };
      });
    const fast = run((p) => spectralLossTensor(p, targetsJs, sizes));
    const dft = run((p) => spectralLossDftTensor(p, targetsTf, sizes));
    const expected = 0.3 * multiScaleDistance(xs[0]!, ys[0]!, sizes) + 1.7 * multiScaleDistance(xs[1]!, ys[1]!, sizes);
    expect((await fast.value.data())[0]).toBeCloseTo(expected, 3);
    expect((await dft.value.data())[0]).toBeCloseTo(expected, 3);
    const g1 = await fast.grad.data();
    const g2 = await dft.grad.data();
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < g1.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((g1[i] ?? 0) - (g2[i] ?? 0)));
      maxAbs = Math.max(maxAbs, Math.abs(g1[i] ?? 0));
    }
    expect(maxAbs).toBeGreaterThan(0);
    expect(maxDiff / maxAbs).toBeLessThan(2e-2);
    tf.dispose([pred, weights, fast.value, fast.grad, dft.value, dft.grad, ...targetsTf]);
    disposeDftBases();
    expect(liveTensorCount()).toBe(before);
  });
});

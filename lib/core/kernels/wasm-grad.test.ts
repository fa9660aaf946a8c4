import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { installWasmGradientKernels } from './wasm-grad';

function randomValues(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1);
}

/** Runs `f` on a backend with tensors built from the same values, and returns its outputs' values. */
async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = await Promise.all(list.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(list);
  return values;
}

function expectClose(got: Float32Array[], want: Float32Array[], label: string, tolerance = 1e-4): void {
  expect(got.length, label).toBe(want.length);
  got.forEach((g, k) => {
    const w = want[k] ?? new Float32Array();
    expect(g.length, label).toBe(w.length);
    let scale = 0;
    w.forEach((v) => (scale = Math.max(scale, Math.abs(v))));
    let worst = 0;
    g.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (w[i] ?? NaN)))));
    expect(worst / Math.max(scale, 1e-6), `${label} [output ${k}]`).toBeLessThan(tolerance);
  });
}

interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  outC: number;
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const convCases: ConvCase[] = [];
for (const size of [
  [7, 7],
  [14, 14],
  [28, 28],
  [9, 6],
] as const) {
  for (const strides of [1, 2, [2, 1]] as const) {
    for (const pad of ['same', 'valid'] as const) {
      convCases.push({ x: [3, size[0], size[1], size[0] === 28 ? 1 : 5], k: [3, 3], outC: 4, strides: strides as number | [number, number], pad });
    }
  }
}
convCases.push(
  { x: [3, 8, 8, 2], k: [2, 2], outC: 3, strides: 2, pad: 'same' },
  { x: [3, 10, 11, 4], k: [5, 3], outC: 2, strides: 3, pad: 'valid' },
  { x: [2, 7, 7, 3], k: [3, 3], outC: 6, strides: 2, pad: 1 },
  { x: [3, 14, 14, 16], k: [3, 3], outC: 8, strides: 1, pad: 'same' },
);

/**
 * A small model of the lab's kind with seeded initial weights, so every run compares the same
 * numbers (with random ones, a ReLU input within rounding of 0 now and then flipped between the
 * backends' summation orders and failed the comparison).
 */
function model(kind: 'ae' | 'vae' | 'sr'): tf.Sequential {
  const m = tf.sequential();
  let seed = { ae: 1000, vae: 2000, sr: 3000 }[kind];
  const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) });
  const conv = (filters: number, extra: Partial<Parameters<typeof tf.layers.conv2d>[0]> = {}): void => {
    m.add(tf.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', padding: 'same', ...init(), ...extra }));
  };
  if (kind === 'ae') {
    conv(16, { inputShape: [28, 28, 1] });
    m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
    conv(8);
    m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
    conv(8);
    m.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
    conv(8);
    m.add(tf.layers.upSampling2d({ size: [2, 2] }));
    conv(8);
    m.add(tf.layers.upSampling2d({ size: [2, 2] }));
    conv(16, { padding: 'valid' });
    m.add(tf.layers.upSampling2d({ size: [2, 2] }));
    conv(1, { activation: 'sigmoid' });
  } else if (kind === 'vae') {
    conv(32, { inputShape: [28, 28, 1], strides: 2 });
    conv(64, { strides: 2 });
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 2, ...init() }));
    m.add(tf.layers.dense({ units: 7 * 7 * 64, activation: 'relu', ...init() }));
    m.add(tf.layers.reshape({ targetShape: [7, 7, 64] }));
    m.add(tf.layers.conv2dTranspose({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...init() }));
    m.add(tf.layers.conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...init() }));
    m.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid', ...init() }));
  } else {
    m.add(tf.layers.upSampling2d({ inputShape: [7, 7, 1], size: [4, 4] }));
    conv(16);
    m.add(tf.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', ...init() }));
    conv(1, { activation: 'sigmoid' });
  }
  return m;
}

describe('WASM gradient kernels', () => {
  let initial = '';

  beforeAll(async () => {
    initial = tf.getBackend();
    installWasmGradientKernels(); // the test setup installed them already; this call must change nothing
    await tf.setBackend('wasm');
  });

  afterAll(async () => {
    await tf.setBackend(initial);
  });

  it('registers Conv2DBackpropFilter for WASM', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('does nothing when asked twice', () => {
    const kernels = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'ResizeNearestNeighborGrad'].map((k) => tf.getKernel(k, 'wasm')?.kernelFunc);
    installWasmGradientKernels();
    expect(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'ResizeNearestNeighborGrad'].map((k) => tf.getKernel(k, 'wasm')?.kernelFunc)).toEqual(
      kernels,
    );
  });

  it('Conv2DBackpropFilter matches the CPU backend (shapes, strides 1/2, same/valid/explicit padding)', async () => {
    let seed = 1;
    for (const c of convCases) {
      const label = JSON.stringify(c);
      const fShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.outC];
      const xv = randomValues(c.x, seed++);
      const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(fShape) as tf.Tensor4D, c.strides, c.pad).shape);
      const dyv = randomValues(dyShape, seed++);
      const f = (): tf.Tensor =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xv, c.x), dy: tf.tensor(dyv, dyShape) }, {
          strides: c.strides,
          pad: c.pad,
          dataFormat: 'NHWC',
          dimRoundingMode: undefined,
          filterShape: fShape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const want = await runOn('cpu', f);
      const before = tf.memory().numTensors;
      const got = await runOn('wasm', f);
      expect(tf.memory().numTensors, label).toBe(before);
      expectClose(got, want, label);
    }
  });

  it('Conv2DBackpropInput (XNNPACK path) matches the CPU backend (shapes, strides 1/2, same/valid/explicit padding)', async () => {
    let seed = 700;
    for (const c of convCases) {
      const label = JSON.stringify(c);
      const fShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.outC];
      const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(fShape) as tf.Tensor4D, c.strides, c.pad).shape);
      const dyv = randomValues(dyShape, seed++);
      const fv = randomValues(fShape, seed++);
      const f = (): tf.Tensor =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(fv, fShape) }, {
          strides: c.strides,
          pad: c.pad,
          dataFormat: 'NHWC',
          inputShape: c.x,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const want = await runOn('cpu', f);
      const before = tf.memory().numTensors;
      const got = await runOn('wasm', f);
      expect(tf.memory().numTensors, label).toBe(before);
      expectClose(got, want, label);
    }
  });

  it('MaxPoolGrad matches the CPU backend (negative values, ties at zero, same/valid, odd sizes)', async () => {
    let seed = 500;
    const cases: { x: [number, number, number, number]; size: number | [number, number]; strides: number | [number, number]; pad: 'same' | 'valid' }[] = [];
    for (const hw of [
      [7, 7],
      [14, 14],
      [28, 28],
      [5, 8],
    ] as const) {
      for (const [size, strides] of [
        [2, 2],
        [3, 2],
        [3, 1],
        [
          [2, 3],
          [1, 2],
        ],
      ] as const) {
        for (const pad of ['same', 'valid'] as const)
          cases.push({ x: [3, hw[0], hw[1], 4], size: size as number | [number, number], strides: strides as number | [number, number], pad });
      }
    }
    for (const c of cases) {
      const label = JSON.stringify(c);
      // Rounded to a few levels so that windows hold ties; half of them are ReLU zeros.
      const xv = randomValues(c.x, seed++).map((v) => Math.max(-0.5, Math.round(v * 3) / 3));
      const probe = tf.tidy(() => tf.maxPool(tf.zeros(c.x) as tf.Tensor4D, c.size, c.strides, c.pad).shape);
      const dyv = randomValues(probe, seed++);
      for (const relu of [false, true]) {
        const f = (): tf.Tensor =>
          tf.grad((x: tf.Tensor) => {
            const input = (relu ? tf.relu(x) : x) as tf.Tensor4D;
            return tf.maxPool(input, c.size, c.strides, c.pad).mul(tf.tensor(dyv, probe)).sum();
          })(tf.tensor(xv, c.x));
        const want = await runOn('cpu', f);
        const before = tf.memory().numTensors;
        const got = await runOn('wasm', f);
        expect(tf.memory().numTensors, label).toBe(before);
        expectClose(got, want, `${label} relu=${relu}`, 1e-6);
      }
    }
  });

  it('Conv2DBackpropFilter handles NCHW inputs', async () => {
    const xShape = [3, 4, 9, 9];
    const fShape = [3, 3, 4, 5];
    const dyShape = [3, 5, 5, 5];
    const xv = randomValues(xShape, 101);
    const dyv = randomValues(dyShape, 102);
    const f = (): tf.Tensor =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(xv, xShape), dy: tf.tensor(dyv, dyShape) }, {
        strides: 2,
        pad: 'same',
        dataFormat: 'NCHW',
        filterShape: fShape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    // CPU's kernel supports NCHW too.
    expectClose(await runOn('wasm', f), await runOn('cpu', f), 'NCHW');
  });

  it('the conv gradients TF.js composes (Conv2D, Conv2DTranspose, MaxPool, UpSampling) match the CPU backend', async () => {
    let seed = 200;
    type Shape4 = [number, number, number, number];
    const cases: { label: string; x: Shape4; f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor; w: Shape4 }[] = [
      { label: 'conv s1 same', x: [3, 14, 14, 2], w: [3, 3, 2, 4], f: (x, w) => tf.conv2d(x, w, 1, 'same') },
      { label: 'conv s2 same 7x7', x: [3, 7, 7, 2], w: [3, 3, 2, 4], f: (x, w) => tf.conv2d(x, w, 2, 'same') },
      { label: 'conv s2 valid 14x14', x: [3, 14, 14, 2], w: [3, 3, 2, 4], f: (x, w) => tf.conv2d(x, w, 2, 'valid') },
      { label: 'convT s2 same', x: [3, 7, 7, 4], w: [3, 3, 2, 4], f: (x, w) => tf.conv2dTranspose(x, w, [3, 14, 14, 2], 2, 'same') },
      { label: 'convT s1 same', x: [3, 7, 7, 4], w: [3, 3, 2, 4], f: (x, w) => tf.conv2dTranspose(x, w, [3, 7, 7, 2], 1, 'same') },
      {
        label: 'maxPool same 7x7 + conv',
        x: [3, 7, 7, 2],
        w: [3, 3, 2, 3],
        f: (x, w) => tf.maxPool(tf.conv2d(x, w, 1, 'same'), 2, 2, 'same'),
      },
      {
        label: 'maxPool valid 3x3/2 + conv',
        x: [3, 14, 14, 2],
        w: [3, 3, 2, 3],
        f: (x, w) => tf.maxPool(tf.conv2d(x, w, 1, 'same'), 3, 2, 'valid'),
      },
      {
        // Batch 1: the CPU backend's ResizeNearestNeighborGrad is wrong for larger batches (see below).
        label: 'upsample x2 + conv',
        x: [1, 7, 7, 2],
        w: [3, 3, 2, 3],
        f: (x, w) => tf.conv2d(tf.image.resizeNearestNeighbor(x, [14, 14]), w, 1, 'same'),
      },
      {
        label: 'upsample x4 + conv',
        x: [1, 7, 7, 1],
        w: [3, 3, 1, 3],
        f: (x, w) => tf.conv2d(tf.image.resizeNearestNeighbor(x, [28, 28]), w, 1, 'same'),
      },
    ];
    for (const c of cases) {
      const xv = randomValues(c.x, seed++);
      const wv = randomValues(c.w, seed++);
      const probe = tf.tidy(() => c.f(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.w) as tf.Tensor4D).shape);
      const weights = randomValues(probe, seed++);
      const f = (): tf.Tensor[] => {
        const g = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
          c
            .f(x as tf.Tensor4D, w as tf.Tensor4D)
            .mul(tf.tensor(weights, probe))
            .sum(),
        );
        return g([tf.tensor(xv, c.x), tf.tensor(wv, c.w)]);
      };
      expectClose(await runOn('wasm', f), await runOn('cpu', f), c.label);
    }
  });

  it('ResizeNearestNeighborGrad is the exact adjoint of the forward resize (batch 3, all flag combinations)', async () => {
    await tf.setBackend('wasm');
    let seed = 600;
    const cases: [number, number, number, number, boolean, boolean][] = [
      [7, 7, 14, 14, false, false],
      [7, 7, 28, 28, false, false],
      [14, 14, 28, 28, false, false],
      [5, 7, 9, 11, false, false],
      [5, 7, 9, 11, true, false],
      [5, 7, 9, 11, false, true],
      [6, 6, 4, 4, false, true],
      [3, 3, 14, 14, true, false],
    ];
    for (const [h, w, outH, outW, alignCorners, halfPixelCenters] of cases) {
      const label = JSON.stringify({ h, w, outH, outW, alignCorners, halfPixelCenters });
      const shape = [3, h, w, 2];
      const dyShape = [3, outH, outW, 2];
      const dyv = randomValues(dyShape, seed++);
      // The forward pass on index-coded images says where each output pixel came from.
      const source = tf.tidy(() =>
        tf.image.resizeNearestNeighbor(tf.range(0, 3 * h * w * 2).reshape(shape) as tf.Tensor4D, [outH, outW], alignCorners, halfPixelCenters).dataSync(),
      );
      const want = new Float32Array(3 * h * w * 2);
      source.forEach((from, i) => (want[from] = (want[from] ?? 0) + (dyv[i] ?? 0)));
      const before = tf.memory().numTensors;
      const got = tf.tidy(() =>
        (
          tf.engine().runKernel(
            'ResizeNearestNeighborGrad',
            { images: tf.zeros(shape), dy: tf.tensor(dyv, dyShape) },
            {
              alignCorners,
              halfPixelCenters,
            },
          ) as tf.Tensor
        ).dataSync(),
      );
      expect(tf.memory().numTensors, label).toBe(before);
      expectClose([got as Float32Array], [want], label, 1e-6);
    }
  });

  for (const kind of ['ae', 'vae', 'sr'] as const) {
    const lossName = kind === 'sr' ? 'MSE' : 'BCE';
    it(`gives the ${kind} model's weight gradients (${lossName}) as the CPU backend does, and leaks nothing`, async () => {
      await tf.setBackend('cpu');
      const m = model(kind);
      const batch = 4;
      const inputShape = kind === 'sr' ? [7, 7, 1] : [28, 28, 1];
      const xv = randomValues([batch, ...inputShape], 300).map((v) => (v + 1) / 2);
      const yv = randomValues([batch, 28, 28, 1], 301).map((v) => (v + 1) / 2);
      const weightValues = m.getWeights().map((w) => w.dataSync().slice());
      const shapes = m.getWeights().map((w) => w.shape);
      m.dispose();
      /** Gradients of the mean loss over examples [from, to). */
      const gradients = (from: number, to: number): tf.Tensor[] => {
        const mm = model(kind);
        mm.setWeights(weightValues.map((v, i) => tf.tensor(v, shapes[i])));
        const size = inputShape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(xv.subarray(from * size, to * size), [to - from, ...inputShape]);
        const y = tf.tensor(yv.subarray(from * 784, to * 784), [to - from, 28, 28, 1]);
        const variables = mm.trainableWeights.map((w) => w.read() as tf.Variable);
        const loss = (): tf.Scalar => {
          const prediction = mm.predict(x) as tf.Tensor;
          return (lossName === 'MSE' ? tf.losses.meanSquaredError(y, prediction) : tf.metrics.binaryCrossentropy(y, prediction).mean()) as tf.Scalar;
        };
        const { grads } = tf.variableGrads(loss, variables);
        const out = variables.map((v) => (grads[v.name] ?? tf.scalar(NaN)).clone());
        tf.dispose(grads);
        mm.dispose();
        return out;
      };
      // CPU reference: the mean of per-example gradients (CPU's ResizeNearestNeighborGrad is only
      // right for one image at a time).
      const want = await runOn('cpu', () => {
        const perExample = Array.from({ length: batch }, (_, b) => gradients(b, b + 1));
        return (perExample[0] ?? []).map((_, k) => tf.addN(perExample.map((g) => g[k] ?? tf.scalar(NaN))).div(batch));
      });
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const got = await runOn('wasm', () => gradients(0, batch));
      expect(tf.memory().numTensors).toBe(before);
      expectClose(got, want, kind, 2e-4);
    });
  }

  it('trains the conv autoencoder with Adam on WASM without leaking', async () => {
    await tf.setBackend('wasm');
    const m = model('ae');
    m.compile({ optimizer: tf.train.adam(1e-2), loss: 'binaryCrossentropy' });
    // Images with a bright random rectangle: something an autoencoder can start learning in a few steps.
    const rng = createRng(400);
    const pixels = new Float32Array(8 * 28 * 28);
    for (let b = 0; b < 8; b++) {
      const [top, left] = [Math.floor(rng.next() * 14), Math.floor(rng.next() * 14)];
      for (let r = top; r < top + 12; r++) for (let c = left; c < left + 10; c++) pixels[b * 784 + r * 28 + c] = 1;
    }
    const x = tf.tensor(pixels, [8, 28, 28, 1]);
    await m.fit(x, x, { epochs: 1, batchSize: 8, verbose: 0 }); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    const history = await m.fit(x, x, { epochs: 5, batchSize: 8, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[4] ?? Infinity).toBeLessThan(0.9 * (losses[0] ?? -Infinity));
    tf.dispose(x);
    m.dispose();
  });
});

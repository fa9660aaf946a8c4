/**
 * Gradient kernels that TF.js 4.22's WASM backend lacks or gets wrong, so that convolutional models
 * train on WASM, and fast.
 *
 * Checked on the image lab's models (conv autoencoder with max-pooling and up-sampling, conv VAE
 * with strided Conv2D and Conv2DTranspose, super-resolution with UpSampling2D ×2/×4, dense layers,
 * BCE/MSE, Adam):
 * - `Conv2DBackpropFilter` (the gradient of a Conv2D's filter, and of a Conv2DTranspose's filter)
 *   is missing: training a conv model fails with "Kernel 'Conv2DBackpropFilter' not registered".
 * - `MaxPoolGrad` exists but is wrong: a window holding negative values, or only ties (zeros after
 *   a ReLU), sends its gradient to the wrong input. It is replaced.
 * - `ResizeNearestNeighborGrad` (UpSampling2D's gradient) is right, but ignores `halfPixelCenters`
 *   (which UpSampling2D does not use); with that flag an exact JS version runs instead. (The CPU
 *   backend's is wrong for batches of more than one image — it indexes dy with the images' batch
 *   stride — so conv models with UpSampling2D train wrongly on CPU; tests here compare against CPU
 *   one example at a time.)
 * - `Conv2DBackpropInput` (Conv2D's input gradient, Conv2DTranspose's forward pass) is right but a
 *   plain loop; NHWC calls now go through XNNPACK (conv autoencoder step 163 → 93 ms, conv VAE
 *   step 890 → 255 ms at batch 64 here).
 * Every kernel here is tested against the CPU backend (or an exact reference) in wasm-grad.test.ts.
 *
 * `Conv2DBackpropFilter` is composed from WASM kernels so the arithmetic runs in XNNPACK:
 *
 *   dW[r, c, i, o] = Σ_{b, y, x} X[b, y·s + r − top, x·s' + c − left, i] · dY[b, y, x, o]
 *
 * is itself a convolution with stride 1 and dilation (s, s'): the "images" are X transposed to
 * [inC, H, W, batch] (one image per input channel, the batch as channels), the "filter" is dY
 * transposed to [outH, outW, batch, outC], and the forward padding becomes explicit padding (top and
 * left as in the forward pass, bottom and right whatever makes the output filter-sized). The result
 * [inC, kH, kW, outC] is transposed back to [kH, kW, inC, outC]. No im2col copy is made.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { resizeNearestNeighborGradValues } from './cpu-resize-grad';
import { overrideKernel } from './override';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The part of WASM's backend these kernels use. */
type WasmBackend = Pick<BackendWasm, 'disposeData' | 'makeOutput' | 'typedArrayFromHeap'>;

function isWasmBackend(backend: unknown): backend is WasmBackend {
  return (
    typeof backend === 'object' &&
    backend !== null &&
    ['disposeData', 'makeOutput', 'typedArrayFromHeap'].every((m) => typeof (backend as Record<string, unknown>)[m] === 'function')
  );
}

function kernel(name: string): KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`Latent Lab's WASM gradient kernels need WASM's '${name}' kernel.`);
  return config.kernelFunc;
}

function asInfo(result: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  if (Array.isArray(result)) throw new Error('Expected one output from a WASM kernel.');
  return result;
}

/** `Conv2DBackpropFilter` for WASM (NHWC natively; NCHW inputs are transposed to NHWC first). */
export function conv2DBackpropFilterWasm(args: Parameters<KernelFunc>[0]): tf.TensorInfo {
  const backend = args.backend;
  if (!isWasmBackend(backend)) throw new Error('conv2DBackpropFilterWasm runs on the WASM backend only.');
  const { x: x0, dy: dy0 } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const transpose = kernel('Transpose');
  const conv2d = kernel('Conv2D');
  const temps: tf.TensorInfo[] = [];
  const run = (f: KernelFunc, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo => {
    const out = asInfo(f({ inputs, backend, attrs }));
    temps.push(out);
    return out;
  };
  try {
    const nchw = tf.backend_util.convertConv2DDataFormat(dataFormat) === 'channelsFirst';
    const x = nchw ? run(transpose, { x: x0 }, { perm: [0, 2, 3, 1] }) : x0;
    const dy = nchw ? run(transpose, { x: dy0 }, { perm: [0, 2, 3, 1] }) : dy0;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      nchw && Array.isArray(pad) ? [pad[0], pad[2], pad[3], pad[1]] : pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
    const { strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Padding after the data that makes the output exactly kh × kw; when it would be negative (rows
    // the forward pass never read), pad nothing and crop the output instead.
    const bottom = kh - 1 + (oh - 1) * sh + 1 - h - top;
    const right = kw - 1 + (ow - 1) * sw + 1 - w - left;
    const images = run(transpose, { x }, { perm: [3, 1, 2, 0] }); // [inC, H, W, batch]
    const filter = run(transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [outH, outW, batch, outC]
    let grad = run(
      conv2d,
      { x: images, filter },
      {
        strides: [1, 1],
        dilations: [sh, sw],
        pad: [
          [0, 0],
          [top, Math.max(0, bottom)],
          [left, Math.max(0, right)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dimRoundingMode: 'floor',
      },
    ); // [inC, kh', kw', outC]
    if (bottom < 0 || right < 0) {
      grad = run(kernel('Slice'), { x: grad }, { begin: [0, 0, 0, 0], size: [info.inChannels, kh, kw, info.outChannels] });
    }
    const result = asInfo(transpose({ inputs: { x: grad }, backend, attrs: { perm: [1, 2, 0, 3] } }));
    return result;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/**
 * `MaxPoolGrad` for WASM, with the CPU backend's semantics: each output's gradient goes to the first
 * (row-major) maximum of its window; padding never wins. WASM's own kernel sends the gradient of
 * windows holding negative values (and of ties at zero after a ReLU) to the wrong place. A JS loop
 * over the WASM heap: one pass over the windows, scattering dy into a zeroed dx.
 */
export function maxPoolGradWasm(args: Parameters<KernelFunc>[0]): tf.TensorInfo {
  const backend = args.backend;
  if (!isWasmBackend(backend)) throw new Error('maxPoolGradWasm runs on the WASM backend only.');
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = backend.makeOutput(input.shape, 'float32');
  // Views on the heap, taken after the allocation above (an allocation may grow and move the heap).
  const dx = backend.typedArrayFromHeap(out);
  const x = backend.typedArrayFromHeap(input);
  const g = backend.typedArrayFromHeap(dy);
  dx.fill(0);
  const rowStride = inWidth * channels;
  const batchStride = inHeight * rowStride;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * batchStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yMin = Math.max(0, y0);
      const yMax = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xMin = Math.max(0, x0);
        const xMax = Math.min(inWidth, x0 + fw);
        for (let c = 0; c < channels; c++, o++) {
          let best = -Infinity;
          let at = -1;
          for (let y = yMin; y < yMax; y++) {
            let i = xb + y * rowStride + xMin * channels + c;
            for (let xx = xMin; xx < xMax; xx++, i += channels) {
              const v = x[i] ?? -Infinity;
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] = (dx[at] ?? 0) + (g[o] ?? 0);
        }
      }
    }
  }
  return out;
}

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Strided `Conv2DBackpropInput` as one XNNPACK matrix product and a JS scatter ("col2im"): every dy
 * pixel times the filter gives its contribution to a kh × kw patch of dx, which is added in place.
 * No multiplication by the zeros a stride-1 formulation would have to insert between dy's pixels.
 */
function conv2DBackpropInputByPatches(backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize, inHeight: h, inWidth: w, inChannels: inC, outHeight: oh, outWidth: ow, outChannels: outC } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const k = kh * kw * inC;
  const filterT = asInfo(kernel('Transpose')({ inputs: { x: { ...filter, shape: [k, outC] } }, backend, attrs: { perm: [1, 0] } }));
  let patches: tf.TensorInfo | undefined;
  try {
    // [b·oh·ow, outC] × [outC, kh·kw·inC]: row n holds dy pixel n's patch of dx.
    patches = asInfo(
      kernel('BatchMatMul')({
        inputs: { a: { ...dy, shape: [batchSize * oh * ow, outC] }, b: filterT },
        backend,
        attrs: { transposeA: false, transposeB: false },
      }),
    );
    const out = backend.makeOutput([batchSize, h, w, inC], 'float32');
    const dx = backend.typedArrayFromHeap(out);
    const p = backend.typedArrayFromHeap(patches);
    dx.fill(0);
    const rowStride = w * inC;
    let n = 0;
    for (let b = 0; b < batchSize; b++) {
      const base = b * h * rowStride;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++, n++) {
          const y0 = oy * sh - top;
          const x0 = ox * sw - left;
          for (let r = 0; r < kh; r++) {
            const y = y0 + r;
            if (y < 0 || y >= h) continue;
            for (let c = 0; c < kw; c++) {
              const x = x0 + c;
              if (x < 0 || x >= w) continue;
              const to = base + y * rowStride + x * inC;
              const from = n * k + (r * kw + c) * inC;
              for (let i = 0; i < inC; i++) dx[to + i] = (dx[to + i] ?? 0) + (p[from + i] ?? 0);
            }
          }
        }
      }
    }
    return out;
  } finally {
    backend.disposeData(filterT.dataId);
    if (patches) backend.disposeData(patches.dataId);
  }
}

/**
 * `Conv2DBackpropInput` for WASM through XNNPACK (WASM's own kernel is a plain loop: half of a conv
 * autoencoder's training step, three quarters of a conv VAE's). With stride 1, dx is a Conv2D of dy
 * by the filter turned 180° with its in/out channels swapped, padded by (k − 1 − forward padding)
 * before the data; with larger strides, see conv2DBackpropInputByPatches. NHWC only: returns
 * undefined for anything else (the caller then uses WASM's own kernel).
 */
export function conv2DBackpropInputWasm(args: Parameters<KernelFunc>[0]): tf.TensorInfo | undefined {
  const backend = args.backend;
  if (!isWasmBackend(backend)) return undefined;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  if (sh > 1 || sw > 1) return conv2DBackpropInputByPatches(backend, dy, filter, info);
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  if (top < 0 || left < 0) return undefined; // padding wider than the filter: leave it to WASM's kernel
  const bottom = h - oh + kh - 1 - top;
  const right = w - ow + kw - 1 - left;
  const temps: tf.TensorInfo[] = [];
  const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo => {
    const out = asInfo(kernel(name)({ inputs, backend, attrs }));
    temps.push(out);
    return out;
  };
  try {
    const turned = run('Reverse', { x: filter }, { dims: [0, 1] });
    const flipped = run('Transpose', { x: turned }, { perm: [0, 1, 3, 2] }); // [kh, kw, outC, inC]
    const dx = run(
      'Conv2D',
      { x: dy, filter: flipped },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [
          [0, 0],
          [top, Math.max(0, bottom)],
          [left, Math.max(0, right)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dimRoundingMode: 'floor',
      },
    );
    if (bottom >= 0 && right >= 0) {
      temps.pop();
      return dx;
    }
    return asInfo(kernel('Slice')({ inputs: { x: dx }, backend, attrs: { begin: [0, 0, 0, 0], size: inputShape } }));
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Source row (or column) of each output row in TF.js's nearest-neighbour resize (as its CPU kernel). */
/**
 * `ResizeNearestNeighborGrad` for WASM: the exact adjoint of the forward resize — every dy pixel is
 * added to the pixel it was copied from — with the same JS adjoint as the CPU fix, over the WASM heap. Used when
 * `halfPixelCenters` is set: WASM's own kernel (like the CPU backend's) ignores it there.
 */
export function resizeNearestNeighborGradWasm(args: Parameters<KernelFunc>[0]): tf.TensorInfo {
  const backend = args.backend;
  if (!isWasmBackend(backend)) throw new Error('resizeNearestNeighborGradWasm runs on the WASM backend only.');
  const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as { alignCorners: boolean; halfPixelCenters?: boolean };
  const [batch = 0, inHeight = 0, inWidth = 0, depth = 0] = images.shape;
  const [, outHeight = 0, outWidth = 0] = dy.shape;
  const out = backend.makeOutput(images.shape, 'float32');
  const g = backend.typedArrayFromHeap(dy);
  backend
    .typedArrayFromHeap(out)
    .set(resizeNearestNeighborGradValues(g, { batch, inHeight, inWidth, depth, outHeight, outWidth }, alignCorners, halfPixelCenters === true));
  return out;
}

let installed = false;

/**
 * Installs the WASM gradient kernels (once): registers `Conv2DBackpropFilter` unless WASM has one (a
 * later TF.js may add it), replaces `MaxPoolGrad`, and wraps `Conv2DBackpropInput` and
 * `ResizeNearestNeighborGrad` (WASM's own kernels still serve the cases the wrappers leave to them).
 * Does nothing if the WASM backend's kernels are not registered. Works before WASM has started.
 */
export function installWasmGradientKernels(): void {
  if (installed) return;
  if (!['Conv2D', 'Transpose', 'Slice', 'Reverse', 'BatchMatMul'].every((name) => tf.getKernel(name, 'wasm'))) return;
  installed = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilterWasm as KernelFunc });
  }
  // Replaces WASM's own (wrong) MaxPoolGrad.
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGradWasm as KernelFunc });
  overrideKernel('Conv2DBackpropInput', 'wasm', (original) => (args) => conv2DBackpropInputWasm(args) ?? original(args));
  // WASM's ResizeNearestNeighborGrad is right except with halfPixelCenters (UpSampling2D does not set it).
  overrideKernel(
    'ResizeNearestNeighborGrad',
    'wasm',
    (original) => (args) => ((args.attrs as { halfPixelCenters?: boolean }).halfPixelCenters === true ? resizeNearestNeighborGradWasm(args) : original(args)),
  );
}

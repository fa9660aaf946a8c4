/**
 * Correct gradients of the image resizes for TF.js 4.22's pure-JavaScript CPU backend.
 *
 * - `ResizeNearestNeighborGrad` (the gradient of `tf.image.resizeNearestNeighbor`, hence of
 *   `tf.layers.upSampling2d`) is wrong for batches of more than one image: it reads image b's dy at
 *   `b × (the images' batch stride)` instead of `b × (dy's batch stride)`, so every image after the
 *   first gets another image's (or a shifted) gradient and UpSampling2D models train wrongly on CPU.
 *   It also ignores `halfPixelCenters`, and searches a window of dy for each input pixel.
 * - `ResizeBilinearGrad` handles batches correctly, but ignores `halfPixelCenters`, and returns its
 *   gradient with height and width swapped in the shape ([batch, width, height, depth]), so
 *   `tf.grad` of a non-square bilinear resize throws.
 *
 * Both are replaced by the exact adjoint of the CPU backend's forward kernel (which is right): every
 * dy pixel is added, with the forward pass's weights, to the input pixels it was computed from.
 * Source indices and weights are computed per row and per column with the forward kernel's own
 * arithmetic, then one pass over dy scatters into a zeroed dx. Anything these kernels do not handle
 * (non-rank-4 or complex inputs, a non-CPU backend) goes to TF.js's original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { overrideKernel } from './override';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type KernelArgs = Parameters<KernelFunc>[0];

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

interface ResizeGradAttrs {
  alignCorners: boolean;
  halfPixelCenters?: boolean;
}

function isCpuBackend(backend: unknown): backend is CpuBackendLike {
  return typeof backend === 'object' && backend !== null && 'data' in backend && 'makeTensorInfo' in backend;
}

function numericValues(backend: CpuBackendLike, t: tf.TensorInfo): ArrayLike<number> | undefined {
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array ? v : undefined;
}

/** The forward kernels' ratio of input to output size (source position per output step). */
function sizeRatio(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

/** Source row (or column) of each output row of the CPU backend's forward `ResizeNearestNeighbor`. */
export function nearestSourceIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const ratio = sizeRatio(inSize, outSize, alignCorners);
  const out = new Int32Array(outSize);
  for (let r = 0; r < outSize; r++) {
    const frac = halfPixelCenters ? ratio * (r + 0.5) : ratio * r;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    out[r] = halfPixelCenters ? Math.max(0, nearest) : nearest;
  }
  return out;
}

/** The two source rows (or columns) of each output row of the forward `ResizeBilinear`, and the weight of `hi`. */
export interface BilinearTaps {
  lo: Int32Array;
  hi: Int32Array;
  /** Output = in[lo]·(1 − frac) + in[hi]·frac (frac may fall outside [0, 1] where lo === hi). */
  frac: Float64Array;
}

/** The CPU backend's forward `ResizeBilinear` taps, with its own arithmetic. */
export function bilinearTaps(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): BilinearTaps {
  const ratio = sizeRatio(inSize, outSize, alignCorners);
  const taps: BilinearTaps = { lo: new Int32Array(outSize), hi: new Int32Array(outSize), frac: new Float64Array(outSize) };
  for (let r = 0; r < outSize; r++) {
    const source = halfPixelCenters ? ratio * (r + 0.5) - 0.5 : ratio * r;
    const lo = Math.max(0, Math.floor(source));
    taps.lo[r] = lo;
    taps.hi[r] = Math.min(inSize - 1, Math.ceil(source));
    taps.frac[r] = source - lo;
  }
  return taps;
}

/** Images [batch, inHeight, inWidth, depth] resized to dy [batch, outHeight, outWidth, depth]. */
export interface ResizeShapes {
  batch: number;
  inHeight: number;
  inWidth: number;
  depth: number;
  outHeight: number;
  outWidth: number;
}

function shapesOf(images: tf.TensorInfo, dy: tf.TensorInfo): ResizeShapes | undefined {
  if (images.shape.length !== 4 || dy.shape.length !== 4) return undefined;
  const [batch = 0, inHeight = 0, inWidth = 0, depth = 0] = images.shape;
  const [dyBatch = 0, outHeight = 0, outWidth = 0, dyDepth = 0] = dy.shape;
  if (dyBatch !== batch || dyDepth !== depth) return undefined; // let TF.js's kernel deal with it
  return { batch, inHeight, inWidth, depth, outHeight, outWidth };
}

/** dx of the nearest-neighbour resize: dy[b, r, c, d] added to dx[b, rows[r], cols[c], d]. */
export function resizeNearestNeighborGradValues(dy: ArrayLike<number>, s: ResizeShapes, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const rows = nearestSourceIndices(s.inHeight, s.outHeight, alignCorners, halfPixelCenters);
  const cols = nearestSourceIndices(s.inWidth, s.outWidth, alignCorners, halfPixelCenters);
  const { depth } = s;
  const rowStride = s.inWidth * depth;
  const dx = new Float32Array(s.batch * s.inHeight * rowStride);
  let o = 0;
  for (let b = 0; b < s.batch; b++) {
    const base = b * s.inHeight * rowStride;
    for (let r = 0; r < s.outHeight; r++) {
      const rowBase = base + (rows[r] ?? 0) * rowStride;
      for (let c = 0; c < s.outWidth; c++) {
        const at = rowBase + (cols[c] ?? 0) * depth;
        for (let d = 0; d < depth; d++, o++) dx[at + d] = (dx[at + d] ?? 0) + (dy[o] ?? 0);
      }
    }
  }
  return dx;
}

/** dx of the bilinear resize: each dy pixel spread over its four source pixels with the forward weights. */
export function resizeBilinearGradValues(dy: ArrayLike<number>, s: ResizeShapes, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const rows = bilinearTaps(s.inHeight, s.outHeight, alignCorners, halfPixelCenters);
  const cols = bilinearTaps(s.inWidth, s.outWidth, alignCorners, halfPixelCenters);
  const { depth } = s;
  const rowStride = s.inWidth * depth;
  const dx = new Float32Array(s.batch * s.inHeight * rowStride);
  let o = 0;
  for (let b = 0; b < s.batch; b++) {
    const base = b * s.inHeight * rowStride;
    for (let r = 0; r < s.outHeight; r++) {
      const top = base + (rows.lo[r] ?? 0) * rowStride;
      const bottom = base + (rows.hi[r] ?? 0) * rowStride;
      const rf = rows.frac[r] ?? 0;
      for (let c = 0; c < s.outWidth; c++) {
        const left = (cols.lo[c] ?? 0) * depth;
        const right = (cols.hi[c] ?? 0) * depth;
        const cf = cols.frac[c] ?? 0;
        const wTL = (1 - rf) * (1 - cf);
        const wTR = (1 - rf) * cf;
        const wBL = rf * (1 - cf);
        const wBR = rf * cf;
        for (let d = 0; d < depth; d++, o++) {
          const g = dy[o] ?? 0;
          dx[top + left + d] = (dx[top + left + d] ?? 0) + g * wTL;
          dx[top + right + d] = (dx[top + right + d] ?? 0) + g * wTR;
          dx[bottom + left + d] = (dx[bottom + left + d] ?? 0) + g * wBL;
          dx[bottom + right + d] = (dx[bottom + right + d] ?? 0) + g * wBR;
        }
      }
    }
  }
  return dx;
}

type GradValues = (dy: ArrayLike<number>, s: ResizeShapes, alignCorners: boolean, halfPixelCenters: boolean) => Float32Array;

/** A CPU resize-gradient kernel computing with `values`, or undefined (defer to TF.js) for what it does not handle. */
function cpuResizeGrad(values: GradValues): (args: KernelArgs) => tf.TensorInfo | undefined {
  return (args) => {
    const backend = args.backend;
    if (!isCpuBackend(backend)) return undefined;
    const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeGradAttrs;
    const shapes = shapesOf(images, dy);
    const dyValues = numericValues(backend, dy);
    if (!shapes || !dyValues) return undefined;
    return backend.makeTensorInfo(images.shape, 'float32', values(dyValues, shapes, alignCorners === true, halfPixelCenters === true));
  };
}

/** `ResizeNearestNeighborGrad` for the CPU backend (undefined: not handled here). */
export const resizeNearestNeighborGradCpu = cpuResizeGrad(resizeNearestNeighborGradValues);
/** `ResizeBilinearGrad` for the CPU backend (undefined: not handled here). */
export const resizeBilinearGradCpu = cpuResizeGrad(resizeBilinearGradValues);

let restore: (() => void)[] | undefined;

/**
 * Replaces TF.js's CPU `ResizeNearestNeighborGrad` and `ResizeBilinearGrad` with correct kernels
 * (once; later calls do nothing). The originals stay as the fallback for what these do not handle.
 * Does nothing if the CPU kernels are not registered. Works before the CPU backend has started.
 */
export function installCpuResizeGradFix(): void {
  if (restore || !tf.getKernel('ResizeNearestNeighborGrad', 'cpu') || !tf.getKernel('ResizeBilinearGrad', 'cpu')) return;
  restore = [
    overrideKernel('ResizeNearestNeighborGrad', 'cpu', (original) => (args) => resizeNearestNeighborGradCpu(args) ?? original(args)),
    overrideKernel('ResizeBilinearGrad', 'cpu', (original) => (args) => resizeBilinearGradCpu(args) ?? original(args)),
  ].filter((r): r is () => void => r !== undefined);
}

/** Puts TF.js's original CPU kernels back (for tests that show what they get wrong). */
export function uninstallCpuResizeGradFix(): void {
  restore?.forEach((r) => r());
  restore = undefined;
}

/**
 * A whole LSTM sequence as two kernels (forward, backward) for the WASM and CPU backends.
 *
 * Why: TF.js spends 10–40 µs of bookkeeping on every op, whatever its size. An LSTM step written
 * with ops is a matrix product plus ~12 small element-wise ops forward and ~25 backward, so for a
 * small batch (refining the codes of two melodies: batch 2) the bookkeeping costs several times the
 * arithmetic. These kernels run the matrix product of each step through the backend's own
 * `BatchMatMul` kernel (XNNPACK on WASM) and all the element-wise work of the step in one
 * JavaScript loop over the backend's memory. For large batches TF.js's vectorised element-wise ops
 * win again, so callers choose (see {@link preferFusedLstm}).
 *
 * Gates follow TF's basic LSTM cell: pre-activations [i, j, f, o] per row (forget bias already
 * added), c' = c·σ(f) + σ(i)·tanh(j), h' = tanh(c')·σ(o).
 */
import * as tf from '@tensorflow/tfjs';

export const LSTM_FORWARD = 'LatentLabLstmForward';
export const LSTM_BACKWARD = 'LatentLabLstmBackward';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Info = tf.TensorInfo;

/** How a kernel reaches a backend's memory. */
interface Memory {
  /** A float32 view of a tensor's values (re-read after any allocation: WASM's heap may move). */
  view(t: Info): Float32Array;
  alloc(shape: number[]): Info;
  free(t: Info): void;
  matMul(a: Info, b: Info): Info;
}

interface WasmLike {
  typedArrayFromHeap(t: Info): tf.backend_util.TypedArray;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  disposeData(dataId: tf.DataId): boolean;
}

interface CpuLike {
  data: { get(dataId: tf.DataId): { values?: tf.backend_util.BackendValues } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): Info;
  disposeIntermediateTensorInfo(t: Info): void;
}

function has(backend: unknown, methods: string[]): boolean {
  return typeof backend === 'object' && backend !== null && methods.every((m) => m in (backend as Record<string, unknown>));
}

function memoryFor(backendName: 'wasm' | 'cpu', backend: unknown): Memory {
  const matMulKernel = tf.getKernel('BatchMatMul', backendName);
  if (!matMulKernel) throw new Error(`The ${backendName} backend has no BatchMatMul kernel.`);
  const as3d = (t: Info): Info => ({ dataId: t.dataId, dtype: t.dtype, shape: t.shape.length === 3 ? t.shape : [1, ...t.shape] });
  const matMul = (a: Info, b: Info): Info => {
    const out = matMulKernel.kernelFunc({
      inputs: { a: as3d(a), b: as3d(b) },
      backend: backend as tf.KernelBackend,
      attrs: { transposeA: false, transposeB: false },
    });
    if (Array.isArray(out)) throw new Error('BatchMatMul returned several outputs.');
    return out;
  };
  if (backendName === 'wasm') {
    if (!has(backend, ['typedArrayFromHeap', 'makeOutput', 'disposeData'])) throw new Error('Not a WASM backend.');
    const b = backend as WasmLike;
    return {
      view: (t) => b.typedArrayFromHeap(t) as Float32Array,
      alloc: (shape) => b.makeOutput(shape, 'float32'),
      free: (t) => void b.disposeData(t.dataId),
      matMul,
    };
  }
  if (!has(backend, ['data', 'makeTensorInfo', 'disposeIntermediateTensorInfo'])) throw new Error('Not a CPU backend.');
  const b = backend as CpuLike;
  return {
    view: (t) => {
      const values = b.data.get(t.dataId)?.values;
      if (!(values instanceof Float32Array)) throw new Error('LSTM kernels take float32 tensors.');
      return values;
    },
    alloc: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((x, y) => x * y, 1))),
    free: (t) => b.disposeIntermediateTensorInfo(t),
    matMul,
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Forward: inputs `xw` [T, B, 4H] (each step's input projection plus biases), `wh` [H, 4H], `c0`,
 * `h0` [B, H]; outputs every step's h [T, B, H], the gate activations [T, B, 4H] (σ(i), tanh(j),
 * σ(f), σ(o)) and every step's c [T, B, H].
 */
function forward(backendName: 'wasm' | 'cpu'): KernelFunc {
  return ({ inputs, backend }) => {
    const { xw, wh, c0, h0 } = inputs as Record<'xw' | 'wh' | 'c0' | 'h0', Info>;
    const [T = 0, B = 0, G = 0] = xw.shape;
    const H = G / 4;
    const mem = memoryFor(backendName, backend);
    const hs = mem.alloc([T, B, H]);
    const acts = mem.alloc([T, B, G]);
    const cs = mem.alloc([T, B, H]);
    const hBuf = mem.alloc([B, H]);
    try {
      mem.view(hBuf).set(mem.view(h0));
      for (let t = 0; t < T; t++) {
        const g = mem.matMul(hBuf, wh);
        try {
          const [gv, xv, av, cv, hv, hb] = [mem.view(g), mem.view(xw), mem.view(acts), mem.view(cs), mem.view(hs), mem.view(hBuf)];
          const cPrev = t === 0 ? mem.view(c0) : cv;
          const cPrevBase = t === 0 ? 0 : (t - 1) * B * H;
          for (let b = 0; b < B; b++) {
            const gRow = b * G;
            const xRow = (t * B + b) * G;
            for (let k = 0; k < H; k++) {
              const i = sigmoid((gv[gRow + k] ?? 0) + (xv[xRow + k] ?? 0));
              const j = Math.tanh((gv[gRow + H + k] ?? 0) + (xv[xRow + H + k] ?? 0));
              const f = sigmoid((gv[gRow + 2 * H + k] ?? 0) + (xv[xRow + 2 * H + k] ?? 0));
              const o = sigmoid((gv[gRow + 3 * H + k] ?? 0) + (xv[xRow + 3 * H + k] ?? 0));
              const c = (cPrev[cPrevBase + b * H + k] ?? 0) * f + i * j;
              const h = Math.tanh(c) * o;
              av[xRow + k] = i;
              av[xRow + H + k] = j;
              av[xRow + 2 * H + k] = f;
              av[xRow + 3 * H + k] = o;
              cv[(t * B + b) * H + k] = c;
              hv[(t * B + b) * H + k] = h;
              hb[b * H + k] = h;
            }
          }
        } finally {
          mem.free(g);
        }
      }
    } finally {
      mem.free(hBuf);
    }
    return [hs, acts, cs];
  };
}

/**
 * Backward: inputs `dy` [T, B, H] (the loss's gradient with respect to every step's h), `acts` and
 * `cs` from the forward kernel, `c0` [B, H] and `whT` [4H, H] (the recurrent kernel transposed);
 * outputs the gradient with respect to `xw` [T, B, 4H] (the gate pre-activations), `c0` and `h0`.
 */
function backward(backendName: 'wasm' | 'cpu'): KernelFunc {
  return ({ inputs, backend }) => {
    const { dy, acts, cs, c0, whT } = inputs as Record<'dy' | 'acts' | 'cs' | 'c0' | 'whT', Info>;
    const [T = 0, B = 0, H = 0] = dy.shape;
    const G = 4 * H;
    const mem = memoryFor(backendName, backend);
    const dXw = mem.alloc([T, B, G]);
    const dc = mem.alloc([B, H]);
    const dh = mem.alloc([B, H]);
    const dgBuf = mem.alloc([B, G]);
    mem.view(dc).fill(0);
    mem.view(dh).fill(0);
    try {
      for (let t = T - 1; t >= 0; t--) {
        const [dyv, av, cv, dcv, dhv, dgv, dxv] = [mem.view(dy), mem.view(acts), mem.view(cs), mem.view(dc), mem.view(dh), mem.view(dgBuf), mem.view(dXw)];
        const cPrev = t === 0 ? mem.view(c0) : cv;
        const cPrevBase = t === 0 ? 0 : (t - 1) * B * H;
        for (let b = 0; b < B; b++) {
          const row = (t * B + b) * G;
          for (let k = 0; k < H; k++) {
            const i = av[row + k] ?? 0;
            const j = av[row + H + k] ?? 0;
            const f = av[row + 2 * H + k] ?? 0;
            const o = av[row + 3 * H + k] ?? 0;
            const tc = Math.tanh(cv[(t * B + b) * H + k] ?? 0);
            const dH = (dyv[(t * B + b) * H + k] ?? 0) + (dhv[b * H + k] ?? 0);
            const dC = (dcv[b * H + k] ?? 0) + dH * o * (1 - tc * tc);
            const gi = dC * j * i * (1 - i);
            const gj = dC * i * (1 - j * j);
            const gf = dC * (cPrev[cPrevBase + b * H + k] ?? 0) * f * (1 - f);
            const go = dH * tc * o * (1 - o);
            dxv[row + k] = gi;
            dxv[row + H + k] = gj;
            dxv[row + 2 * H + k] = gf;
            dxv[row + 3 * H + k] = go;
            dgv[b * G + k] = gi;
            dgv[b * G + H + k] = gj;
            dgv[b * G + 2 * H + k] = gf;
            dgv[b * G + 3 * H + k] = go;
            dcv[b * H + k] = dC * f;
          }
        }
        // The gradient reaching the previous step's h: dG · Whᵀ.
        const next = mem.matMul(dgBuf, whT);
        try {
          mem.view(dh).set(mem.view(next));
        } finally {
          mem.free(next);
        }
      }
    } finally {
      mem.free(dgBuf);
    }
    return [dXw, dc, dh];
  };
}

let installed = false;

/** Registers the two kernels for WASM and CPU (once; backends that are not registered are skipped). */
export function installLstmSequenceKernels(): void {
  if (installed) return;
  installed = true;
  for (const backendName of ['wasm', 'cpu'] as const) {
    if (!tf.getKernel(LSTM_FORWARD, backendName)) tf.registerKernel({ kernelName: LSTM_FORWARD, backendName, kernelFunc: forward(backendName) });
    if (!tf.getKernel(LSTM_BACKWARD, backendName)) tf.registerKernel({ kernelName: LSTM_BACKWARD, backendName, kernelFunc: backward(backendName) });
  }
}

/**
 * Whether the fused kernels should run an LSTM of `batch` rows and `hidden` units on the current
 * backend: WASM and CPU only, and only while the batch is small enough that TF.js's per-op
 * bookkeeping, not arithmetic, dominates (measured: refining two melodies, batch 2 × 256 units).
 */
export function preferFusedLstm(batch: number, hidden: number): boolean {
  const backend = tf.getBackend();
  return (backend === 'wasm' || backend === 'cpu') && batch * hidden <= FUSED_MAX_CELLS && tf.getKernel(LSTM_FORWARD, backend) !== undefined;
}

/** Batch × hidden units up to which the fused kernels are used (see bench:lstm). */
export const FUSED_MAX_CELLS = 4096;

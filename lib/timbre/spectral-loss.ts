/**
 * The multi-scale spectral distance (DDSP, Engel et al. 2020): how different two sounds look in
 * spectrograms at six resolutions, from long windows that see fine pitch detail (2048 samples,
 * 128 ms) to short ones that see sharp attacks (64 samples, 4 ms). Here the log-magnitude term:
 *
 *   D(x, y) = Σ_{n ∈ 2048…64} mean_{frames, bins} | ln(|X_n| + ε) − ln(|Y_n| + ε) |
 *
 * with Hann windows, hop n/4 (75% overlap), frames padded at the end (tf.signal.stft's pad_end),
 * magnitudes divided by the window's sum (a full-scale sine peaks at 0.5 at every size) and
 * ε = 1e-5 (−100 dB). It is the timbre model's training loss and the evaluation's measure.
 *
 * Three implementations, tested against each other:
 * - {@link multiScaleDistance}: plain JavaScript (fft.js), for evaluation;
 * - {@link spectralLossTensor}: a TF.js op whose value and exact gradient are computed in JavaScript
 *   with FFTs (`tf.customGrad`): fast on every backend, used for training and refinement (it reads
 *   the prediction with `dataSync`, so call it in a worker or in Node, never on a UI thread);
 * - {@link spectralLossDftTensor}: pure TF.js, the STFT as framing + a matrix product with a DFT
 *   basis (differentiable by TF.js itself on any backend; ~50× slower, the reference).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import { fftOf, frameCount, hann, stftMagnitude, windowSum } from './dsp';

/** The six FFT sizes of the distance. */
export const SPECTRAL_SIZES: readonly number[] = [2048, 1024, 512, 256, 128, 64];
export const SPECTRAL_EPSILON = 1e-5;

/** ln(|X| + ε) of every frame and bin (frame-major), for one size. */
export function logMagnitudes(x: ArrayLike<number>, n: number): Float32Array {
  const s = stftMagnitude(x, n, n / 4, 'pad-end');
  const out = new Float32Array(s.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.log((s.data[i] ?? 0) + SPECTRAL_EPSILON);
  return out;
}

/** Target log-magnitudes at every size, precomputed once per target. */
export type SpectralTarget = Float32Array[];

/** {@link logMagnitudes} at each of `sizes`. */
export function spectralTarget(x: ArrayLike<number>, sizes: readonly number[] = SPECTRAL_SIZES): SpectralTarget {
  return sizes.map((n) => logMagnitudes(x, n));
}

/** D between two sounds' precomputed {@link spectralTarget}s (same sizes, same length): for many comparisons of few sounds. */
export function targetDistance(a: SpectralTarget, b: SpectralTarget): number {
  if (a.length !== b.length) throw new InvalidInputError(`Spectral targets of ${a.length} and ${b.length} sizes cannot be compared.`);
  let total = 0;
  a.forEach((x, s) => {
    const y = b[s] as Float32Array;
    if (x.length !== y.length) throw new InvalidInputError(`Spectral targets of ${x.length} and ${y.length} values cannot be compared.`);
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += Math.abs((x[i] ?? 0) - (y[i] ?? 0));
    total += sum / x.length;
  });
  return total;
}

/**
 * D(x, target) for one sound and, when `grad` is given (same length as x), adds ∂D/∂x into it.
 *
 * The gradient: D depends on each bin's magnitude |X_k|; ∂D/∂|X_k| = sign(d_k) / (|X_k| + ε) / M
 * (M = frames × bins), and ∂|X_k|/∂(Re, Im) = (Re, Im)/|X_k|. Since X_k = Σ_i w_i x_i e^{−2πi·ki/n},
 * sending those back to the samples is Re(Σ_k G_k e^{+2πi·ki/n}) · w_i — an inverse FFT of the
 * per-bin gradients G_k, windowed and overlap-added.
 */
export function spectralDistanceWithGrad(x: ArrayLike<number>, target: SpectralTarget, sizes: readonly number[] = SPECTRAL_SIZES, grad?: Float64Array): number {
  if (target.length !== sizes.length) throw new InvalidInputError(`The spectral target has ${target.length} sizes; expected ${sizes.length}.`);
  let total = 0;
  const length = x.length;
  sizes.forEach((n, s) => {
    const fft = fftOf(n);
    const w = hann(n);
    const scale = 1 / windowSum(n);
    const hop = n / 4;
    const frames = frameCount(length, hop, 'pad-end');
    const bins = n / 2 + 1;
    const t = target[s] as Float32Array;
    if (t.length !== frames * bins)
      throw new InvalidInputError(`The spectral target at size ${n} has ${t.length} values; expected ${frames * bins} for ${length} samples.`);
    const m = frames * bins;
    const frame = new Float64Array(n);
    const spec = new Float64Array(2 * n);
    const back = new Float64Array(2 * n);
    const out = new Float64Array(2 * n);
    let sum = 0;
    for (let f = 0; f < frames; f++) {
      const start = f * hop;
      for (let i = 0; i < n; i++) {
        const j = start + i;
        frame[i] = j < length ? (x[j] ?? 0) * (w[i] ?? 0) : 0;
      }
      fft.realTransform(spec, frame);
      if (grad) back.fill(0);
      for (let k = 0; k < bins; k++) {
        const re = spec[2 * k] ?? 0;
        const im = spec[2 * k + 1] ?? 0;
        const abs = Math.sqrt(re * re + im * im);
        const mag = abs * scale;
        const d = Math.log(mag + SPECTRAL_EPSILON) - (t[f * bins + k] ?? 0);
        sum += Math.abs(d);
        if (grad && abs > 0 && d !== 0) {
          const g = ((d > 0 ? 1 : -1) / (mag + SPECTRAL_EPSILON) / m) * (scale / abs);
          back[2 * k] = g * re;
          back[2 * k + 1] = g * im;
        }
      }
      if (grad) {
        fft.inverseTransform(out, back);
        for (let i = 0; i < n; i++) {
          const j = start + i;
          if (j < length) grad[j] = (grad[j] ?? 0) + n * (out[2 * i] ?? 0) * (w[i] ?? 0);
        }
      }
    }
    total += sum / m;
  });
  return total;
}

/** D(x, y) in plain numbers (see the file comment). Both sounds must have the same length. */
export function multiScaleDistance(x: ArrayLike<number>, y: ArrayLike<number>, sizes: readonly number[] = SPECTRAL_SIZES): number {
  if (x.length !== y.length) throw new InvalidInputError(`The two sounds have ${x.length} and ${y.length} samples; they must be equally long.`);
  return spectralDistanceWithGrad(x, spectralTarget(y, sizes), sizes);
}

/**
 * Per-item D(pred_b, target_b) as a `[B]` tensor for predictions `[B, N]`, with its exact gradient
 * (see {@link spectralDistanceWithGrad}). Reads `pred` synchronously: for training and refinement
 * (Node, workers), not for UI threads. Caller disposes the result.
 */
export function spectralLossTensor(pred: tf.Tensor2D, targets: readonly SpectralTarget[], sizes: readonly number[] = SPECTRAL_SIZES): tf.Tensor1D {
  const [batch, length] = pred.shape;
  if (targets.length !== batch) throw new InvalidInputError(`Got ${targets.length} spectral targets for a batch of ${batch}.`);
  const impl = (p: tf.Tensor, save: tf.GradSaveFunc): { value: tf.Tensor1D; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor } => {
    const values = p.dataSync();
    const losses = new Float32Array(batch);
    const grads = new Float32Array(batch * length);
    for (let b = 0; b < batch; b++) {
      const g = new Float64Array(length);
      losses[b] = spectralDistanceWithGrad(values.subarray(b * length, (b + 1) * length), targets[b] as SpectralTarget, sizes, g);
      grads.set(g, b * length);
    }
    const gradTensor = tf.tensor2d(grads, [batch, length]);
    save([gradTensor]);
    return {
      value: tf.tensor1d(losses),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0] as tf.Tensor, tf.reshape(dy, [batch, 1])),
    };
  };
  const op = tf.customGrad(impl as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(pred) as tf.Tensor1D;
}

const dftBases = new Map<number, { cos: tf.Tensor2D; sin: tf.Tensor2D }>();

/** Windowed DFT bases `[n, n/2 + 1]` (cos and −sin, times the Hann window and 1/Σwindow), kept for reuse. */
function dftBasis(n: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  let b = dftBases.get(n);
  if (b && !b.cos.isDisposed) return b;
  const bins = n / 2 + 1;
  const w = hann(n);
  const scale = 1 / windowSum(n);
  const c = new Float32Array(n * bins);
  const s = new Float32Array(n * bins);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < bins; k++) {
      const theta = (2 * Math.PI * ((k * i) % n)) / n;
      c[i * bins + k] = (w[i] ?? 0) * scale * Math.cos(theta);
      s[i * bins + k] = -(w[i] ?? 0) * scale * Math.sin(theta);
    }
  }
  b = tf.tidy(() => ({ cos: tf.keep(tf.tensor2d(c, [n, bins])), sin: tf.keep(tf.tensor2d(s, [n, bins])) }));
  dftBases.set(n, b);
  return b;
}

/** Frees the cached DFT bases of {@link spectralLossDftTensor}. */
export function disposeDftBases(): void {
  for (const b of dftBases.values()) tf.dispose([b.cos, b.sin]);
  dftBases.clear();
}

/**
 * The same per-item distance `[B]` written only with TF.js ops (framing by reshapes and slices, a
 * matrix product with a DFT basis), so TF.js differentiates it on any backend. `targets` are
 * log-magnitudes per size `[B, frames, bins]` (see {@link spectralTarget}). Allocates inside the
 * caller's tidy; the cached bases persist until {@link disposeDftBases}.
 */
export function spectralLossDftTensor(pred: tf.Tensor2D, targets: readonly tf.Tensor3D[], sizes: readonly number[] = SPECTRAL_SIZES): tf.Tensor1D {
  const [batch, length] = pred.shape;
  let total: tf.Tensor1D | undefined;
  sizes.forEach((n, s) => {
    const hop = n / 4;
    const frames = frameCount(length, hop, 'pad-end');
    const bins = n / 2 + 1;
    // Padded to (frames + 3) hops, cut into hops; frame f = hops f … f + 3 side by side.
    const padded = tf.pad(pred, [
      [0, 0],
      [0, (frames + 3) * hop - length],
    ]);
    const hops = tf.reshape(padded, [batch, frames + 3, hop]);
    const framed = tf.concat(
      [0, 1, 2, 3].map((j) => tf.slice(hops, [0, j, 0], [batch, frames, hop])),
      2,
    );
    const flat = tf.reshape(framed, [batch * frames, n]) as tf.Tensor2D;
    const { cos, sin } = dftBasis(n);
    const re = tf.matMul(flat, cos);
    const im = tf.matMul(flat, sin);
    const mag = tf.sqrt(tf.add(tf.add(tf.square(re), tf.square(im)), 1e-20));
    const logMag = tf.reshape(tf.log(tf.add(mag, SPECTRAL_EPSILON)), [batch, frames, bins]);
    const target = targets[s];
    if (!target) throw new InvalidInputError(`No target for size ${n}.`);
    const term = tf.mean(tf.abs(tf.sub(logMag, target)), [1, 2]) as tf.Tensor1D;
    total = total ? (tf.add(total, term) as tf.Tensor1D) : term;
  });
  if (!total) throw new InvalidInputError('spectralLossDftTensor needs at least one size.');
  return total;
}

/**
 * The decoder's instrument: a harmonic-plus-noise synthesizer (DDSP's, Engel et al. 2020), written
 * as two matrix products so it is fast and differentiable on every TF.js backend.
 *
 * In a learner's words: the network does not draw the waveform sample by sample. Every 10 ms
 * (a frame) it sets K knobs — how loud each partial (f0, 2·f0, 3·f0 …) is — and B knobs — how loud
 * each band of a fixed hiss is. The synthesizer turns the knobs into sound, gliding linearly from
 * one frame's settings to the next. Pitch is exactly f0, because the partials are put there; the
 * network only decides their loudness over time, which is what timbre is.
 *
 * The harmonic part for sample n = f·H + m of frame f (α = m/H):
 *   y[n] = Σ_k ((1 − α)·A[f, k] + α·A[f+1, k]) · sin(ω_k·n),  ω_k = 2π·k·f0/sr,
 * and sin(ω_k (fH + m)) = sin(ω_k fH)·cos(ω_k m) + cos(ω_k fH)·sin(ω_k m), so a frame's H samples are
 * a product of per-frame coefficients `[F, 4K]` (amplitudes times the frame's phase) with a per-f0
 * basis `[4K, H]` (the within-frame cosines and sines times (1 − α) or α). The noise part is the
 * same with fixed, seeded band-limited noise signals in place of the sines.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import { fftOf, hzToMel, melToHz } from './dsp';
import { FRAMES, HOP, NOTE_SAMPLES, SAMPLE_RATE } from './spec';

/** Sizes of a synthesizer. */
export interface SynthSpec {
  /** Partials (harmonics) 1…K. */
  harmonics: number;
  /** Noise bands, mel-spaced from 0 Hz to Nyquist. */
  noiseBands: number;
  /** Seed of the fixed noise. */
  noiseSeed: number;
}

/** Partials above this fraction of the sample rate are silenced (they would alias). */
const NYQUIST_GUARD = 0.49;

/**
 * The per-f0 basis `[4K, H]` (rows: cos·(1−α), cos·α, sin·(1−α), sin·α for k = 1…K) and frame
 * phases `[F, 2K]` (sin(ω_k fH) then cos(ω_k fH)), as plain arrays. Phases are reduced mod 2π in
 * double precision, so late frames are as exact as early ones.
 */
export function harmonicBasis(f0Hz: number, harmonics: number): { basis: Float32Array; phases: Float32Array } {
  const K = harmonics;
  const basis = new Float32Array(4 * K * HOP);
  const phases = new Float32Array(FRAMES * 2 * K);
  for (let k = 1; k <= K; k++) {
    const omega = (2 * Math.PI * k * f0Hz) / SAMPLE_RATE;
    for (let m = 0; m < HOP; m++) {
      const a = m / HOP;
      const c = Math.cos(omega * m);
      const s = Math.sin(omega * m);
      basis[(k - 1) * HOP + m] = c * (1 - a);
      basis[(K + k - 1) * HOP + m] = c * a;
      basis[(2 * K + k - 1) * HOP + m] = s * (1 - a);
      basis[(3 * K + k - 1) * HOP + m] = s * a;
    }
    const cycle = (k * f0Hz * HOP) / SAMPLE_RATE; // cycles per frame
    for (let f = 0; f < FRAMES; f++) {
      const turns = (cycle * f) % 1;
      const phi = 2 * Math.PI * turns;
      phases[f * 2 * K + (k - 1)] = Math.sin(phi);
      phases[f * 2 * K + K + (k - 1)] = Math.cos(phi);
    }
  }
  return { basis, phases };
}

/** 1 for partials below the guard frequency, 0 above: `[K]`. */
export function harmonicMask(f0Hz: number, harmonics: number): Float32Array {
  return Float32Array.from({ length: harmonics }, (_, i) => ((i + 1) * f0Hz < NYQUIST_GUARD * SAMPLE_RATE ? 1 : 0));
}

/**
 * Fixed noise signals `[bands, NOTE_SAMPLES]`: seeded white noise cut into mel-spaced bands in the
 * frequency domain, each scaled to an RMS of 1.
 */
export function noiseBandSignals(bands: number, seed: number): Float32Array[] {
  const size = 32768;
  const fft = fftOf(size);
  const rng = createRng(seed);
  const white = new Float64Array(size);
  for (let i = 0; i < size; i++) white[i] = rng.normal();
  const spectrum = new Float64Array(2 * size);
  fft.realTransform(spectrum, white);
  fft.completeSpectrum(spectrum);
  const top = hzToMel(SAMPLE_RATE / 2);
  const edges = Array.from({ length: bands + 1 }, (_, i) => melToHz((top * i) / bands));
  const out: Float32Array[] = [];
  const masked = new Float64Array(2 * size);
  const time = new Float64Array(2 * size);
  for (let b = 0; b < bands; b++) {
    masked.fill(0);
    const [lo, hi] = [edges[b] ?? 0, edges[b + 1] ?? 0];
    for (let k = 0; k < size; k++) {
      const hz = (Math.min(k, size - k) * SAMPLE_RATE) / size;
      if (hz >= lo && (hz < hi || (b === bands - 1 && hz <= hi))) {
        masked[2 * k] = spectrum[2 * k] ?? 0;
        masked[2 * k + 1] = spectrum[2 * k + 1] ?? 0;
      }
    }
    fft.inverseTransform(time, masked);
    const signal = new Float32Array(NOTE_SAMPLES);
    let sum = 0;
    for (let i = 0; i < NOTE_SAMPLES; i++) {
      const v = time[2 * i] ?? 0;
      signal[i] = v;
      sum += v * v;
    }
    const rms = Math.sqrt(sum / NOTE_SAMPLES) || 1;
    for (let i = 0; i < NOTE_SAMPLES; i++) signal[i] = (signal[i] ?? 0) / rms;
    out.push(signal);
  }
  return out;
}

/** A per-f0 basis on the backend: `[4K, H]` and its transpose `[H, 4K]` (for gradients). */
interface F0Basis {
  basis: tf.Tensor2D;
  basisT: tf.Tensor2D;
}

/** The same as plain arrays (what is cached between calls). */
interface F0BasisData {
  basis: Float32Array;
  basisT: Float32Array;
  phases: Float32Array;
  mask: Float32Array;
}

/**
 * A synthesizer with its fixed noise basis on the backend (`[F, 2B, H]`, 6.5 MB for 40 bands, its
 * only tensor); per-f0 harmonic bases are computed on demand, cached as plain arrays and uploaded
 * per call. `dispose()` frees the tensor.
 *
 * Why the harmonic product runs item by item in a custom gradient: TF.js's WASM `BatchMatMul` with
 * a different right-hand matrix per batch item of this shape takes a slow loop (~10× slower here),
 * while a 2-D product with the same matrix as last time reuses XNNPACK's packed weights; the
 * gradient uses the cached transposed basis.
 */
export class HarmonicNoiseSynth {
  readonly spec: SynthSpec;
  private readonly noiseBasis: tf.Tensor3D;
  private readonly bases = new Map<number, F0BasisData>();
  /** How many per-f0 bases to keep (a pad played at a few pitches reuses them). */
  private static readonly CACHE = 64;

  constructor(spec: SynthSpec) {
    if (!Number.isInteger(spec.harmonics) || spec.harmonics < 1 || spec.harmonics > 512)
      throw new InvalidInputError(`harmonics must be 1–512; got ${spec.harmonics}.`);
    if (!Number.isInteger(spec.noiseBands) || spec.noiseBands < 1 || spec.noiseBands > 256)
      throw new InvalidInputError(`noiseBands must be 1–256; got ${spec.noiseBands}.`);
    this.spec = spec;
    const signals = noiseBandSignals(spec.noiseBands, spec.noiseSeed);
    const B = spec.noiseBands;
    const data = new Float32Array(FRAMES * 2 * B * HOP);
    for (let f = 0; f < FRAMES; f++) {
      for (let b = 0; b < B; b++) {
        const sig = signals[b] as Float32Array;
        for (let m = 0; m < HOP; m++) {
          const a = m / HOP;
          const v = sig[f * HOP + m] ?? 0;
          data[(f * 2 * B + b) * HOP + m] = v * (1 - a);
          data[(f * 2 * B + B + b) * HOP + m] = v * a;
        }
      }
    }
    this.noiseBasis = tf.tensor3d(data, [FRAMES, 2 * B, HOP]);
  }

  /** The per-f0 arrays, computed once per f0 and kept in a small LRU cache (plain memory, no tensors). */
  private basisData(f0Hz: number): F0BasisData {
    const key = Math.round(f0Hz * 1000) / 1000;
    const hit = this.bases.get(key);
    if (hit) {
      this.bases.delete(key);
      this.bases.set(key, hit);
      return hit;
    }
    const K = this.spec.harmonics;
    const { basis, phases } = harmonicBasis(key, K);
    const basisT = new Float32Array(basis.length);
    for (let r = 0; r < 4 * K; r++) for (let m = 0; m < HOP; m++) basisT[m * 4 * K + r] = basis[r * HOP + m] ?? 0;
    const entry = { basis, basisT, phases, mask: harmonicMask(key, K) };
    this.bases.set(key, entry);
    while (this.bases.size > HarmonicNoiseSynth.CACHE) this.bases.delete(this.bases.keys().next().value as number);
    return entry;
  }

  /** The per-f0 tensors, made in the caller's tidy (disposed with it). */
  private basisFor(f0Hz: number): F0Basis {
    const d = this.basisData(f0Hz);
    const K = this.spec.harmonics;
    return {
      basis: tf.tensor2d(d.basis, [4 * K, HOP]),
      basisT: tf.tensor2d(d.basisT, [HOP, 4 * K]),
    };
  }

  /** `[B, K]` masks of the partials each item may use (1 below the guard frequency). Caller disposes. */
  masksTensor(f0Hz: readonly number[]): tf.Tensor2D {
    const K = this.spec.harmonics;
    const data = new Float32Array(f0Hz.length * K);
    f0Hz.forEach((f, i) => data.set(this.basisData(f).mask, i * K));
    return tf.tensor2d(data, [f0Hz.length, K]);
  }

  /** Per item b: coeff[b] `[F, 4K]` × basis(f0_b) `[4K, H]` → `[B, F, H]`, with its gradient through the cached transposes. */
  private harmonicProduct(coeff: tf.Tensor3D, entries: readonly F0Basis[]): tf.Tensor3D {
    const batch = entries.length;
    if (batch === 1) return tf.expandDims(tf.matMul(tf.squeeze(coeff, [0]) as tf.Tensor2D, (entries[0] as F0Basis).basis), 0) as tf.Tensor3D;
    // The transposed bases are saved for the backward pass (tensors made in the forward pass are
    // otherwise freed before it runs).
    const impl = (
      c: tf.Tensor,
      ...rest: (tf.Tensor | tf.GradSaveFunc)[]
    ): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } => {
      const save = rest[rest.length - 1] as tf.GradSaveFunc;
      const transposed = rest.slice(0, batch) as tf.Tensor[];
      save(transposed);
      const items = tf.unstack(c) as tf.Tensor2D[];
      const value = tf.stack(items.map((ci, b) => tf.matMul(ci, (entries[b] as F0Basis).basis)));
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const dys = tf.unstack(dy) as tf.Tensor2D[];
          return [tf.stack(dys.map((d, b) => tf.matMul(d, saved[b] as tf.Tensor2D))), ...saved.map((t) => tf.zerosLike(t))];
        },
      };
    };
    return tf.customGrad(impl as unknown as Parameters<typeof tf.customGrad>[0])(coeff, ...entries.map((e) => e.basisT)) as tf.Tensor3D;
  }

  /**
   * Per frame f: coeff[:, f] `[B, 2·bands]` × noiseBasis[f] `[2·bands, H]` → `[B, F, H]`, as one
   * batched product over frames (here the batched kernel beats 128 separate products).
   */
  private noiseProduct(coeff: tf.Tensor3D): tf.Tensor3D {
    return tf.transpose(tf.matMul(tf.transpose(coeff, [1, 0, 2]) as tf.Tensor3D, this.noiseBasis), [1, 0, 2]) as tf.Tensor3D;
  }

  /**
   * Audio `[B, NOTE_SAMPLES]` from partial amplitudes `[B, F, K]`, noise-band amplitudes `[B, F, B]`
   * and each item's f0 in Hz. Differentiable in both amplitude tensors. Allocates in the caller's
   * tidy (returns a new tensor; the caller disposes it).
   */
  render(harmonicAmps: tf.Tensor3D, noiseAmps: tf.Tensor3D, f0Hz: readonly number[]): tf.Tensor2D {
    const [batch, frames, K] = harmonicAmps.shape;
    const nb = this.spec.noiseBands;
    if (frames !== FRAMES || K !== this.spec.harmonics || f0Hz.length !== batch)
      throw new InvalidInputError(
        `render needs amplitudes [${batch}, ${FRAMES}, ${this.spec.harmonics}] and ${batch} f0s; got [${harmonicAmps.shape.join(', ')}] and ${f0Hz.length}.`,
      );
    if (noiseAmps.shape[0] !== batch || noiseAmps.shape[1] !== FRAMES || noiseAmps.shape[2] !== nb)
      throw new InvalidInputError(`render needs noise amplitudes [${batch}, ${FRAMES}, ${nb}]; got [${noiseAmps.shape.join(', ')}].`);
    const next = (t: tf.Tensor3D): tf.Tensor3D => tf.concat([tf.slice(t, [0, 1, 0], [-1, FRAMES - 1, -1]), tf.zeros([batch, 1, t.shape[2]])], 1) as tf.Tensor3D;
    const entries = f0Hz.map((f) => this.basisFor(f));
    const phaseData = new Float32Array(batch * FRAMES * 2 * K);
    f0Hz.forEach((f, i) => phaseData.set(this.basisData(f).phases, i * FRAMES * 2 * K));
    const phases = tf.tensor3d(phaseData, [batch, FRAMES, 2 * K]);
    const sinPhase = tf.slice(phases, [0, 0, 0], [-1, -1, K]);
    const cosPhase = tf.slice(phases, [0, 0, K], [-1, -1, K]);
    const a0 = harmonicAmps;
    const a1 = next(harmonicAmps);
    const coeff = tf.concat([tf.mul(a0, sinPhase), tf.mul(a1, sinPhase), tf.mul(a0, cosPhase), tf.mul(a1, cosPhase)], 2) as tf.Tensor3D;
    const harmonic = this.harmonicProduct(coeff, entries); // [B, F, H]
    const noise = this.noiseProduct(tf.concat([noiseAmps, next(noiseAmps)], 2) as tf.Tensor3D); // [B, F, H]
    return tf.reshape(tf.add(harmonic, noise), [batch, NOTE_SAMPLES]) as tf.Tensor2D;
  }

  dispose(): void {
    this.noiseBasis.dispose();
    this.bases.clear();
  }
}

/**
 * The same synthesis sample by sample in plain JavaScript (one item): the reference the tensor
 * version is tested against. `harmonicAmps` `[F·K]`, `noiseAmps` `[F·B]`, frame-major.
 */
export function renderReference(harmonicAmps: Float32Array, noiseAmps: Float32Array, f0Hz: number, spec: SynthSpec): Float32Array {
  const K = spec.harmonics;
  const nb = spec.noiseBands;
  const noise = noiseBandSignals(nb, spec.noiseSeed);
  const out = new Float32Array(NOTE_SAMPLES);
  for (let n = 0; n < NOTE_SAMPLES; n++) {
    const f = Math.floor(n / HOP);
    const a = (n % HOP) / HOP;
    let y = 0;
    for (let k = 1; k <= K; k++) {
      const amp = (1 - a) * (harmonicAmps[f * K + k - 1] ?? 0) + a * (f + 1 < FRAMES ? (harmonicAmps[(f + 1) * K + k - 1] ?? 0) : 0);
      y += amp * Math.sin(2 * Math.PI * ((k * f0Hz * n) / SAMPLE_RATE));
    }
    for (let b = 0; b < nb; b++) {
      const g = (1 - a) * (noiseAmps[f * nb + b] ?? 0) + a * (f + 1 < FRAMES ? (noiseAmps[(f + 1) * nb + b] ?? 0) : 0);
      y += g * ((noise[b] as Float32Array)[n] ?? 0);
    }
    out[n] = y;
  }
  return out;
}

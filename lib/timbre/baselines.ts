/**
 * What the timbre model is measured against (see evaluate.ts):
 * - the "no timbre" note: a sine at the note's pitch that follows the input's loudness envelope —
 *   everything a pitch and a volume knob can do, nothing of the instrument;
 * - PCA with as many numbers per note as the model's code, per pitch (the model is told the pitch,
 *   so PCA is too): a linear code of the log-magnitude spectrogram, turned back into sound by
 *   Griffin-Lim phase reconstruction.
 *
 * - the synthesizer's ceiling: the knob settings (every frame, partial and noise band) fitted to one
 *   note by Adam, with no network and no code — the closest any decoder that drives this
 *   synthesizer could come to that note.
 *
 * Griffin-Lim (1984) in a learner's words: a spectrogram keeps how loud each frequency is but drops
 * its phase, so it is not yet sound. Start with random phases, make a sound, measure its spectrogram,
 * keep the phases it has but put back the magnitudes we want, and repeat; each round the sound
 * agrees better with itself.
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InvalidInputError } from '../core/errors';
import { createRng } from '../core/random';
import { fftOf, frameCount, frameRms, hann } from './dsp';
import { gainTensor, synthKnobs } from './network';
import { spectralLossTensor, spectralTarget } from './spectral-loss';
import { FRAMES, HOP, NOTE_SAMPLES, SAMPLE_RATE } from './spec';
import type { HarmonicNoiseSynth } from './synth';

/** A sine at `f0Hz` whose level follows `reference`'s frame RMS (10-ms frames, interpolated). */
export function sineBaseline(reference: ArrayLike<number>, f0Hz: number, sampleRate = SAMPLE_RATE): Float32Array {
  const rms = frameRms(reference, 320);
  const out = new Float32Array(reference.length);
  for (let i = 0; i < out.length; i++) {
    const pos = i / HOP;
    const f = Math.floor(pos);
    const a = pos - f;
    const level = (1 - a) * (rms[f] ?? 0) + a * (rms[f + 1] ?? rms[f] ?? 0);
    out[i] = Math.SQRT2 * level * Math.sin((2 * Math.PI * f0Hz * i) / sampleRate);
  }
  return out;
}

/** Complex STFT (Hann window, pad-end framing), unnormalised: `re`, `im` frame-major `[frames × (n/2+1)]`. */
export function stftComplex(x: ArrayLike<number>, n: number, hop: number): { frames: number; bins: number; re: Float64Array; im: Float64Array } {
  const fft = fftOf(n);
  const w = hann(n);
  const frames = frameCount(x.length, hop, 'pad-end');
  const bins = n / 2 + 1;
  const re = new Float64Array(frames * bins);
  const im = new Float64Array(frames * bins);
  const frame = new Float64Array(n);
  const out = new Float64Array(2 * n);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < n; i++) frame[i] = (x[f * hop + i] ?? 0) * (w[i] ?? 0);
    fft.realTransform(out, frame);
    for (let k = 0; k < bins; k++) {
      re[f * bins + k] = out[2 * k] ?? 0;
      im[f * bins + k] = out[2 * k + 1] ?? 0;
    }
  }
  return { frames, bins, re, im };
}

/** Inverse of {@link stftComplex} by windowed overlap-add (least squares: divided by Σ window²). */
export function istft(re: Float64Array, im: Float64Array, n: number, hop: number, length: number): Float32Array {
  const fft = fftOf(n);
  const w = hann(n);
  const bins = n / 2 + 1;
  const frames = re.length / bins;
  const out = new Float64Array(length);
  const norm = new Float64Array(length);
  const spec = new Float64Array(2 * n);
  const time = new Float64Array(2 * n);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < bins; k++) {
      spec[2 * k] = re[f * bins + k] ?? 0;
      spec[2 * k + 1] = im[f * bins + k] ?? 0;
    }
    fft.completeSpectrum(spec);
    fft.inverseTransform(time, spec);
    for (let i = 0; i < n; i++) {
      const t = f * hop + i;
      if (t >= length) break;
      const wi = w[i] ?? 0;
      out[t] = (out[t] ?? 0) + (time[2 * i] ?? 0) * wi;
      norm[t] = (norm[t] ?? 0) + wi * wi;
    }
  }
  return Float32Array.from(out, (v, t) => ((norm[t] ?? 0) > 1e-8 ? v / (norm[t] ?? 1) : 0));
}

/**
 * A sound of `length` samples whose STFT magnitudes (n, hop; `[frames × (n/2+1)]`, unnormalised)
 * approach `magnitudes`, by `iterations` rounds of Griffin-Lim from seeded random phases.
 */
export function griffinLim(magnitudes: Float32Array, n: number, hop: number, length: number, iterations = 64, seed = 1): Float32Array {
  const bins = n / 2 + 1;
  const frames = frameCount(length, hop, 'pad-end');
  if (magnitudes.length !== frames * bins)
    throw new InvalidInputError(`Griffin-Lim needs ${frames * bins} magnitudes for ${length} samples; got ${magnitudes.length}.`);
  const rng = createRng(seed);
  const re = new Float64Array(frames * bins);
  const im = new Float64Array(frames * bins);
  for (let i = 0; i < re.length; i++) {
    const phi = 2 * Math.PI * rng.next();
    re[i] = (magnitudes[i] ?? 0) * Math.cos(phi);
    im[i] = (magnitudes[i] ?? 0) * Math.sin(phi);
  }
  let x = istft(re, im, n, hop, length);
  for (let it = 0; it < iterations; it++) {
    const s = stftComplex(x, n, hop);
    for (let i = 0; i < re.length; i++) {
      const a = Math.hypot(s.re[i] ?? 0, s.im[i] ?? 0);
      const m = magnitudes[i] ?? 0;
      re[i] = a > 1e-12 ? (m * (s.re[i] ?? 0)) / a : m;
      im[i] = a > 1e-12 ? (m * (s.im[i] ?? 0)) / a : 0;
    }
    x = istft(re, im, n, hop, length);
  }
  return x;
}

/** Settings of the PCA baseline's spectrogram. */
export const PCA_FFT = 1024;
export const PCA_HOP = 256;
const LOG_FLOOR = 1e-5;

/** ln(|STFT| + 1e-5) of a note (unnormalised magnitudes, n = 1024, hop 256), frame-major. */
export function pcaFeatures(x: ArrayLike<number>): Float32Array {
  const s = stftComplex(x, PCA_FFT, PCA_HOP);
  return Float32Array.from(s.re, (r, i) => Math.log(Math.hypot(r, s.im[i] ?? 0) + LOG_FLOOR));
}

/** A linear code of `k` numbers: mean and `k` unit components (rows, `k × dims`). */
export interface PcaModel {
  k: number;
  dims: number;
  mean: Float32Array;
  components: Float32Array;
}

/**
 * PCA of `rows` (each `dims` numbers) through the Gram matrix (rows × rows: cheap when rows ≪ dims):
 * the eigenvectors u of X Xᵀ (X centred) give the components Xᵀu / ‖Xᵀu‖. Leaves no tensors.
 */
export async function fitPca(rows: readonly Float32Array[], k: number): Promise<PcaModel> {
  const count = rows.length;
  const dims = rows[0]?.length ?? 0;
  if (count < 2 || k < 1 || k >= count) throw new InvalidInputError(`PCA with ${k} components needs more than ${k} rows; got ${count}.`);
  const flat = new Float32Array(count * dims);
  rows.forEach((r, i) => flat.set(r, i * dims));
  const [meanT, gramT, xT] = tf.tidy(() => {
    const x = tf.tensor2d(flat, [count, dims]);
    const mean = tf.mean(x, 0);
    const centred = tf.sub(x, mean) as tf.Tensor2D;
    return [mean, tf.matMul(centred, centred, false, true), centred];
  });
  try {
    const gram = await gramT.data();
    const m: number[][] = Array.from({ length: count }, (_, r) => Array.from(gram.subarray(r * count, (r + 1) * count), Number));
    const evd = new EigenvalueDecomposition(new Matrix(m), { assumeSymmetric: true });
    const values = evd.realEigenvalues;
    const order = values.map((_, i) => i).sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0));
    const u = new Float32Array(k * count);
    order.slice(0, k).forEach((col, c) => u.set(evd.eigenvectorMatrix.getColumn(col), c * count));
    const comps = tf.tidy(() => {
      const v = tf.matMul(tf.tensor2d(u, [k, count]), xT as tf.Tensor2D) as tf.Tensor2D; // k × dims
      return tf.div(v, tf.add(tf.sqrt(tf.sum(tf.square(v), 1, true)), 1e-12));
    });
    const components = (await comps.data()) as Float32Array;
    comps.dispose();
    return { k, dims, mean: (await meanT.data()) as Float32Array, components: Float32Array.from(components) };
  } finally {
    tf.dispose([meanT, gramT, xT]);
  }
}

/** `row` projected on the model's k components and back (its best k-number linear copy). */
export function pcaReconstruct(model: PcaModel, row: Float32Array): Float32Array {
  const { k, dims, mean, components } = model;
  const out = Float32Array.from(mean);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += ((row[j] ?? 0) - (mean[j] ?? 0)) * (components[c * dims + j] ?? 0);
    for (let j = 0; j < dims; j++) out[j] = (out[j] ?? 0) + s * (components[c * dims + j] ?? 0);
  }
  return out;
}

/** The PCA baseline's sound for a note: its k-number PCA copy of the log-magnitudes, then Griffin-Lim. */
export function pcaBaselineAudio(model: PcaModel, x: ArrayLike<number>, iterations = 64): Float32Array {
  const recon = pcaReconstruct(model, pcaFeatures(x));
  const mags = Float32Array.from(recon, (v) => Math.max(0, Math.exp(v) - LOG_FLOOR));
  return griffinLim(mags, PCA_FFT, PCA_HOP, x.length, iterations);
}

/** A note the synthesizer's ceiling is fitted to: its samples and its measured conditions. */
export interface CeilingNote {
  samples: Float32Array;
  f0Hz: number;
  loudnessDb: number;
}

/**
 * The synthesizer's ceiling for a few notes at once: free knobs `[B, F, 1 + K + bands]` (through the
 * decoder's own last step, {@link synthKnobs}, so any setting fitted here a decoder could output),
 * fitted by `steps` Adam steps on the multi-scale spectral distance (all six sizes), then rendered.
 * Returns one sound per note and the per-step mean distances. Leaves no tensors; `signal` stops it
 * between steps.
 */
export async function fitSynthCeiling(
  synth: HarmonicNoiseSynth,
  notes: readonly CeilingNote[],
  options: { steps: number; learningRate?: number; signal?: AbortSignal },
): Promise<{ audio: Float32Array[]; curve: number[] }> {
  if (notes.length === 0) return { audio: [], curve: [] };
  if (!Number.isInteger(options.steps) || options.steps < 1) throw new InvalidInputError(`The ceiling needs at least one step; got ${options.steps}.`);
  const wrong = notes.find((n) => n.samples.length !== NOTE_SAMPLES);
  if (wrong) throw new InvalidInputError(`The ceiling fits notes of ${NOTE_SAMPLES} samples; got one of ${wrong.samples.length}.`);
  const K = synth.spec.harmonics;
  const nb = synth.spec.noiseBands;
  const f0 = notes.map((n) => n.f0Hz);
  const targets = notes.map((n) => spectralTarget(n.samples));
  const start = tf.zeros([notes.length, FRAMES, 1 + K + nb]);
  const knobs = tf.variable(start) as tf.Variable<tf.Rank.R3>;
  start.dispose();
  const masks = synth.masksTensor(f0);
  const gains = gainTensor(notes.map((n) => n.loudnessDb));
  const optimizer = tf.train.adam(options.learningRate ?? 0.05);
  const render = (): tf.Tensor2D => {
    const { harmonics, noise } = synthKnobs(knobs, masks, gains, K, nb);
    return synth.render(harmonics, noise, f0);
  };
  const curve: number[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      if (options.signal?.aborted) throw new DOMException('The ceiling fit was stopped.', 'AbortError');
      const cost = optimizer.minimize(() => tf.mean(spectralLossTensor(render(), targets)) as tf.Scalar, true, [knobs]);
      if (cost) {
        curve.push((await cost.data())[0] ?? NaN);
        cost.dispose();
      }
    }
    const y = tf.tidy(render);
    const flat = await y.data();
    y.dispose();
    return { audio: notes.map((_, i) => Float32Array.from(flat.subarray(i * NOTE_SAMPLES, (i + 1) * NOTE_SAMPLES))), curve };
  } finally {
    tf.dispose([knobs, masks, gains]);
    optimizer.dispose();
  }
}

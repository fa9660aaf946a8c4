/**
 * Short-time spectra (STFT magnitudes) with `fft.js` (MIT, a small radix-4 FFT that has been stable
 * for years): the sound cut into overlapping Hann-windowed frames, each turned into the strength of
 * every frequency. Pure JS over Float32Array, no TF.js, so it runs in a worker next to the model.
 */
import FFT from 'fft.js';
import { InvalidInputError } from '../core/errors';

export interface Spectrogram {
  /** Magnitudes, row-major `[numFrames × bins]`, bins = size / 2 + 1 (0 Hz … Nyquist). */
  magnitudes: Float32Array;
  numFrames: number;
  bins: number;
  /** FFT size and hop in samples, and the sample rate (bin k is k·sampleRate/size Hz). */
  size: number;
  hop: number;
  sampleRate: number;
  /** Time in seconds of frame i's centre is i·hop/sampleRate (frames are centred, zero-padded at the edges). */
}

/**
 * STFT magnitudes of mono `samples`.
 * @param size FFT size, a power of two ≥ 16 (default 1024: 46 ms at 22,050 Hz).
 * @param hop samples between frames (default 128: 5.8 ms at 22,050 Hz).
 */
export function spectrogram(samples: Float32Array, sampleRate: number, size = 1024, hop = 128): Spectrogram {
  if (!Number.isInteger(size) || size < 16 || (size & (size - 1)) !== 0) throw new InvalidInputError(`The FFT size must be a power of two ≥ 16; got ${size}.`);
  if (!Number.isInteger(hop) || hop < 1) throw new InvalidInputError(`The hop must be a whole number of samples ≥ 1; got ${hop}.`);
  const bins = size / 2 + 1;
  const numFrames = Math.max(1, Math.ceil(samples.length / hop));
  const magnitudes = new Float32Array(numFrames * bins);
  const out = new Float64Array(2 * size);
  for (let f = 0; f < numFrames; f++) {
    centredSpectrum(samples, f * hop, size, out);
    const base = f * bins;
    for (let b = 0; b < bins; b++) magnitudes[base + b] = Math.hypot(out[2 * b] as number, out[2 * b + 1] as number);
  }
  return { magnitudes, numFrames, bins, size, hop, sampleRate };
}

/** Per FFT size: the transform, its Hann window and a frame buffer, made once. */
const transforms = new Map<number, { fft: FFT; window: Float64Array; frame: Float64Array }>();

/**
 * The complex spectrum (interleaved re, im; bins 0 … size/2 of `2·size` numbers) of the
 * Hann-windowed frame of `samples` centred at sample `centre` (zero outside the samples) — one
 * frame of {@link spectrogram}, magnitudes and phases both. Writes into `out` when given.
 */
export function centredSpectrum(samples: Float32Array, centre: number, size: number, out = new Float64Array(2 * size)): Float64Array {
  let t = transforms.get(size);
  if (!t) {
    t = {
      fft: new FFT(size),
      window: Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size)),
      frame: new Float64Array(size),
    };
    transforms.set(size, t);
  }
  const { fft, window, frame } = t;
  for (let i = 0; i < size; i++) {
    const k = centre - size / 2 + i;
    frame[i] = k >= 0 && k < samples.length ? (samples[k] as number) * (window[i] as number) : 0;
  }
  fft.realTransform(out, frame);
  return out;
}

/** The bin index of `hz` (rounded, clamped to the spectrum). */
export function binOf(spec: Pick<Spectrogram, 'size' | 'sampleRate' | 'bins'>, hz: number): number {
  return Math.max(0, Math.min(spec.bins - 1, Math.round((hz * spec.size) / spec.sampleRate)));
}

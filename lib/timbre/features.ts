/**
 * What the encoder sees of a note: per frame of the model's grid (128 frames, 10 ms apart), the
 * log-mel spectrum (64 bands, how the ear groups frequencies) and the log-magnitudes of the first 32
 * partials at the note's f0 (the same "shape" for the same instrument at any pitch, which helps the
 * code hold timbre rather than pitch). Computed once per note for training (the dataset's feature
 * cache) and in `encode` for new sounds, by this one function.
 */
import { InvalidInputError } from '../core/errors';
import { melFilterbank, stftMagnitude } from './dsp';
import { FRAMES, HOP, NOTE_SAMPLES, SAMPLE_RATE } from './spec';

/** FFT size of the feature spectrogram (64 ms). */
export const FEATURE_FFT = 1024;
export const MEL_BANDS = 64;
export const PARTIALS = 32;
/** Features per frame: mel bands then partials. */
export const FEATURE_DIMS = MEL_BANDS + PARTIALS;

const MEL_FLOOR = 1e-8;
const PARTIAL_FLOOR = 1e-4;

/**
 * Features `[FRAMES × FEATURE_DIMS]` (frame-major) of a note of {@link NOTE_SAMPLES} samples at
 * 16 kHz whose fundamental is `f0Hz`: ln(mel power + 1e-8) for 64 bands (30 Hz – 8 kHz), then
 * ln(magnitude + 1e-4) at partials 1…32 (linear interpolation between bins; partials above
 * 7.9 kHz get the floor). Frames are centred every 160 samples.
 */
export function noteFeatures(audio: ArrayLike<number>, f0Hz: number): Float32Array {
  if (audio.length !== NOTE_SAMPLES) throw new InvalidInputError(`noteFeatures needs ${NOTE_SAMPLES} samples; got ${audio.length}.`);
  if (!(f0Hz > 0)) throw new InvalidInputError(`noteFeatures needs a positive f0; got ${f0Hz}.`);
  const s = stftMagnitude(audio, FEATURE_FFT, HOP, 'center');
  const bank = melFilterbank(FEATURE_FFT, MEL_BANDS);
  const bins = s.bins;
  const binHz = SAMPLE_RATE / FEATURE_FFT;
  const out = new Float32Array(FRAMES * FEATURE_DIMS);
  for (let f = 0; f < FRAMES; f++) {
    const row = f * bins;
    for (let b = 0; b < MEL_BANDS; b++) {
      let p = 0;
      const w = b * bins;
      for (let k = 0; k < bins; k++) {
        const g = bank[w + k] ?? 0;
        if (g > 0) p += g * (s.data[row + k] ?? 0) ** 2;
      }
      out[f * FEATURE_DIMS + b] = Math.log(p + MEL_FLOOR);
    }
    for (let h = 1; h <= PARTIALS; h++) {
      const pos = (h * f0Hz) / binHz;
      let m = 0;
      if (pos < bins - 2) {
        const k = Math.floor(pos);
        const t = pos - k;
        m = (1 - t) * (s.data[row + k] ?? 0) + t * (s.data[row + k + 1] ?? 0);
      }
      out[f * FEATURE_DIMS + MEL_BANDS + h - 1] = Math.log(m + PARTIAL_FLOOR);
    }
  }
  return out;
}

/**
 * Sample-rate conversion with a Kaiser-windowed sinc (band-limited interpolation).
 *
 * In a learner's words: to know the sound *between* two samples we add up the neighbouring samples,
 * each weighted by a sinc curve centred on the wanted instant — the one curve that rebuilds a
 * band-limited signal exactly. Going down in rate we first narrow the sinc so nothing above the new
 * Nyquist frequency (half the new rate) survives to fold back as aliasing. A Kaiser window makes the
 * infinite sinc finite (here ±{@link ZERO_CROSSINGS} zero crossings).
 *
 * Polyphase: for rates in a simple ratio (44.1 → 22.05 kHz is 2:1, 48 → 22.05 kHz is 320:147) the
 * output instants fall on a few fractional positions between input samples, so each position's taps
 * are computed once. Each set of taps is normalised to sum to 1 (exact DC gain).
 *
 * Why not a library: the maintained option (libsamplerate-js) is a WASM module with async setup,
 * awkward inside a Web Worker bundle; this is ~100 lines, pure, synchronous and tested against sines
 * (pass-band gain, alias rejection, timing) in resample.test.ts.
 */
import { InvalidInputError } from '../core/errors';
import { checkSampleRate, MODEL_SAMPLE_RATE, type PcmAudio } from './pcm';

/** Zero crossings of the sinc on each side (more = steeper filter, more work). */
export const ZERO_CROSSINGS = 24;
/** Pass band edge as a fraction of the lower Nyquist frequency (0.95 → flat to ~10.5 kHz at 22.05 kHz). */
export const ROLLOFF = 0.95;
/** Kaiser β: 8.6 gives about −90 dB side lobes. */
const KAISER_BETA = 8.6;
/** At most this many distinct fractional positions are tabulated; beyond, neighbouring ones are blended. */
const MAX_PHASES = 4096;

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for x < 30). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Converts `samples` from `fromRate` to `toRate` (Hz, whole numbers).
 * @param samples mono PCM, not changed.
 * @returns a new Float32Array of `ceil(samples.length × toRate / fromRate)` samples; output sample n
 *   is the input's sound at time n / toRate seconds (no delay is added).
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new InvalidInputError(`Sample rates must be positive whole numbers of Hz; got ${fromRate} → ${toRate}.`);
  }
  if (fromRate === toRate) return Float32Array.from(samples);
  const g = gcd(fromRate, toRate);
  const p = fromRate / g; // input samples advanced per `q` output samples
  const q = toRate / g;
  const outLength = Math.ceil((samples.length * q) / p);
  const out = new Float32Array(outLength);
  if (samples.length === 0) return out;
  // Cutoff in cycles per input sample ×2 (1 = input Nyquist): the lower of the two Nyquists.
  const fc = Math.min(1, toRate / fromRate) * ROLLOFF;
  const halfWidth = Math.ceil(ZERO_CROSSINGS / fc); // input samples on each side
  const taps = 2 * halfWidth;
  const phases = Math.min(q, MAX_PHASES);
  const exact = phases === q;
  // table[k][j]: weight of input sample (i0 − halfWidth + 1 + j) for an output at i0 + k / phases.
  const table = new Float32Array((phases + 1) * taps);
  const i0Beta = besselI0(KAISER_BETA);
  for (let k = 0; k <= phases; k++) {
    const frac = k / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const x = j - halfWidth + 1 - frac; // distance in input samples
      const r = x / halfWidth;
      const window = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
      const arg = Math.PI * fc * x;
      const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
      const w = fc * sinc * window;
      table[k * taps + j] = w;
      sum += w;
    }
    for (let j = 0; j < taps; j++) table[k * taps + j] = (table[k * taps + j] ?? 0) / sum;
  }
  const n = samples.length;
  for (let m = 0; m < outLength; m++) {
    // Output m sits at input position m·p/q = i0 + rem/q.
    const num = m * p;
    const i0 = Math.floor(num / q);
    const rem = num - i0 * q;
    const first = i0 - halfWidth + 1;
    let acc = 0;
    if (exact) {
      const base = rem * taps;
      const jStart = Math.max(0, -first);
      const jEnd = Math.min(taps, n - first);
      for (let j = jStart; j < jEnd; j++) acc += (samples[first + j] as number) * (table[base + j] as number);
    } else {
      const pos = (rem / q) * phases;
      const k = Math.floor(pos);
      const a = pos - k;
      const b0 = k * taps;
      const b1 = (k + 1) * taps;
      const jStart = Math.max(0, -first);
      const jEnd = Math.min(taps, n - first);
      for (let j = jStart; j < jEnd; j++) {
        const w = (1 - a) * (table[b0 + j] as number) + a * (table[b1 + j] as number);
        acc += (samples[first + j] as number) * w;
      }
    }
    out[m] = acc;
  }
  return out;
}

/**
 * The audio as the transcription model hears it: mono at {@link MODEL_SAMPLE_RATE} (22,050 Hz).
 * Returns a new PcmAudio (a copy even when already at that rate).
 */
export function toModelRate(audio: PcmAudio): PcmAudio {
  checkSampleRate(audio.sampleRate);
  const rate = Math.round(audio.sampleRate);
  return { samples: resample(audio.samples, rate, MODEL_SAMPLE_RATE), sampleRate: MODEL_SAMPLE_RATE };
}

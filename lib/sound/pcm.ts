/**
 * Plain PCM audio as the rest of lib/sound reads it: one channel of float samples (−1..1) at a
 * known sample rate. No AudioContext, no DOM: this runs in Node, in a page and in a Web Worker.
 *
 * One home for the limits every input (microphone, file, CLI) is checked against.
 */
import { InvalidInputError } from '../core/errors';
import { AudioTooLongError, AudioTooShortError, SilentAudioError } from './errors';

/** Mono audio: `samples` in −1..1 at `sampleRate` samples per second. */
export interface PcmAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** The transcription model (basic-pitch) hears mono audio at this rate, in Hz. */
export const MODEL_SAMPLE_RATE = 22_050;

/**
 * Longest take transcribed: 5 minutes. A microphone take is 1–30 s and a song file a few minutes;
 * 5 minutes take about 30–45 s to transcribe on WASM. Longer files are refused, not cut, so nobody
 * mistakes a part for the whole.
 */
export const MAX_AUDIO_SECONDS = 300;
/** Largest audio file read (a 5-minute 24-bit 96 kHz stereo WAV is ~170 MB; MP3/OGG are far smaller). */
export const MAX_AUDIO_BYTES = 200 * 1024 * 1024;
/** Shortest take that can hold a note: a quarter of a second. */
export const MIN_AUDIO_SECONDS = 0.25;
/** Sample rates accepted from decoders and microphones, in Hz. */
export const SAMPLE_RATE_RANGE = { min: 8_000, max: 192_000 } as const;
/**
 * A take whose loudest sample is below this (in dBFS) is silence: −50 dBFS is about the noise floor
 * of a laptop microphone in a quiet room; a hummed note sits around −30 to −10 dBFS.
 */
export const SILENCE_PEAK_DB = -50;

/** Checks a sample rate (a positive finite number of Hz within {@link SAMPLE_RATE_RANGE}). */
export function checkSampleRate(sampleRate: number, what = 'The audio'): void {
  if (!Number.isFinite(sampleRate) || sampleRate < SAMPLE_RATE_RANGE.min || sampleRate > SAMPLE_RATE_RANGE.max) {
    throw new InvalidInputError(
      `${what} has a sample rate of ${sampleRate} Hz; expected ${SAMPLE_RATE_RANGE.min}–${SAMPLE_RATE_RANGE.max} Hz. Export it again at 44.1 or 48 kHz.`,
    );
  }
}

/** Duration of `audio` in seconds. */
export function durationSeconds(audio: PcmAudio): number {
  return audio.samples.length / audio.sampleRate;
}

/**
 * Mixes channels to one by averaging them (the usual "sum to mono" at −6 dB per channel, so a
 * full-scale stereo file stays within −1..1). Channels must be equally long.
 * @returns a new Float32Array; the inputs are not changed.
 */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) throw new InvalidInputError('Audio needs at least one channel; got none.');
  if (channels.length === 1) return Float32Array.from(first);
  const out = new Float32Array(first.length);
  for (const c of channels) {
    if (c.length !== first.length) throw new InvalidInputError(`Channels differ in length (${first.length} and ${c.length} samples).`);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (c[i] ?? 0);
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}

/** Peak level in dBFS (0 = full scale; −Infinity for digital silence). NaN samples count as 0. */
export function peakDb(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = Math.abs(samples[i] ?? 0);
    if (v > peak) peak = v;
  }
  return 20 * Math.log10(peak);
}

/** RMS level in dBFS over the whole buffer (−Infinity for digital silence). */
export function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] ?? 0) ** 2;
  return 10 * Math.log10(sum / Math.max(1, samples.length));
}

/**
 * The checks every take goes through before analysis: a usable sample rate, finite samples,
 * not shorter than {@link MIN_AUDIO_SECONDS}, not longer than {@link MAX_AUDIO_SECONDS}
 * (or `maxSeconds`), not silent. NaN/±Infinity samples (a broken recording) are refused.
 * @param name how to call the take in messages, e.g. the file name or "The recording".
 */
export function assertUsableAudio(audio: PcmAudio, name = 'The recording', maxSeconds = MAX_AUDIO_SECONDS): void {
  checkSampleRate(audio.sampleRate, name);
  const seconds = durationSeconds(audio);
  if (seconds > maxSeconds) {
    throw new AudioTooLongError(
      `${name} is ${formatDuration(seconds)} long; transcription takes up to ${formatDuration(maxSeconds)}. Cut the part you want and try again.`,
      seconds,
      maxSeconds,
    );
  }
  if (seconds < MIN_AUDIO_SECONDS) {
    throw new AudioTooShortError(`${name} is ${(seconds * 1000).toFixed(0)} ms long; a take needs at least ${MIN_AUDIO_SECONDS * 1000} ms of sound.`);
  }
  for (let i = 0; i < audio.samples.length; i++) {
    if (!Number.isFinite(audio.samples[i]))
      throw new InvalidInputError(`${name} holds an invalid sample (${audio.samples[i]}) at ${(i / audio.sampleRate).toFixed(3)} s.`);
  }
  const peak = peakDb(audio.samples);
  if (peak < SILENCE_PEAK_DB) {
    throw new SilentAudioError(
      `${name} is silent: its loudest moment is ${Number.isFinite(peak) ? peak.toFixed(0) + ' dBFS' : 'digital silence'}, ` +
        `below ${SILENCE_PEAK_DB} dBFS. Check the microphone (is it muted, or the wrong one?) and sing or play closer to it.`,
      peak,
    );
  }
}

/** "1:05" style durations for messages ("20:00", "0:30"); under 10 s with a decimal ("4.2 s"). */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}${s < 60 ? ' s' : ''}`.replace(/^0:(\d\d) s$/, '$1 s');
}

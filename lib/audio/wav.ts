/**
 * WAV files by hand: a 44-byte RIFF header followed by interleaved 16-bit PCM samples.
 * (About 30 lines, so no dependency: `wavefile` would add a larger bundle for the same header.)
 * Pure and Tone-free, so it runs in Node and in the browser.
 */
import { InvalidInputError } from '../core/errors';

/** Bytes in the canonical PCM WAV header written by {@link encodeWav}. */
export const WAV_HEADER_BYTES = 44;

/**
 * Encodes audio as a 16-bit PCM WAV file (little-endian, channels interleaved).
 *
 * @param channels one Float32Array per channel (1 = mono, 2 = stereo), all the same length;
 *   samples are −1..1 and anything beyond is clipped to full scale. NaN becomes 0.
 * @param sampleRate samples per second per channel, e.g. 44100.
 * @returns the complete file's bytes (a new array; the caller owns it, e.g. wrap it in a Blob).
 * @throws InvalidInputError on no channels, unequal lengths, or a bad sample rate.
 */
export function encodeWav(channels: readonly Float32Array[], sampleRate: number): Uint8Array {
  const numChannels = channels.length;
  if (numChannels < 1 || numChannels > 8) {
    throw new InvalidInputError(`A WAV file needs 1–8 channels; got ${numChannels}.`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 768_000) {
    throw new InvalidInputError(`The sample rate must be a whole number of Hz, 1–768000; got ${sampleRate}.`);
  }
  const frames = channels[0]?.length ?? 0;
  channels.forEach((c, i) => {
    if (c.length !== frames) {
      throw new InvalidInputError(`All channels must have the same length; channel 0 has ${frames} samples, channel ${i} has ${c.length}.`);
    }
  });
  const blockAlign = numChannels * 2;
  const dataBytes = frames * blockAlign;
  const bytes = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, numChannels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true); // byte rate
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  let offset = WAV_HEADER_BYTES;
  for (let f = 0; f < frames; f++) {
    for (const channel of channels) {
      view.setInt16(offset, floatToInt16(channel[f] ?? 0), true);
      offset += 2;
    }
  }
  return bytes;
}

/**
 * One float sample (−1..1) → a 16-bit integer. Negative values scale by 32768 and positive by
 * 32767, so −1 and 1 both reach full scale; values beyond are clipped; NaN becomes 0.
 */
export function floatToInt16(sample: number): number {
  if (Number.isNaN(sample)) return 0;
  const s = Math.max(-1, Math.min(1, sample));
  return s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
}

/**
 * Loudness of some audio: `peak` is the largest absolute sample (1 = full scale; above 1 would
 * clip in a WAV), `rms` the root mean square over every sample of every channel (a measure of
 * average loudness; 0 for silence or no samples).
 */
export function audioStats(channels: readonly Float32Array[]): { peak: number; rms: number } {
  let peak = 0;
  let sumSquares = 0;
  let count = 0;
  for (const channel of channels) {
    for (let i = 0; i < channel.length; i++) {
      const v = channel[i] ?? 0;
      const a = Math.abs(v);
      if (a > peak) peak = a;
      sumSquares += v * v;
    }
    count += channel.length;
  }
  return { peak, rms: count === 0 ? 0 : Math.sqrt(sumSquares / count) };
}

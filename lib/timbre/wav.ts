/**
 * Reading WAV files (RIFF/WAVE): PCM 8/16/24/32-bit and IEEE float 32/64, any channel count,
 * WAVE_FORMAT_EXTENSIBLE too; unknown chunks are skipped. Writing reuses lib/audio/wav's 16-bit
 * encoder. Pure, so it runs in Node and in the browser; every failure is an {@link AudioFileError}
 * that says what was found and what is accepted.
 */
import { encodeWav } from '../audio/wav';
import { AudioFileError } from './errors';

/** Decoded audio: one Float32Array per channel, samples −1..1. */
export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
}

const ACCEPTED = 'Latent Lab reads WAV files with PCM (8, 16, 24 or 32-bit) or float (32 or 64-bit) samples';

function ascii(view: DataView, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length && offset + i < view.byteLength; i++) s += String.fromCharCode(view.getUint8(offset + i));
  return s;
}

/**
 * Decodes a WAV file's bytes. `name` is used in messages only.
 * @throws {AudioFileError} when the bytes are not a WAV file, or an encoding it does not read.
 */
export function decodeWav(bytes: Uint8Array, name = 'the file'): DecodedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || ascii(view, 0, 4) !== 'RIFF' || ascii(view, 8, 4) !== 'WAVE') {
    const start = ascii(view, 0, 4).replace(/[^\x20-\x7e]/g, '?');
    throw new AudioFileError(
      `${name} is not a WAV file: it starts with "${start}" (${bytes.byteLength} bytes), not "RIFF…WAVE". ${ACCEPTED}; convert other formats first (e.g. sox in.mp3 out.wav).`,
    );
  }
  let format: { tag: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | undefined;
  let data: { offset: number; length: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = ascii(view, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw new AudioFileError(`${name} has a truncated "fmt " chunk (${size} bytes, at least 16 expected).`);
      let tag = view.getUint16(body, true);
      if (tag === 0xfffe && size >= 40) tag = view.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE: the sub-format's first 2 bytes
      format = {
        tag,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      // Streams that did not know their length write 0 or 0xFFFFFFFF: take what is there.
      const available = bytes.byteLength - body;
      data = { offset: body, length: size === 0 || size > available ? available : size };
      if (format) break;
    }
    offset = body + size + (size % 2);
  }
  if (!format) throw new AudioFileError(`${name} is a RIFF/WAVE file without a "fmt " chunk; it is damaged.`);
  if (!data) throw new AudioFileError(`${name} has no "data" chunk: it holds no audio (or was cut off before it).`);
  const { tag, channels, sampleRate, bits } = format;
  const isFloat = tag === 3;
  if (!(tag === 1 || isFloat) || (isFloat && bits !== 32 && bits !== 64) || (!isFloat && ![8, 16, 24, 32].includes(bits))) {
    throw new AudioFileError(`${name} uses WAV format tag ${tag} with ${bits}-bit samples. ${ACCEPTED}; re-save it as 16-bit PCM.`);
  }
  if (channels < 1 || channels > 32) throw new AudioFileError(`${name} says it has ${channels} channels; expected 1 to 32.`);
  if (sampleRate < 1000 || sampleRate > 768_000) throw new AudioFileError(`${name} says its sample rate is ${sampleRate} Hz; expected 1 000 – 768 000 Hz.`);
  const bytesPer = bits / 8;
  const frame = bytesPer * channels;
  const frames = Math.floor(data.length / frame);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  let p = data.offset;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      let v: number;
      if (isFloat) v = bits === 32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
      else if (bits === 8) v = (view.getUint8(p) - 128) / 128;
      else if (bits === 16) v = view.getInt16(p, true) / 32768;
      else if (bits === 24) v = ((view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16)) >> 0) / 8388608;
      else v = view.getInt32(p, true) / 2147483648;
      (out[c] as Float32Array)[f] = Number.isFinite(v) ? v : 0;
      p += bytesPer;
    }
  }
  return { sampleRate, channels: out };
}

/** A mono 16-bit WAV file of `samples` (−1..1) at `sampleRate`. */
export function encodeMonoWav(samples: Float32Array, sampleRate: number): Uint8Array {
  return encodeWav([samples], sampleRate);
}

/** The channels averaged into one (a new array). */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  const n = channels[0]?.length ?? 0;
  const out = new Float32Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) out[i] = (out[i] ?? 0) + (c[i] ?? 0) / channels.length;
  return out;
}

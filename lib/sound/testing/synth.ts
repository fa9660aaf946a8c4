/**
 * Test audio made from scratch, so lib/sound's tests need no soundfont, no recording and no data
 * folder: additive tones with harmonics and vibrato, white noise at a chosen SNR, drum-like hits,
 * and a small WAV writer (8/16/24/32-bit integer, 32/64-bit float, WAVE_FORMAT_EXTENSIBLE, extra chunks)
 * for the decoder tests.
 */
import { createRng, type Rng } from '../../core/random';

export interface SynthNote {
  /** MIDI pitch (69 = A4 = 440 Hz). */
  pitch: number;
  /** Start and end in seconds. */
  start: number;
  end: number;
  /** Peak amplitude (default 0.3). */
  amplitude?: number;
}

export interface ToneOptions {
  /** Relative amplitude of harmonics 1, 2, 3, … (default a voice-like 1, 0.5, 0.35, 0.25, 0.15, 0.1). */
  harmonics?: readonly number[];
  /** Vibrato depth in semitones (peak) and rate in Hz (default none). */
  vibratoSemitones?: number;
  vibratoHz?: number;
  /** Attack and release in seconds (default 15 ms and 40 ms). */
  attack?: number;
  release?: number;
}

export const VOICE_HARMONICS = [1, 0.5, 0.35, 0.25, 0.15, 0.1] as const;

export function midiToHz(pitch: number): number {
  return 440 * 2 ** ((pitch - 69) / 12);
}

/** Renders notes (may overlap) into a new buffer of `seconds` at `sampleRate`. */
export function renderNotes(notes: readonly SynthNote[], seconds: number, sampleRate: number, options: ToneOptions = {}): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const harmonics = options.harmonics ?? VOICE_HARMONICS;
  const attack = options.attack ?? 0.015;
  const release = options.release ?? 0.04;
  const depth = options.vibratoSemitones ?? 0;
  const rate = options.vibratoHz ?? 5.5;
  for (const note of notes) {
    const f0 = midiToHz(note.pitch);
    const amp = note.amplitude ?? 0.3;
    const norm = harmonics.reduce((a, b) => a + b, 0);
    const i0 = Math.max(0, Math.round(note.start * sampleRate));
    const i1 = Math.min(out.length, Math.round((note.end + release) * sampleRate));
    const phases = new Float64Array(harmonics.length);
    for (let i = i0; i < i1; i++) {
      const t = i / sampleRate - note.start;
      const held = note.end - note.start;
      const env = t < attack ? t / attack : t < held ? 1 : Math.max(0, 1 - (t - held) / release);
      const f = f0 * 2 ** ((depth * Math.sin(2 * Math.PI * rate * t)) / 12);
      let v = 0;
      for (let h = 0; h < harmonics.length; h++) {
        const fh = f * (h + 1);
        if (fh >= sampleRate / 2) break;
        phases[h] = (phases[h] ?? 0) + (2 * Math.PI * fh) / sampleRate;
        v += (harmonics[h] ?? 0) * Math.sin(phases[h] ?? 0);
      }
      out[i] = (out[i] ?? 0) + (amp * env * v) / norm;
    }
  }
  return out;
}

/** Uniform white noise in −amp..amp. */
export function whiteNoise(length: number, amp: number, rng: Rng): Float32Array {
  return Float32Array.from({ length }, () => (rng.next() * 2 - 1) * amp);
}

/** `signal` plus white noise scaled to `snrDb` below the signal's RMS (a new buffer). */
export function addNoise(signal: Float32Array, snrDb: number, seed = 1): Float32Array {
  let power = 0;
  for (const v of signal) power += v * v;
  power /= Math.max(1, signal.length);
  const noiseRms = Math.sqrt(power / 10 ** (snrDb / 10));
  const rng = createRng(seed);
  // Uniform noise in ±a has RMS a/√3.
  const a = noiseRms * Math.sqrt(3);
  return Float32Array.from(signal, (v) => v + (rng.next() * 2 - 1) * a);
}

export type DrumSound = 'kick' | 'snare' | 'hat';

/** One-pole high-pass (cutoff Hz) in place. */
function highPass(x: Float32Array, cutoff: number, sampleRate: number): void {
  const rc = 1 / (2 * Math.PI * cutoff);
  const a = rc / (rc + 1 / sampleRate);
  let prevX = 0;
  let prevY = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] ?? 0;
    const y = a * (prevY + xi - prevX);
    prevX = xi;
    prevY = y;
    x[i] = y;
  }
}

/**
 * A drum-like hit: kick = a sine sweeping 160 → 50 Hz with a 250 ms decay; snare = a 190 Hz body
 * plus noise above ~1 kHz, 150 ms; hat = noise above ~7 kHz, 60 ms. Different seeds vary the noise
 * and (slightly) the tuning, like different hits of one kit.
 */
export function drumHit(sound: DrumSound, sampleRate: number, seed = 1, amplitude = 0.6): Float32Array {
  const rng = createRng(seed);
  const detune = 1 + (rng.next() - 0.5) * 0.2;
  const length = Math.round((sound === 'kick' ? 0.4 : sound === 'snare' ? 0.25 : 0.12) * sampleRate);
  const out = new Float32Array(length);
  if (sound === 'kick') {
    let phase = 0;
    for (let i = 0; i < length; i++) {
      const t = i / sampleRate;
      const f = (50 + 110 * Math.exp(-t / 0.04)) * detune;
      phase += (2 * Math.PI * f) / sampleRate;
      out[i] = Math.sin(phase) * Math.exp(-t / 0.12) * Math.min(1, t / 0.002);
    }
  } else if (sound === 'snare') {
    const noise = whiteNoise(length, 1, rng);
    highPass(noise, 700 + rng.next() * 1300, sampleRate);
    let phase = 0;
    for (let i = 0; i < length; i++) {
      const t = i / sampleRate;
      phase += (2 * Math.PI * 190 * detune) / sampleRate;
      out[i] = (0.45 * Math.sin(phase) * Math.exp(-t / 0.05) + 0.9 * (noise[i] ?? 0) * Math.exp(-t / 0.06)) * Math.min(1, t / 0.001);
    }
  } else {
    const noise = whiteNoise(length, 1, rng);
    highPass(noise, 7000, sampleRate);
    highPass(noise, 7000, sampleRate);
    for (let i = 0; i < length; i++) {
      const t = i / sampleRate;
      out[i] = 1.6 * (noise[i] ?? 0) * Math.exp(-t / 0.02) * Math.min(1, t / 0.0005);
    }
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  const fade = Math.round(0.02 * sampleRate); // no click at the end
  for (let i = 0; i < length; i++) out[i] = ((out[i] ?? 0) / peak) * amplitude * Math.min(1, (length - i) / fade);
  return out;
}

/** Adds `hit` into `buffer` starting at `seconds` (in place). */
export function mixAt(buffer: Float32Array, hit: Float32Array, seconds: number, sampleRate: number): void {
  const start = Math.round(seconds * sampleRate);
  for (let i = 0; i < hit.length && start + i < buffer.length; i++) if (start + i >= 0) buffer[start + i] = (buffer[start + i] ?? 0) + (hit[i] ?? 0);
}

/** How {@link encodeTestWav} lays out the file beyond its samples. */
export interface TestWavLayout {
  /** Write the format as WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE, a 40-byte "fmt " with the real tag in its sub-format). */
  extensible?: boolean;
  /** The format tag to write instead of 1 (PCM) or 3 (float), e.g. 0x55 for MP3-in-WAV. */
  tag?: number;
  /** Chunks (filled with zeros, padded to even size as RIFF asks) written before "fmt ". */
  chunksBefore?: readonly { id: string; size: number }[];
}

/**
 * A WAV file of `channels` (planar, equal lengths) as `bits`-bit integer PCM (8/16/24/32) or float
 * (`float: true`, 32 or 64-bit). Minimal on purpose: tests use it to feed the decoder.
 */
export function encodeTestWav(
  channels: readonly Float32Array[],
  sampleRate: number,
  bits: 8 | 16 | 24 | 32 | 64 = 16,
  float = false,
  layout: TestWavLayout = {},
): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const bytesPer = bits / 8;
  const dataBytes = frames * channels.length * bytesPer;
  const before = (layout.chunksBefore ?? []).reduce((n, c) => n + 8 + c.size + (c.size % 2), 0);
  const fmtBytes = layout.extensible ? 40 : 16;
  const out = new Uint8Array(12 + before + 8 + fmtBytes + 8 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (o: number, s: string): void => [...s].forEach((c, i) => view.setUint8(o + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, out.length - 8, true);
  ascii(8, 'WAVE');
  let o = 12;
  for (const c of layout.chunksBefore ?? []) {
    ascii(o, c.id);
    view.setUint32(o + 4, c.size, true);
    o += 8 + c.size + (c.size % 2);
  }
  const tag = layout.tag ?? (float ? 3 : 1);
  ascii(o, 'fmt ');
  view.setUint32(o + 4, fmtBytes, true);
  view.setUint16(o + 8, layout.extensible ? 0xfffe : tag, true);
  view.setUint16(o + 10, channels.length, true);
  view.setUint32(o + 12, sampleRate, true);
  view.setUint32(o + 16, sampleRate * channels.length * bytesPer, true);
  view.setUint16(o + 20, channels.length * bytesPer, true);
  view.setUint16(o + 22, bits, true);
  if (layout.extensible) {
    view.setUint16(o + 24, 22, true); // cbSize
    view.setUint16(o + 26, bits, true); // valid bits
    view.setUint16(o + 32, tag, true); // the sub-format GUID starts with the real tag
  }
  o += 8 + fmtBytes;
  ascii(o, 'data');
  view.setUint32(o + 4, dataBytes, true);
  o += 8;
  for (let f = 0; f < frames; f++) {
    for (const c of channels) {
      const v = Math.max(-1, Math.min(1, c[f] ?? 0));
      if (float && bits === 64) view.setFloat64(o, v, true);
      else if (float) view.setFloat32(o, v, true);
      else if (bits === 8) view.setUint8(o, Math.round(v * 127) + 128);
      else if (bits === 16) view.setInt16(o, Math.round(v * 32767), true);
      else if (bits === 24) {
        const n = Math.round(v * 8388607);
        view.setUint8(o, n & 0xff);
        view.setUint8(o + 1, (n >> 8) & 0xff);
        view.setUint8(o + 2, (n >> 16) & 0xff);
      } else view.setInt32(o, Math.round(v * 2147483647), true);
      o += bytesPer;
    }
  }
  return out;
}

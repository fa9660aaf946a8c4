import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { audioStats, encodeWav, floatToInt16, WAV_HEADER_BYTES } from './wav';

function text(bytes: Uint8Array, from: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(from, from + length));
}

describe('encodeWav', () => {
  it('writes a canonical 16-bit PCM header', () => {
    const left = new Float32Array(10);
    const right = new Float32Array(10);
    const wav = encodeWav([left, right], 44100);
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    expect(wav.byteLength).toBe(WAV_HEADER_BYTES + 10 * 2 * 2);
    expect(text(wav, 0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(wav.byteLength - 8);
    expect(text(wav, 8, 4)).toBe('WAVE');
    expect(text(wav, 12, 4)).toBe('fmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(2); // channels
    expect(view.getUint32(24, true)).toBe(44100);
    expect(view.getUint32(28, true)).toBe(44100 * 4); // byte rate
    expect(view.getUint16(32, true)).toBe(4); // block align
    expect(view.getUint16(34, true)).toBe(16); // bits
    expect(text(wav, 36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(40);
  });

  it('interleaves channels and round-trips sample values within one 16-bit step', () => {
    const left = Float32Array.from([0, 0.5, -0.5, 0.25, -1]);
    const right = Float32Array.from([1, -0.25, 0.125, 0, 0.999]);
    const wav = encodeWav([left, right], 22050);
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    const read = (frame: number, ch: number): number => view.getInt16(WAV_HEADER_BYTES + (frame * 2 + ch) * 2, true);
    expect([0, 1, 2, 3, 4].map((f) => read(f, 0))).toEqual([0, 16384, -16384, 8192, -32768]);
    expect([0, 1, 2, 3, 4].map((f) => read(f, 1))).toEqual([32767, -8192, 4096, 0, 32734]);
    for (let f = 0; f < 5; f++) {
      expect(read(f, 0) / 32768).toBeCloseTo(left[f]!, 4);
      expect(read(f, 1) / 32768).toBeCloseTo(right[f]!, 3);
    }
  });

  it('writes mono files', () => {
    const wav = encodeWav([Float32Array.from([0.1, -0.1, 0.2])], 8000);
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint32(28, true)).toBe(16000);
    expect(view.getUint32(40, true)).toBe(6);
    expect(view.getInt16(44, true)).toBe(Math.round(0.1 * 32767));
  });

  it('clips out-of-range samples to full scale and turns NaN into silence', () => {
    const wav = encodeWav([Float32Array.from([2, -3, Number.NaN, Infinity, -Infinity])], 44100);
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    expect([0, 1, 2, 3, 4].map((i) => view.getInt16(WAV_HEADER_BYTES + i * 2, true))).toEqual([32767, -32768, 0, 32767, -32768]);
    expect(floatToInt16(1.0001)).toBe(32767);
    expect(floatToInt16(-1.0001)).toBe(-32768);
  });

  it('handles zero-length audio', () => {
    const wav = encodeWav([new Float32Array(0)], 44100);
    expect(wav.byteLength).toBe(WAV_HEADER_BYTES);
    expect(new DataView(wav.buffer).getUint32(4, true)).toBe(36);
  });

  it('rejects bad input', () => {
    expect(() => encodeWav([], 44100)).toThrow(InvalidInputError);
    expect(() => encodeWav([new Float32Array(3), new Float32Array(4)], 44100)).toThrow(/same length/);
    expect(() => encodeWav([new Float32Array(3)], 0)).toThrow(/sample rate/);
    expect(() => encodeWav([new Float32Array(3)], 44100.5)).toThrow(InvalidInputError);
  });
});

describe('audioStats', () => {
  it('measures peak and RMS over all channels', () => {
    const s = audioStats([Float32Array.from([0.5, -0.5, 0.5, -0.5]), Float32Array.from([0, 0, -0.8, 0])]);
    expect(s.peak).toBeCloseTo(0.8, 6);
    expect(s.rms).toBeCloseTo(Math.sqrt((4 * 0.25 + 0.64) / 8), 6);
  });

  it('gives RMS = amplitude / √2 for a full sine cycle, and zeros for silence', () => {
    const n = 1000;
    const sine = Float32Array.from({ length: n }, (_, i) => 0.6 * Math.sin((2 * Math.PI * i) / n));
    const s = audioStats([sine]);
    expect(s.peak).toBeCloseTo(0.6, 4);
    expect(s.rms).toBeCloseTo(0.6 / Math.SQRT2, 4);
    expect(audioStats([new Float32Array(5)])).toEqual({ peak: 0, rms: 0 });
    expect(audioStats([])).toEqual({ peak: 0, rms: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { encodeWav } from '../audio/wav';
import { AudioFileError } from './errors';
import { resample } from './resample';
import { decodeWav, mixToMono } from './wav';
import { estimatePitch } from './pitch';

/** A WAV file by hand with any format tag, bit depth and extra chunks. */
function wavBytes(opts: {
  tag: number;
  bits: number;
  channels: number;
  rate: number;
  samples: number[];
  extensible?: boolean;
  extraChunk?: boolean;
}): Uint8Array {
  const bytesPer = opts.bits / 8;
  const data = new Uint8Array(opts.samples.length * bytesPer);
  const dv = new DataView(data.buffer);
  opts.samples.forEach((v, i) => {
    const p = i * bytesPer;
    if (opts.tag === 3 && opts.bits === 32) dv.setFloat32(p, v, true);
    else if (opts.tag === 3) dv.setFloat64(p, v, true);
    else if (opts.bits === 8) dv.setUint8(p, Math.round(v * 127 + 128));
    else if (opts.bits === 16) dv.setInt16(p, Math.round(v * 32767), true);
    else if (opts.bits === 24) {
      const s = Math.round(v * 8388607);
      dv.setUint8(p, s & 0xff);
      dv.setUint8(p + 1, (s >> 8) & 0xff);
      dv.setInt8(p + 2, s >> 16);
    } else dv.setInt32(p, Math.round(v * 2147483647), true);
  });
  const fmtSize = opts.extensible ? 40 : 16;
  const extra = opts.extraChunk ? 8 + 4 : 0;
  const out = new Uint8Array(12 + 8 + fmtSize + extra + 8 + data.length);
  const v = new DataView(out.buffer);
  const str = (o: number, s: string): void => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, out.length - 8, true);
  str(8, 'WAVE');
  let o = 12;
  if (opts.extraChunk) {
    str(o, 'LIST');
    v.setUint32(o + 4, 4, true);
    str(o + 8, 'INFO');
    o += 12;
  }
  str(o, 'fmt ');
  v.setUint32(o + 4, fmtSize, true);
  v.setUint16(o + 8, opts.extensible ? 0xfffe : opts.tag, true);
  v.setUint16(o + 10, opts.channels, true);
  v.setUint32(o + 12, opts.rate, true);
  v.setUint32(o + 16, opts.rate * opts.channels * bytesPer, true);
  v.setUint16(o + 20, opts.channels * bytesPer, true);
  v.setUint16(o + 22, opts.bits, true);
  if (opts.extensible) {
    v.setUint16(o + 24, 22, true);
    v.setUint16(o + 32, opts.tag, true);
  }
  o += 8 + fmtSize;
  str(o, 'data');
  v.setUint32(o + 4, data.length, true);
  out.set(data, o + 8);
  return out;
}

describe('decodeWav', () => {
  it('reads our own 16-bit files back', () => {
    const x = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i / 5) * 0.8);
    const d = decodeWav(encodeWav([x, x.map((v) => -v)], 22050));
    expect(d.sampleRate).toBe(22050);
    expect(d.channels).toHaveLength(2);
    d.channels[0]!.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 3));
    expect(mixToMono(d.channels).every((v) => Math.abs(v) < 1e-4)).toBe(true);
  });

  it('reads 8/24/32-bit PCM, float32/64, WAVE_FORMAT_EXTENSIBLE and skips unknown chunks', () => {
    const samples = [0, 0.5, -0.5, 0.25, -0.75, 0.1];
    for (const [tag, bits, tol] of [
      [1, 8, 1e-2],
      [1, 24, 1e-6],
      [1, 32, 1e-8],
      [3, 32, 1e-7],
      [3, 64, 1e-12],
    ] as const) {
      for (const extensible of [false, true]) {
        const d = decodeWav(wavBytes({ tag, bits, channels: 2, rate: 48000, samples, extensible, extraChunk: true }));
        expect(d.channels[0]).toHaveLength(3);
        expect(d.channels[1]![2]).toBeCloseTo(samples[5]!, tol < 1e-3 ? 5 : 1);
        expect(Math.abs(d.channels[0]![1]! - samples[2]!)).toBeLessThan(tol + 1e-7);
      }
    }
  });

  it('refuses non-WAV, damaged and unsupported files with AudioFileError saying why', () => {
    expect(() => decodeWav(new TextEncoder().encode('ID3 an mp3 file, really'), 'song.mp3')).toThrow(/song.mp3 is not a WAV file/);
    expect(() => decodeWav(new Uint8Array(0))).toThrow(AudioFileError);
    const good = wavBytes({ tag: 1, bits: 16, channels: 1, rate: 16000, samples: [0.1, 0.2] });
    expect(() => decodeWav(good.slice(0, 30))).toThrow(AudioFileError);
    expect(() => decodeWav(wavBytes({ tag: 2, bits: 16, channels: 1, rate: 16000, samples: [0.1] }))).toThrow(/format tag 2/);
  });
});

describe('resample', () => {
  it("keeps a tone's pitch and level, and removes what the new rate cannot hold", () => {
    const tone = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 44100));
    const down = resample(tone, 44100, 16000);
    expect(down).toHaveLength(16000);
    expect(estimatePitch(down)!.hz).toBeCloseTo(440, 0);
    const rms = Math.sqrt(down.slice(1000, 15000).reduce((a, v) => a + v * v, 0) / 14000);
    expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // 12 kHz is above the new Nyquist (8 kHz): it must (nearly) vanish, not fold down to 4 kHz.
    const high = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 12000 * i) / 44100));
    const folded = resample(high, 44100, 16000);
    const r2 = Math.sqrt(folded.slice(1000, 15000).reduce((a, v) => a + v * v, 0) / 14000);
    expect(r2).toBeLessThan(0.01);
    expect(resample(tone, 44100, 44100)).toEqual(tone);
  });
});

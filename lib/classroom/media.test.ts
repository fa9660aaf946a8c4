// The WAV checker (media.ts) against the files a student could send: what the timbre lab writes,
// and hostile ones built byte by byte (truncated, lying sizes, odd chunks, other sample formats,
// other kinds of file), plus seeded random damage. Every refusal is a MediaError with a message.
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../audio/wav';
import { createRng } from '../core/random';
import { encodeTestWav } from '../sound/testing/synth';
import { MediaError, WAV_OTHER_CHUNK_LIMITS, checkWav } from './media';
import { LIMITS } from './schema';
import { digitPng, melodyMidi, timbreWav } from './testing/fixtures';

/** A RIFF/WAVE file from its chunks (odd chunks get their pad byte unless `pad` is false); `riff` overrides the RIFF size. */
function wavOf(chunks: [string, Uint8Array][], options: { riff?: number; pad?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [id, body] of chunks) {
    const head = new Uint8Array(8);
    head.set(new TextEncoder().encode(id.padEnd(4).slice(0, 4)));
    new DataView(head.buffer).setUint32(4, body.byteLength, true);
    parts.push(head, body);
    if (body.byteLength % 2 === 1 && options.pad !== false) parts.push(new Uint8Array(1));
  }
  const size = 12 + parts.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode('RIFF'), 0);
  new DataView(out.buffer).setUint32(4, options.riff ?? size - 8, true);
  out.set(new TextEncoder().encode('WAVE'), 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A `fmt ` chunk body (16 bytes), consistent unless told otherwise. */
function fmt(o: { tag?: number; channels?: number; rate?: number; bits?: number; blockAlign?: number; byteRate?: number } = {}): Uint8Array {
  const channels = o.channels ?? 1;
  const rate = o.rate ?? 16_000;
  const bits = o.bits ?? 16;
  const blockAlign = o.blockAlign ?? (channels * bits) / 8;
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, o.tag ?? 1, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, o.byteRate ?? rate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, bits, true);
  return b;
}

/** `seconds` of a 440 Hz tone as 16-bit samples (mono unless `channels`). */
function samples(seconds: number, rate = 16_000, channels = 1): Uint8Array {
  const frames = Math.round(seconds * rate);
  const out = new Uint8Array(frames * channels * 2);
  const v = new DataView(out.buffer);
  for (let i = 0; i < frames * channels; i++) v.setInt16(i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * Math.floor(i / channels)) / rate)), true);
  return out;
}

function refusal(bytes: Uint8Array): MediaError {
  try {
    checkWav(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(MediaError);
    const e = error as MediaError;
    expect(e.message.length).toBeGreaterThan(25);
    return e;
  }
  throw new Error('the WAV checker accepted it');
}

describe('WAV entries (checkWav)', () => {
  it('accepts what the timbre lab writes: one note, and a 16-note morph (~656 KB)', () => {
    const note = checkWav(timbreWav());
    expect(note).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16, frames: 20_480 });
    expect(note.seconds).toBeCloseTo(1.28, 6);
    expect(note.peak).toBeGreaterThan(0.3);
    expect(note.peak).toBeLessThanOrEqual(1);
    const morph = timbreWav(16);
    expect(morph.byteLength).toBe(44 + 16 * 20_480 * 2);
    expect(morph.byteLength).toBeLessThan(LIMITS.wavBytes);
    expect(checkWav(morph).seconds).toBeCloseTo(20.48, 6);
  });

  it('accepts stereo 44.1 kHz, odd-sized extra chunks with their pad byte, and a longer fmt chunk', () => {
    const stereo = encodeWav([new Float32Array(8820).fill(0.25), new Float32Array(8820).fill(-0.25)], 44_100);
    expect(checkWav(stereo)).toMatchObject({ channels: 2, sampleRate: 44_100, frames: 8820 });
    const fmt18 = new Uint8Array(18);
    fmt18.set(fmt());
    const list = new TextEncoder().encode('INFOISFT\u0003\u0000\u0000\u0000ab\u0000');
    expect(list.byteLength % 2).toBe(1);
    expect(
      checkWav(
        wavOf([
          ['fmt ', fmt18],
          ['LIST', list],
          ['data', samples(0.5)],
        ]),
      ).seconds,
    ).toBeCloseTo(0.5, 6);
    expect(
      checkWav(
        wavOf([
          ['fmt ', fmt()],
          ['data', samples(0.2)],
        ]),
      ).peak,
    ).toBeCloseTo(8000 / 32768, 2);
  });

  it('refuses other kinds of file and empty bytes, saying what the file starts with', () => {
    for (const bytes of [new Uint8Array(0), melodyMidi(), digitPng(), new TextEncoder().encode('RIFF....AVI LIST'), new Uint8Array(100)]) {
      expect(refusal(bytes).message).toMatch(/not a WAV file: it starts with ".*" \(\d+ bytes\)/);
    }
    expect(refusal(melodyMidi()).message).toContain('"MThd"');
  });

  it('refuses every truncation of a valid file', () => {
    const full = wavOf([
      ['fmt ', fmt()],
      ['data', samples(0.2)],
    ]);
    for (const cut of [4, 8, 11, 12, 16, 20, 35, 36, 43, 44, 45, 1000, full.byteLength - 2, full.byteLength - 1]) {
      const e = refusal(full.slice(0, cut));
      expect(e.reason).toBe('invalid');
    }
    // The RIFF size fixed up to the cut file: then the data chunk's own size gives it away.
    const cut = full.slice(0, 1000);
    new DataView(cut.buffer).setUint32(4, cut.byteLength - 8, true);
    expect(refusal(cut).message).toMatch(/"data" chunk announces 6400 bytes but only 956 follow/);
  });

  it('refuses chunk sizes that run past the end, however large (no read past the end, no loop)', () => {
    const data = samples(0.2);
    for (const size of [data.byteLength + 2, 0x7fffffff, 0xfffffffe, 0xffffffff]) {
      const bytes = wavOf([
        ['fmt ', fmt()],
        ['data', data],
      ]);
      new DataView(bytes.buffer).setUint32(40, size, true);
      expect(refusal(bytes).message).toMatch(/"data" chunk announces \d+ bytes/);
    }
    const hugeFmt = wavOf([
      ['fmt ', fmt()],
      ['data', data],
    ]);
    new DataView(hugeFmt.buffer).setUint32(16, 0xffffffff, true);
    expect(refusal(hugeFmt).message).toMatch(/"fmt " chunk announces 4294967295 bytes/);
    expect(
      refusal(
        wavOf(
          [
            ['fmt ', fmt()],
            ['data', data],
          ],
          { riff: 0xffffffff },
        ),
      ).message,
    ).toMatch(/RIFF header announces 4294967303 bytes/);
    expect(
      refusal(
        wavOf(
          [
            ['fmt ', fmt()],
            ['data', data],
          ],
          { riff: 4 },
        ),
      ).message,
    ).toMatch(/RIFF header announces 12 bytes/);
  });

  it('refuses an odd chunk without its pad byte, unnamed chunks, and floods of extra chunks', () => {
    const odd = new Uint8Array(3);
    expect(
      refusal(
        wavOf(
          [
            ['fmt ', fmt()],
            ['junk', odd],
            ['data', samples(0.2)],
          ],
          { pad: false },
        ),
      ).message,
    ).toMatch(/no valid name|announces/);
    expect(
      refusal(
        wavOf([
          ['fmt ', fmt()],
          ['\u0000\u0001\u0002\u0003', new Uint8Array(2)],
          ['data', samples(0.2)],
        ]),
      ).message,
    ).toMatch(/no valid name/);
    const many = Array.from({ length: WAV_OTHER_CHUNK_LIMITS.count + 1 }, (): [string, Uint8Array] => ['junk', new Uint8Array(0)]);
    expect(refusal(wavOf([['fmt ', fmt()], ...many, ['data', samples(0.2)]])).message).toMatch(/more than 8 chunks besides/);
    expect(
      refusal(
        wavOf([
          ['fmt ', fmt()],
          ['LIST', new Uint8Array(WAV_OTHER_CHUNK_LIMITS.bytes + 2)],
          ['data', samples(0.2)],
        ]),
      ).message,
    ).toMatch(/or more than 4096 bytes of them/);
    // A file that is one empty chunk after another ends in a refusal, quickly.
    const empties = Array.from({ length: 50_000 }, (): [string, Uint8Array] => ['junk', new Uint8Array(0)]);
    expect(refusal(wavOf(empties)).message).toMatch(/more than 8 chunks/);
  });

  it('refuses float, extensible, 8/24/32-bit, 0 or 3 channels, and rates outside 8–48 kHz', () => {
    const cases: [Uint8Array, RegExp][] = [
      [encodeTestWav([new Float32Array(1600)], 16_000, 32, true), /32\/64-bit float/],
      [
        wavOf([
          ['fmt ', fmt({ tag: 0xfffe })],
          ['data', samples(0.2)],
        ]),
        /extensible/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ tag: 2 })],
          ['data', samples(0.2)],
        ]),
        /in format 2/,
      ],
      [encodeTestWav([new Float32Array(1600)], 16_000, 8), /8-bit samples/],
      [encodeTestWav([new Float32Array(1600)], 16_000, 24), /24-bit samples/],
      [encodeTestWav([new Float32Array(1600)], 16_000, 32), /32-bit samples/],
      [
        wavOf([
          ['fmt ', fmt({ channels: 0, blockAlign: 2 })],
          ['data', samples(0.2)],
        ]),
        /0 channels/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ channels: 3 })],
          ['data', samples(0.2, 16_000, 3)],
        ]),
        /3 channels/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ rate: 4000 })],
          ['data', samples(0.2, 4000)],
        ]),
        /4000 Hz/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ rate: 96_000 })],
          ['data', samples(0.2, 96_000)],
        ]),
        /96000 Hz/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ blockAlign: 4 })],
          ['data', samples(0.2)],
        ]),
        /4 bytes per frame/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ byteRate: 1 })],
          ['data', samples(0.2)],
        ]),
        /1 bytes a second/,
      ],
    ];
    for (const [bytes, message] of cases) {
      const e = refusal(bytes);
      expect(e.message, String(message)).toMatch(message);
      expect(e.reason).toBe('invalid');
    }
  });

  it('refuses a missing, doubled or misplaced fmt or data chunk, partial frames, and lengths outside 0.1–30 s', () => {
    const cases: [Uint8Array, RegExp][] = [
      [wavOf([['data', samples(0.2)]]), /"data" chunk comes before the "fmt " chunk/],
      [wavOf([['fmt ', fmt()]]), /no "data" chunk/],
      [wavOf([['LIST', new Uint8Array(4)]]), /no "fmt " chunk/],
      [
        wavOf([
          ['fmt ', fmt()],
          ['fmt ', fmt()],
          ['data', samples(0.2)],
        ]),
        /two "fmt " chunks/,
      ],
      [
        wavOf([
          ['fmt ', fmt()],
          ['data', samples(0.2)],
          ['data', samples(0.2)],
        ]),
        /two "data" chunks/,
      ],
      [
        wavOf([
          ['fmt ', fmt()],
          ['data', samples(0.2)],
          ['fmt ', fmt()],
        ]),
        /"fmt " chunk comes after/,
      ],
      [
        wavOf([
          ['fmt ', new Uint8Array(12)],
          ['data', samples(0.2)],
        ]),
        /"fmt " chunk has 12 bytes/,
      ],
      [
        wavOf([
          ['fmt ', new Uint8Array(64)],
          ['data', samples(0.2)],
        ]),
        /"fmt " chunk has 64 bytes/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ channels: 2 })],
          ['data', samples(0.2).subarray(0, 6)],
        ]),
        /not whole frames of 4 bytes/,
      ],
      [
        wavOf([
          ['fmt ', fmt()],
          ['data', new Uint8Array(0)],
        ]),
        /lasts 0\.00 s/,
      ],
      [
        wavOf([
          ['fmt ', fmt()],
          ['data', samples(0.05)],
        ]),
        /lasts 0\.05 s; entries last 0\.1–30 s/,
      ],
      [
        wavOf([
          ['fmt ', fmt({ rate: 8000 })],
          ['data', samples(31, 8000)],
        ]),
        /lasts 31\.00 s/,
      ],
    ];
    for (const [bytes, message] of cases) expect(refusal(bytes).message, String(message)).toMatch(message);
  });

  it('refuses files over the byte limit as too large, before reading them', () => {
    const big = wavOf([
      ['fmt ', fmt({ rate: 48_000, channels: 2 })],
      ['data', samples(6, 48_000, 2)],
    ]);
    expect(big.byteLength).toBeGreaterThan(LIMITS.wavBytes);
    const e = refusal(big);
    expect(e.reason).toBe('too_large');
    expect(e.message).toMatch(/at most 1024 KB/);
  });

  it('survives seeded random damage: every outcome is a summary within the limits or a MediaError', () => {
    const rng = createRng(7);
    const base = wavOf([
      ['fmt ', fmt()],
      ['LIST', new Uint8Array(10)],
      ['data', samples(0.3)],
    ]);
    let accepted = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = base.slice();
      const edits = 1 + Math.floor(rng.next() * 4);
      for (let k = 0; k < edits; k++) {
        // Mostly the headers (the first 70 bytes), sometimes anywhere; sometimes a cut.
        const at = rng.next() < 0.8 ? Math.floor(rng.next() * 70) : Math.floor(rng.next() * bytes.byteLength);
        bytes[at] = Math.floor(rng.next() * 256);
      }
      const sample = rng.next() < 0.1 ? bytes.slice(0, Math.floor(rng.next() * bytes.byteLength)) : bytes;
      try {
        const s = checkWav(sample);
        accepted++;
        expect(s.bitsPerSample).toBe(16);
        expect(s.channels === 1 || s.channels === 2).toBe(true);
        expect(s.sampleRate).toBeGreaterThanOrEqual(LIMITS.wavSampleRate.min);
        expect(s.sampleRate).toBeLessThanOrEqual(LIMITS.wavSampleRate.max);
        expect(s.seconds).toBeGreaterThanOrEqual(LIMITS.wavSeconds.min);
        expect(s.seconds).toBeLessThanOrEqual(LIMITS.wavSeconds.max);
      } catch (error) {
        if (!(error instanceof MediaError)) throw error;
      }
    }
    // Damage inside the samples or the LIST chunk's body is harmless: some files still pass.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(3000);
  });
});

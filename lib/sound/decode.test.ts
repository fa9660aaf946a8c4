import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudio } from './decode';
import { AudioDecodeError, AudioFormatError, AudioTooLongError } from './errors';
import { sniffAudioFormat } from './format';
import { encodeTestWav } from './testing/synth';

const fixture = async (name: string): Promise<Uint8Array> => new Uint8Array(await readFile(path.join(__dirname, 'testing', 'fixtures', name)));

function sine(freq: number, seconds: number, rate: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** Frequency of a sine from its zero crossings (rising), in Hz. */
function zeroCrossingHz(x: Float32Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1] as number) < 0 && (x[i] as number) >= 0) crossings++;
  return (crossings * rate) / x.length;
}

describe('decodeAudio', () => {
  it.each([
    [8, false],
    [16, false],
    [24, false],
    [32, false],
    [32, true],
    [64, true],
  ] as const)('reads %i-bit WAV (float %s) at its own rate, values intact', async (bits, float) => {
    const x = sine(440, 0.3, 16_000);
    const decoded = await decodeAudio(encodeTestWav([x], 16_000, bits, float), 'tone.wav');
    expect(decoded.format).toBe('wav');
    expect(decoded.sampleRate).toBe(16_000);
    expect(decoded.samples.length).toBe(x.length);
    const tolerance = bits === 8 ? 1 / 100 : 1e-4;
    for (let i = 0; i < x.length; i += 97) expect(Math.abs((decoded.samples[i] as number) - (x[i] as number))).toBeLessThan(tolerance);
  });

  it('mixes stereo to mono by averaging the channels', async () => {
    const left = sine(440, 0.1, 22_050, 0.8);
    const right = new Float32Array(left.length);
    const decoded = await decodeAudio(encodeTestWav([left, right], 22_050), 'stereo.wav');
    expect(decoded.channels).toBe(2);
    for (let i = 0; i < left.length; i += 53) expect(decoded.samples[i]).toBeCloseTo((left[i] as number) / 2, 3);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE and skips chunks it does not know, odd-sized (padded) ones too', async () => {
    const left = sine(440, 0.05, 48_000, 0.8);
    const right = left.map((v) => v * 0.5);
    const chunksBefore = [
      { id: 'LIST', size: 4 },
      { id: 'iXML', size: 3 }, // odd: RIFF pads it with a byte the decoder must skip
    ];
    for (const [bits, float, tolerance] of [
      [8, false, 1e-2],
      [16, false, 1e-4],
      [24, false, 1e-6],
      [32, false, 1e-6],
      [32, true, 1e-6],
      [64, true, 1e-6],
    ] as const) {
      for (const extensible of [false, true]) {
        const what = `${bits}-bit ${float ? 'float' : 'PCM'}${extensible ? ', extensible' : ''}`;
        const decoded = await decodeAudio(encodeTestWav([left, right], 48_000, bits, float, { extensible, chunksBefore }), what);
        expect(decoded.channels, what).toBe(2);
        expect(decoded.samples.length, what).toBe(left.length);
        for (let i = 0; i < left.length; i += 37) expect(Math.abs((decoded.samples[i] as number) - 0.75 * (left[i] as number)), what).toBeLessThan(tolerance);
      }
    }
  });

  it.each([
    ['sine440.flac', 'flac'],
    ['sine440.ogg', 'ogg-vorbis'],
    ['sine440.mp3', 'mp3'],
  ])('decodes %s (a 0.4 s 440 Hz sine) as %s', async (name, format) => {
    const decoded = await decodeAudio(await fixture(name), name);
    expect(decoded.format).toBe(format);
    expect(decoded.sampleRate).toBe(22_050);
    // MP3 adds encoder delay and padding (~1–2 frames of 1152 samples).
    expect(decoded.samples.length).toBeGreaterThanOrEqual(0.4 * 22_050 - 10);
    expect(decoded.samples.length).toBeLessThan(0.4 * 22_050 + 3000);
    const middle = decoded.samples.subarray(3000, 8000);
    expect(zeroCrossingHz(middle, 22_050)).toBeCloseTo(440, -1);
    expect(Math.max(...middle)).toBeGreaterThan(0.4);
  });

  it('says a MIDI file renamed .wav is MIDI, not audio', async () => {
    const midi = Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 1, 0xe0]);
    const error = await decodeAudio(midi, 'song.wav').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as AudioFormatError).found).toBe('midi');
    expect((error as Error).message).toMatch(/song\.wav is a MIDI file/);
  });

  it('names empty, text and unsupported containers', async () => {
    await expect(decodeAudio(new Uint8Array(0), 'empty.wav')).rejects.toThrow(/empty\.wav is empty \(0 bytes\)/);
    await expect(decodeAudio(new TextEncoder().encode('hello, this is not audio at all'), 'notes.mp3')).rejects.toThrow(/holds text \("hello/);
    const m4a = Uint8Array.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20]);
    const error = await decodeAudio(m4a, 'take.m4a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as Error).message).toMatch(/MP4\/M4A.*browser lab/);
  });

  it('refuses damaged files with AudioDecodeError', async () => {
    const wav = encodeTestWav([sine(440, 0.1, 8000)], 8000);
    await expect(decodeAudio(wav.subarray(0, 40), 'cut.wav')).rejects.toBeInstanceOf(AudioDecodeError);
    const flac = await fixture('sine440.flac');
    const broken = flac.slice();
    broken.fill(0x55, 42);
    await expect(decodeAudio(broken, 'broken.flac')).rejects.toBeInstanceOf(AudioDecodeError);
    // A WAV holding an encoding the decoder does not read (MP3 inside WAV, tag 0x55).
    const mp3InWav = encodeTestWav([sine(440, 0.1, 8000)], 8000, 16, false, { tag: 0x55 });
    await expect(decodeAudio(mp3InWav, 'odd.wav')).rejects.toThrow(
      /odd\.wav looks like a WAV file but is damaged and cannot be decoded \(Unsupported WAV format: 0x55\)/,
    );
  });

  it('stops a file over the length limit as soon as the limit is passed', async () => {
    const long = encodeTestWav([new Float32Array(8000 * 301)], 8000, 8); // 5:01 of 8 kHz 8-bit
    const error = await decodeAudio(long, 'lecture.wav').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioTooLongError);
    expect((error as Error).message).toMatch(/longer than 5:00/);
    await expect(decodeAudio(encodeTestWav([new Float32Array(8000 * 3)], 8000, 8), 'ok.wav', { maxSeconds: 2 })).rejects.toThrow(/longer than 2\.0 s/);
  });
});

describe('sniffAudioFormat', () => {
  it('knows formats by their first bytes, not their names', async () => {
    expect(sniffAudioFormat(await fixture('sine440.flac'))).toBe('flac');
    expect(sniffAudioFormat(await fixture('sine440.ogg'))).toBe('ogg-vorbis');
    expect(sniffAudioFormat(await fixture('sine440.mp3'))).toBe('mp3');
    expect(sniffAudioFormat(encodeTestWav([new Float32Array(4)], 8000))).toBe('wav');
    expect(sniffAudioFormat(new TextEncoder().encode('OggS\0\x02' + ' '.repeat(30) + 'OpusHead'))).toBe('ogg-opus');
    expect(sniffAudioFormat(Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 1]))).toBe('webm');
    expect(sniffAudioFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBe('unknown');
  });
});

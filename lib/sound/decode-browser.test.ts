import { describe, expect, it } from 'vitest';
import { decodeAudioInBrowser, type AudioDecoderContext } from './decode-browser';
import { AudioDecodeError, AudioFormatError, AudioTooLongError } from './errors';
import { encodeTestWav } from './testing/synth';

/** A stand-in for the browser's decoder: returns `channels` at `rate`, or rejects like Chromium does. */
function fakeContext(channels: Float32Array[] | 'fail', rate = 48_000): AudioDecoderContext {
  return {
    decodeAudioData: async () => {
      if (channels === 'fail') throw new DOMException('Unable to decode audio data', 'EncodingError');
      return {
        numberOfChannels: channels.length,
        sampleRate: rate,
        length: channels[0]?.length ?? 0,
        getChannelData: (c: number) => channels[c] as Float32Array,
      };
    },
  };
}

const wav = (): ArrayBuffer => encodeTestWav([new Float32Array(100)], 8000).slice().buffer;

describe('decodeAudioInBrowser', () => {
  it('mixes what the browser decodes to mono and keeps the caller’s bytes', async () => {
    const bytes = wav();
    const out = await decodeAudioInBrowser(bytes, 'take.wav', { context: fakeContext([Float32Array.from([1, 0]), Float32Array.from([0, 0])]) });
    expect(Array.from(out.samples)).toEqual([0.5, 0]);
    expect(out.sampleRate).toBe(48_000);
    expect(bytes.byteLength).toBeGreaterThan(0);
  });

  it('names MIDI renamed .wav before the browser tries, and wraps the browser’s own failure', async () => {
    const midi = Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6]).buffer;
    await expect(decodeAudioInBrowser(midi, 'song.wav', { context: fakeContext([]) })).rejects.toThrow(AudioFormatError);
    await expect(decodeAudioInBrowser(wav(), 'bad.wav', { context: fakeContext('fail') })).rejects.toThrow(AudioDecodeError);
  });

  it('refuses takes over the limit', async () => {
    const long = new Float32Array(48_000 * 3);
    await expect(decodeAudioInBrowser(wav(), 'long.wav', { maxSeconds: 2, context: fakeContext([long]) })).rejects.toBeInstanceOf(AudioTooLongError);
  });
});

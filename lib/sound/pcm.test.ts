import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { AudioTooLongError, AudioTooShortError, SilentAudioError } from './errors';
import { assertUsableAudio, formatDuration, mixToMono, peakDb } from './pcm';

describe('pcm', () => {
  it('mixes channels by averaging and copies a single channel', () => {
    const a = Float32Array.from([1, 0.5, -1]);
    expect(Array.from(mixToMono([a, Float32Array.from([0, 0.5, 1])]))).toEqual([0.5, 0.5, 0]);
    const mono = mixToMono([a]);
    expect(mono).toEqual(a);
    expect(mono).not.toBe(a);
    expect(() => mixToMono([a, new Float32Array(2)])).toThrow(InvalidInputError);
  });

  it('checks every take: rate, length, finite samples, not silent', () => {
    const tone = (seconds: number, amp: number, rate = 8000): Float32Array =>
      Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amp * Math.sin(i / 3));
    expect(() => assertUsableAudio({ samples: tone(1, 0.5), sampleRate: 8000 })).not.toThrow();
    const silent = (() => {
      try {
        assertUsableAudio({ samples: tone(1, 0.001), sampleRate: 8000 }, 'The take');
      } catch (e) {
        return e;
      }
    })();
    expect(silent).toBeInstanceOf(SilentAudioError);
    expect((silent as SilentAudioError).peakDb).toBeCloseTo(-60, 0);
    expect((silent as Error).message).toMatch(/The take is silent: its loudest moment is -60 dBFS/);
    expect(() => assertUsableAudio({ samples: new Float32Array(8000), sampleRate: 8000 })).toThrow(/digital silence/);
    expect(() => assertUsableAudio({ samples: tone(0.1, 0.5), sampleRate: 8000 })).toThrow(AudioTooShortError);
    expect(() => assertUsableAudio({ samples: tone(301, 0.5, 8000), sampleRate: 8000 })).toThrow(AudioTooLongError);
    expect(() => assertUsableAudio({ samples: tone(2, 0.5), sampleRate: 8000 }, 'x', 1)).toThrow(/x is 2\.0 s long; transcription takes up to 1\.0 s/);
    const broken = tone(1, 0.5);
    broken[100] = NaN;
    expect(() => assertUsableAudio({ samples: broken, sampleRate: 8000 })).toThrow(/invalid sample \(NaN\) at 0\.013 s/);
    expect(() => assertUsableAudio({ samples: tone(1, 0.5), sampleRate: 4000 })).toThrow(/4000 Hz/);
  });

  it('formats durations and levels for messages', () => {
    expect(formatDuration(4.23)).toBe('4.2 s');
    expect(formatDuration(30)).toBe('30 s');
    expect(formatDuration(300)).toBe('5:00');
    expect(formatDuration(1200)).toBe('20:00');
    expect(peakDb(Float32Array.from([0.5, -1]))).toBeCloseTo(0);
  });
});

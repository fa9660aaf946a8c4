import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { AudioTooLongError, SilentAudioError } from '../sound/errors';
import { mixToMono } from '../sound/pcm';
import { UnpitchedAudioError } from './errors';
import { prepareNote } from './sound';
import { NOTE_SAMPLES } from './spec';
import { syntheticChord, syntheticNote, whiteNoise } from './testing/notes';

describe('prepareNote', () => {
  it('turns any rate into one 16-kHz note from its onset, and says what it did', () => {
    const left = syntheticNote({ pitch: 62, sampleRate: 48000, length: 48000 * 2, start: 0.5 });
    const right = left.map((v) => v * 0.8);
    const p = prepareNote({ sampleRate: 48000, samples: mixToMono([left, right]), channels: 2 }, 'take.wav');
    expect(p.samples).toHaveLength(NOTE_SAMPLES);
    expect(p.pitch).toBeCloseTo(62, 1);
    expect(p.notes.join(' | ')).toMatch(/mixed 2 channels.*resampled from 48000 Hz.*skipped 0\.5\d s of silence.*first 1\.28 s/);
    // The onset is kept about 5 ms in, as in the training data.
    const onset = p.samples.findIndex((v) => Math.abs(v) > 0.01);
    expect(onset).toBeGreaterThan(20);
    expect(onset).toBeLessThan(200);
    const short = prepareNote({ sampleRate: 16000, samples: syntheticNote({ pitch: 70, length: 8000 }) });
    expect(short.notes.join(' ')).toMatch(/padded with silence/);
    expect(short.notes.join(' ')).not.toMatch(/mixed|resampled/);
  });

  it('names silence, noise and over-long recordings, and notes a chord with the pitch it took', () => {
    const quiet = (() => {
      try {
        prepareNote({ sampleRate: 16000, samples: new Float32Array(16000).fill(1e-5) }, 'quiet.wav');
      } catch (e) {
        return e;
      }
    })();
    expect(quiet).toBeInstanceOf(SilentAudioError);
    expect((quiet as Error).message).toMatch(/quiet\.wav is silent: its loudest moment is -100 dBFS, below the -60 dBFS a note needs/);
    expect((quiet as SilentAudioError).peakDb).toBeCloseTo(-100, 0);
    expect(() => prepareNote({ sampleRate: 16000, samples: new Float32Array(16000) })).toThrow(/every sample is 0/);
    expect(() => prepareNote({ sampleRate: 16000, samples: new Float32Array(0) })).toThrow(SilentAudioError);
    expect(() => prepareNote({ sampleRate: 16000, samples: whiteNoise() }, 'hiss.wav')).toThrow(UnpitchedAudioError);
    const long = (() => {
      try {
        prepareNote({ sampleRate: 8000, samples: syntheticNote({ pitch: 60, sampleRate: 8000, length: 8000 * 5 }) }, 'long.wav');
      } catch (e) {
        return e;
      }
    })();
    expect(long).toBeInstanceOf(AudioTooLongError);
    expect((long as Error).message).toMatch(/long\.wav is 5\.00 s long; the timbre tools take one note of at most 4 s/);
    expect((long as AudioTooLongError).seconds).toBeCloseTo(5);
    expect((long as AudioTooLongError).limitSeconds).toBe(4);
    expect(() => prepareNote({ sampleRate: 4000, samples: syntheticNote({ pitch: 60, sampleRate: 4000, length: 4000 }) }, 'x.wav')).toThrow(InvalidInputError);
    const chord = prepareNote({ sampleRate: 16000, samples: syntheticChord([60, 64, 67]) });
    expect(chord.otherPitches.length).toBeGreaterThan(0);
    expect(chord.notes.join(' ')).toMatch(/sounds like a chord \(.+\); the timbre model takes one note, so it used [CEG]4/);
    const low = prepareNote({ sampleRate: 16000, samples: syntheticNote({ pitch: 30 }) });
    expect(low.notes.join(' ')).toMatch(/outside the C2–C6/);
  });
});

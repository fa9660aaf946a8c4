import { describe, expect, it } from 'vitest';
import { AudioTooLongError, SilentAudioError, UnpitchedAudioError } from './errors';
import { prepareNote } from './sound';
import { NOTE_SAMPLES } from './spec';
import { syntheticChord, syntheticNote, whiteNoise } from './testing/notes';

describe('prepareNote', () => {
  it('turns any rate and channel count into one 16-kHz mono note from its onset, and says what it did', () => {
    const left = syntheticNote({ pitch: 62, sampleRate: 48000, length: 48000 * 2, start: 0.5 });
    const right = left.map((v) => v * 0.8);
    const p = prepareNote({ sampleRate: 48000, channels: [left, right] }, 'take.wav');
    expect(p.samples).toHaveLength(NOTE_SAMPLES);
    expect(p.pitch).toBeCloseTo(62, 1);
    expect(p.notes.join(' | ')).toMatch(/mixed 2 channels.*resampled from 48000 Hz.*skipped 0\.5\d s of silence.*first 1\.28 s/);
    // The onset is kept about 5 ms in, as in the training data.
    const onset = p.samples.findIndex((v) => Math.abs(v) > 0.01);
    expect(onset).toBeGreaterThan(20);
    expect(onset).toBeLessThan(200);
    const short = prepareNote({ sampleRate: 16000, channels: [syntheticNote({ pitch: 70, length: 8000 })] });
    expect(short.notes.join(' ')).toMatch(/padded with silence/);
  });

  it('names silence, noise and over-long recordings, and notes a chord with the pitch it took', () => {
    expect(() => prepareNote({ sampleRate: 16000, channels: [new Float32Array(16000)] }, 'quiet.wav')).toThrow(SilentAudioError);
    expect(() => prepareNote({ sampleRate: 16000, channels: [new Float32Array(16000).fill(1e-5)] })).toThrow(/below the -60 dBFS/);
    expect(() => prepareNote({ sampleRate: 16000, channels: [new Float32Array(0)] })).toThrow(SilentAudioError);
    expect(() => prepareNote({ sampleRate: 16000, channels: [whiteNoise()] }, 'hiss.wav')).toThrow(UnpitchedAudioError);
    expect(() => prepareNote({ sampleRate: 8000, channels: [syntheticNote({ pitch: 60, sampleRate: 8000, length: 8000 * 5 })] })).toThrow(AudioTooLongError);
    const chord = prepareNote({ sampleRate: 16000, channels: [syntheticChord([60, 64, 67])] });
    expect(chord.otherPitches.length).toBeGreaterThan(0);
    expect(chord.notes.join(' ')).toMatch(/sounds like a chord \(.+\); the timbre model takes one note, so it used [CEG]4/);
    const low = prepareNote({ sampleRate: 16000, channels: [syntheticNote({ pitch: 30 })] });
    expect(low.notes.join(' ')).toMatch(/outside the C2–C6/);
  });
});

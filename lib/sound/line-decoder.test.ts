import { describe, expect, it } from 'vitest';
import { BASIC_PITCH, type PitchPosteriors } from './basic-pitch';
import { decodeMelodyLine, phaseDeviation, pitchTrack } from './line-decoder';
import { MODEL_SAMPLE_RATE } from './pcm';
import { midiToHz, renderNotes, type SynthNote } from './testing/synth';

const HOP = BASIC_PITCH.fftHop / MODEL_SAMPLE_RATE;

/**
 * Posteriors shaped like basic-pitch's for `notes`: the pitch at 0.85 while it sounds and for a
 * loudness-blind 0.25 s tail after it, ghosts at +12 and +28 at 0.4, an onset peak at each start.
 */
function fakePosteriors(
  notes: readonly SynthNote[],
  seconds: number,
  extra: (t: number, set: (pitch: number, value: number) => void) => void = () => undefined,
): PitchPosteriors {
  const n = Math.round(seconds / HOP);
  const P = BASIC_PITCH.notes;
  const frames = new Float32Array(n * P).fill(0.05);
  const onsets = new Float32Array(n * P).fill(0.02);
  const frameTimes = Float64Array.from({ length: n }, (_, i) => i * HOP);
  for (let f = 0; f < n; f++) {
    const t = f * HOP;
    const set = (pitch: number, value: number): void => {
      const k = f * P + pitch - 21;
      frames[k] = Math.max(frames[k] as number, value);
    };
    for (const note of notes) {
      if (t >= note.start && t < note.end + 0.25) {
        set(note.pitch, t < note.end ? 0.85 : 0.7);
        set(note.pitch + 12, 0.4);
        set(note.pitch + 28, 0.4);
      }
      if (Math.abs(t - note.start) < HOP / 2 + 1e-9) onsets[f * P + note.pitch - 21] = 0.9;
    }
    extra(t, set);
  }
  return { numFrames: n, frames, onsets, contours: new Float32Array(0), frameTimes };
}

describe('decodeMelodyLine', () => {
  const melody: SynthNote[] = [
    { pitch: 60, start: 0.2, end: 0.6 },
    { pitch: 64, start: 0.6, end: 0.9 }, // legato into the next
    { pitch: 67, start: 0.9, end: 1.2 }, // then a 0.15 s rest
    { pitch: 67, start: 1.35, end: 1.8 },
  ];

  it('follows the fundamental, not its harmonics, and ends notes where the sound stops (not where the model stops hearing it)', () => {
    const audio = renderNotes(melody, 2.5, MODEL_SAMPLE_RATE, { release: 0.01 });
    const line = decodeMelodyLine(fakePosteriors(melody, 2.5), audio);
    expect(line.map((n) => n.pitch)).toEqual([60, 64, 67, 67]);
    line.forEach((n, i) => {
      const truth = melody[i] as SynthNote;
      expect(Math.abs(n.start - truth.start)).toBeLessThan(0.02);
      expect(Math.abs(n.end - truth.end)).toBeLessThan(0.05);
    });
  });

  it('splits a held pitch where a fresh onset of it is heard (a repeated note)', () => {
    const repeated: SynthNote[] = [
      { pitch: 62, start: 0.1, end: 0.5 },
      { pitch: 62, start: 0.5, end: 0.9 },
    ];
    const audio = renderNotes(repeated, 1.5, MODEL_SAMPLE_RATE, { release: 0.01 });
    const line = decodeMelodyLine(fakePosteriors(repeated, 1.5), audio);
    expect(line.map((n) => [n.pitch, +n.start.toFixed(2)])).toEqual([
      [62, 0.1],
      [62, 0.5],
    ]);
  });

  it('hears no note in silence and ignores a stray frame of a wrong pitch', () => {
    const quiet = fakePosteriors([], 1, (t, set) => {
      if (Math.abs(t - 0.5) < HOP) set(80, 0.6);
    });
    expect(decodeMelodyLine(quiet, new Float32Array(MODEL_SAMPLE_RATE))).toEqual([]);
    const path = pitchTrack(
      fakePosteriors([{ pitch: 60, start: 0, end: 1 }], 1, (t, set) => {
        if (Math.abs(t - 0.5) < HOP / 2) set(61, 0.9);
      }),
    );
    expect(new Set(path)).toEqual(new Set([60 - 20]));
  });

  /** A held tone at `pitch` (six partials, steady level); its phases jump at `restart` seconds, as when a note is re-tongued without a dip in level; `vibrato` in cents at 5.5 Hz. */
  function heldTone(pitch: number, start: number, end: number, seconds: number, restart?: number, vibrato = 0, jumpBy = 2.1): Float32Array {
    const out = new Float32Array(Math.round(seconds * MODEL_SAMPLE_RATE));
    const f0 = midiToHz(pitch);
    let phase = 0;
    for (let i = 0; i < out.length; i++) {
      const t = i / MODEL_SAMPLE_RATE;
      phase += (2 * Math.PI * f0 * 2 ** ((vibrato / 1200) * Math.sin(2 * Math.PI * 5.5 * t))) / MODEL_SAMPLE_RATE;
      if (t < start || t >= end) continue;
      const jump = restart !== undefined && t >= restart ? jumpBy : 0;
      let y = 0;
      for (let h = 1; h <= 6; h++) y += Math.sin(h * (phase + jump)) / h;
      out[i] = 0.2 * y;
    }
    return out;
  }

  it('splits a held pitch where its partials restart with no onset or dip (a re-tongued note), not a steady or vibrato tone', () => {
    const one: SynthNote[] = [{ pitch: 67, start: 0.2, end: 1.2 }];
    // basic-pitch heard one long note: the posteriors have no onset at 0.7 s.
    const post = fakePosteriors(one, 1.6);
    const restarted = heldTone(67, 0.2, 1.2, 1.6, 0.7);
    const c = Math.round(0.7 * MODEL_SAMPLE_RATE);
    const nearRestart = Math.max(...[-256, -128, 0, 128, 256].map((d) => phaseDeviation(restarted, c + d, 67)));
    expect(nearRestart).toBeGreaterThan(0.15);
    expect(phaseDeviation(restarted, c + 4000, 67)).toBeLessThan(0.01);
    const line = decodeMelodyLine(post, restarted);
    expect(line.map((n) => n.pitch)).toEqual([67, 67]);
    expect(Math.abs((line[1] as { start: number }).start - 0.7)).toBeLessThan(0.03);
    expect(decodeMelodyLine(post, restarted, { phaseReonsetThreshold: Infinity })).toHaveLength(1);
    expect(decodeMelodyLine(post, heldTone(67, 0.2, 1.2, 1.6))).toHaveLength(1);
    // A singer's vibrato, even a wide one, keeps the phases on a smooth path: one note.
    for (const cents of [30, 100, 150]) expect(decodeMelodyLine(post, heldTone(67, 0.2, 1.2, 1.6, undefined, cents))).toHaveLength(1);
  });

  it('splits where a weak onset and a weaker phase break come together, but at neither alone', () => {
    const one: SynthNote[] = [{ pitch: 67, start: 0.2, end: 1.2 }];
    // A gentle re-articulation: the phases slip by 0.3 rad, a peak deviation between 0.10 and 0.15.
    const slipped = heldTone(67, 0.2, 1.2, 1.6, 0.7, 0, 0.3);
    const c = Math.round(0.7 * MODEL_SAMPLE_RATE);
    const peak = Math.max(...[-256, -128, 0, 128, 256].map((d) => phaseDeviation(slipped, c + d, 67)));
    expect(peak).toBeGreaterThan(0.1);
    expect(peak).toBeLessThan(0.15);
    const withOnset = (onset: number): PitchPosteriors => {
      const post = fakePosteriors(one, 1.6);
      const f = Math.round(0.7 / HOP);
      post.onsets[f * BASIC_PITCH.notes + 67 - 21] = onset;
      return post;
    };
    const split = decodeMelodyLine(withOnset(0.4), slipped);
    expect(split.map((n) => n.pitch)).toEqual([67, 67]);
    expect(Math.abs((split[1] as { start: number }).start - 0.7)).toBeLessThan(0.03);
    expect(decodeMelodyLine(withOnset(0.4), slipped, { weakOnsetThreshold: Infinity })).toHaveLength(1);
    // The phase slip with no onset, or the weak onset on a steady tone: one note.
    expect(decodeMelodyLine(withOnset(0.02), slipped)).toHaveLength(1);
    expect(decodeMelodyLine(withOnset(0.4), heldTone(67, 0.2, 1.2, 1.6))).toHaveLength(1);
  });
});

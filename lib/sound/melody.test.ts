import { describe, expect, it } from 'vitest';
import { TempoError } from './errors';
import { assertMonophonic, melodyLine, quantizeLine } from './melody';
import type { HeardNote } from './notes';

const note = (pitch: number, start: number, end: number, salience = 0.8): HeardNote => ({ pitch, start, end, salience });

describe('melodyLine', () => {
  it('drops harmonic and octave ghosts inside a more certain note, keeps one voice', () => {
    const line = melodyLine([
      note(60, 0, 1, 0.8),
      note(72, 0.01, 0.9, 0.4), // 2nd harmonic
      note(79, 0.02, 0.8, 0.35), // 3rd
      note(88, 0.0, 0.7, 0.36), // 5th (+28)
      note(48, 0.1, 0.8, 0.3), // octave below
      note(62, 1.0, 2.0, 0.85),
      note(61, 1.2, 1.6, 0.3), // a semitone shadow
    ]);
    expect(line.map((n) => n.pitch)).toEqual([60, 62]);
    assertMonophonic(line);
  });

  it('keeps the more certain of two notes starting together and cuts notes at the next onset', () => {
    const line = melodyLine([note(64, 0, 0.6, 0.5), note(67, 0.02, 0.5, 0.9), note(65, 0.4, 1.0, 0.7)]);
    expect(line).toEqual([note(67, 0.02, 0.4, 0.9), note(65, 0.4, 1.0, 0.7)]);
  });

  it('is not fooled by a real melody leap of an octave (no overlap, not a ghost)', () => {
    expect(melodyLine([note(60, 0, 0.5), note(72, 0.5, 1)]).map((n) => n.pitch)).toEqual([60, 72]);
  });
});

describe('quantizeLine', () => {
  it('rounds starts and ends to 16ths from the bar line at or before the first note', () => {
    // 120 BPM: a step is 0.125 s; bar line at 0.5 s; first note in bar 2 → origin 2.5 s.
    const grid = { qpm: 120, downbeat: 0.5 };
    const { sequence, origin } = quantizeLine([note(60, 2.52, 2.74), note(62, 2.76, 3.24), note(64, 3.49, 3.8)], grid, { endDelay: 0 });
    expect(origin).toBeCloseTo(2.5);
    expect(sequence.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep])).toEqual([
      [60, 0, 2],
      [62, 2, 6],
      [64, 8, 10],
    ]);
    expect(sequence.totalQuantizedSteps).toBe(32);
    expect(sequence.tempos[0]?.qpm).toBe(120);
    expect(sequence.notes[1]?.startTime).toBeCloseTo(0.25);
  });

  it('keeps the more certain note when two land on one step, and never overlaps', () => {
    const { sequence } = quantizeLine([note(60, 0, 0.2, 0.5), note(61, 0.05, 0.4, 0.9), note(65, 0.3, 0.6)], { qpm: 120, downbeat: 0 }, { endDelay: 0 });
    expect(sequence.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep])).toEqual([
      [61, 0, 2],
      [65, 2, 5],
    ]);
  });

  it('starts a bar early for a note sung just before the bar line, and grows to whole bars', () => {
    const { sequence, origin } = quantizeLine([note(60, 0.48, 0.7), note(62, 4.6, 5.1)], { qpm: 120, downbeat: 0.5 });
    expect(origin).toBeCloseTo(0.5);
    expect(sequence.notes[0]?.quantizedStartStep).toBe(0);
    expect(sequence.totalQuantizedSteps).toBe(48);
  });

  it('refuses tempos outside 40–240', () => {
    expect(() => quantizeLine([note(60, 0, 1)], { qpm: 20, downbeat: 0 })).toThrow(TempoError);
  });
});

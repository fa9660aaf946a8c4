import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { emptyQuantizedSequence, gridNote, type QuantizedNoteSequence } from '../music/note-sequence';
import {
  drumClassOf,
  locateStep,
  noteTiming,
  notesByStep,
  segmentStarts,
  sequenceEvents,
  stepSeconds,
  SWING_RANGE,
  swingOffset,
  TEMPO_RANGE,
} from './schedule';

function seq(steps: number, notes: [pitch: number, start: number, end: number][], isDrum = false): QuantizedNoteSequence {
  const s = emptyQuantizedSequence(steps);
  s.notes = notes.map(([p, a, b]) => gridNote(p, a, b, isDrum));
  return s;
}

describe('constants and small helpers', () => {
  it('exposes the documented ranges', () => {
    expect(TEMPO_RANGE).toMatchObject({ min: 40, max: 240, default: 120 });
    expect(SWING_RANGE).toMatchObject({ min: 0, max: 0.5, default: 0 });
  });

  it('computes step length and swing offsets', () => {
    expect(stepSeconds(120)).toBe(0.125);
    expect(stepSeconds(60, 4)).toBe(0.25);
    expect(stepSeconds(120, 2)).toBe(0.25);
    expect(swingOffset(0, 0.5, 0.125)).toBe(0);
    expect(swingOffset(1, 0.5, 0.125)).toBe(0.0625);
    expect(swingOffset(2, 0.5, 0.125)).toBe(0);
    expect(swingOffset(7, 0.2, 0.25)).toBeCloseTo(0.05, 12);
  });

  it('times a note from its swung start to its swung end', () => {
    expect(noteTiming(0, 2, 0.5, 0.1)).toEqual({ offset: 0, duration: 0.2 });
    const oddToEven = noteTiming(1, 2, 0.5, 0.1);
    expect(oddToEven.offset).toBeCloseTo(0.05, 12);
    expect(oddToEven.duration).toBeCloseTo(0.05, 12);
    const evenToOdd = noteTiming(2, 5, 0.5, 0.1);
    expect(evenToOdd.duration).toBeCloseTo(0.35, 12);
    expect(noteTiming(3, 3, 0, 0.1).duration).toBeCloseTo(0.1, 12); // at least one step
  });

  it('maps General MIDI drum pitches to the 9 Magenta classes', () => {
    expect(drumClassOf(36)).toBe(0);
    expect(drumClassOf(35)).toBe(0);
    expect(drumClassOf(38)).toBe(1);
    expect(drumClassOf(42)).toBe(2);
    expect(drumClassOf(46)).toBe(3);
    expect(drumClassOf(45)).toBe(4);
    expect(drumClassOf(48)).toBe(5);
    expect(drumClassOf(50)).toBe(6);
    expect(drumClassOf(49)).toBe(7);
    expect(drumClassOf(51)).toBe(8);
    expect(drumClassOf(60 + 40)).toBeUndefined();
  });
});

describe('sequenceEvents', () => {
  it('places notes of one sequence on the straight grid', () => {
    const s = sequenceEvents(
      [
        seq(16, [
          [60, 0, 2],
          [64, 4, 8],
          [67, 15, 16],
        ]),
      ],
      { qpm: 120 },
    );
    expect(s.stepSeconds).toBe(0.125);
    expect(s.totalSteps).toBe(16);
    expect(s.totalSeconds).toBe(2);
    expect(s.segmentStartSteps).toEqual([0]);
    expect(s.events.map((e) => [e.step, e.time, e.duration, e.pitch])).toEqual([
      [0, 0, 0.25, 60],
      [4, 0.5, 0.5, 64],
      [15, 1.875, 0.125, 67],
    ]);
    expect(s.events[0]).toMatchObject({ velocity: 80 / 127, isDrum: false, segment: 0 });
    expect(s.events[0]?.drumClass).toBeUndefined();
  });

  it('delays odd steps by swing × a step, and measures durations between swung ends', () => {
    // 100 qpm → 0.15 s per step; swing 0.5 → odd steps 0.075 s late.
    const s = sequenceEvents(
      [
        seq(8, [
          [60, 0, 1],
          [62, 1, 2],
          [64, 2, 3],
          [65, 3, 5],
        ]),
      ],
      { qpm: 100, swing: 0.5 },
    );
    const times = s.events.map((e) => e.time);
    const durations = s.events.map((e) => e.duration);
    expect(times[0]).toBeCloseTo(0, 12);
    expect(times[1]).toBeCloseTo(0.15 + 0.075, 12);
    expect(times[2]).toBeCloseTo(0.3, 12);
    expect(times[3]).toBeCloseTo(0.45 + 0.075, 12);
    expect(durations[0]).toBeCloseTo(0.225, 12); // long …
    expect(durations[1]).toBeCloseTo(0.075, 12); // … short
    expect(durations[2]).toBeCloseTo(0.225, 12);
    expect(durations[3]).toBeCloseTo(0.75 + 0.075 - 0.525, 12); // odd → odd: 2 steps
    expect(s.totalSeconds).toBeCloseTo(1.2, 12); // swing never moves the end
  });

  it('plays sequences one after another and reports segment offsets', () => {
    const a = seq(32, [
      [60, 0, 4],
      [62, 31, 32],
    ]);
    const b = seq(16, [
      [64, 0, 2],
      [65, 3, 4],
    ]);
    const s = sequenceEvents([a, b, a], { qpm: 120, swing: 0.2 });
    expect(s.segmentStartSteps).toEqual([0, 32, 48]);
    expect(s.totalSteps).toBe(80);
    expect(s.totalSeconds).toBe(10);
    expect(s.events.map((e) => [e.step, e.segment, e.pitch])).toEqual([
      [0, 0, 60],
      [31, 0, 62],
      [32, 1, 64],
      [35, 1, 65],
      [48, 2, 60],
      [79, 2, 62],
    ]);
    expect(s.events[2]?.time).toBe(4);
    expect(s.events[3]?.time).toBeCloseTo(35 * 0.125 + 0.2 * 0.125, 12);
    expect(s.events[4]?.time).toBe(6);
  });

  it('sorts by time even when notes are stored out of order, ties by pitch', () => {
    const s = sequenceEvents(
      [
        seq(16, [
          [72, 8, 9],
          [40, 0, 1],
          [67, 0, 1],
          [60, 3, 4],
        ]),
      ],
      { qpm: 90 },
    );
    expect(s.events.map((e) => e.pitch)).toEqual([40, 67, 60, 72]);
    for (let i = 1; i < s.events.length; i++) expect(s.events[i]!.time).toBeGreaterThanOrEqual(s.events[i - 1]!.time);
  });

  it('tags drum notes with their class and drops notes outside their sequence', () => {
    const drums = seq(
      16,
      [
        [36, 0, 1],
        [42, 2, 3],
        [51, 4, 5],
        [99, 6, 7],
        [38, 16, 17],
        [38, -1, 0],
      ],
      true,
    );
    const s = sequenceEvents([drums], { qpm: 120 });
    expect(s.events.map((e) => [e.pitch, e.drumClass])).toEqual([
      [36, 0],
      [42, 2],
      [51, 8],
      [99, undefined],
    ]);
    expect(s.events.every((e) => e.isDrum && e.duration === 0.125)).toBe(true);
  });

  it('gives zero-length notes one step', () => {
    const s = sequenceEvents([seq(4, [[60, 1, 1]])], { qpm: 120 });
    expect(s.events[0]?.duration).toBe(0.125);
  });

  it('does not change its input', () => {
    const a = seq(16, [
      [64, 4, 8],
      [60, 0, 2],
    ]);
    const before = JSON.stringify(a);
    sequenceEvents([a], { qpm: 120, swing: 0.3 });
    expect(JSON.stringify(a)).toBe(before);
  });

  it('rejects bad options and inputs with InvalidInputError', () => {
    const a = seq(16, [[60, 0, 1]]);
    expect(() => sequenceEvents([a], { qpm: 39 })).toThrow(InvalidInputError);
    expect(() => sequenceEvents([a], { qpm: 241 })).toThrow(/Tempo must be 40–240/);
    expect(() => sequenceEvents([a], { qpm: Number.NaN })).toThrow(InvalidInputError);
    expect(() => sequenceEvents([a], { qpm: 120, swing: -0.1 })).toThrow(/Swing must be 0–0.5/);
    expect(() => sequenceEvents([a], { qpm: 120, swing: 0.51 })).toThrow(InvalidInputError);
    expect(() => sequenceEvents([], { qpm: 120 })).toThrow(/nothing to play/);
    expect(() => sequenceEvents([a], { qpm: 120, stepsPerQuarter: 0 })).toThrow(InvalidInputError);
    expect(() => sequenceEvents([emptyQuantizedSequence(0)], { qpm: 120 })).toThrow(/positive number of steps/);
    expect(() => sequenceEvents([a, emptyQuantizedSequence(12, 120, 3)], { qpm: 120 })).toThrow(/3 steps per quarter/);
    // The limits themselves are allowed.
    expect(sequenceEvents([a], { qpm: 40, swing: 0 }).stepSeconds).toBe(0.375);
    expect(sequenceEvents([a], { qpm: 240, swing: 0.5 }).stepSeconds).toBeCloseTo(0.0625, 12);
  });
});

describe('step helpers for the looping player', () => {
  const a = seq(8, [
    [60, 0, 1],
    [64, 0, 2],
    [67, 5, 6],
    [70, 9, 10],
  ]);

  it('groups notes by step and leaves out notes past the end', () => {
    const byStep = notesByStep(a);
    expect(byStep).toHaveLength(8);
    expect(byStep[0]?.map((n) => n.pitch)).toEqual([60, 64]);
    expect(byStep[5]?.map((n) => n.pitch)).toEqual([67]);
    expect(byStep[1]).toEqual([]);
    expect(byStep.flat()).toHaveLength(3);
  });

  it('locates global steps in a list of sequences, wrapping past the end', () => {
    const list = [seq(32, []), seq(16, [])];
    expect(segmentStarts(list)).toEqual([0, 32]);
    expect(locateStep(list, 0)).toEqual({ segment: 0, localStep: 0, globalStep: 0 });
    expect(locateStep(list, 31)).toEqual({ segment: 0, localStep: 31, globalStep: 31 });
    expect(locateStep(list, 32)).toEqual({ segment: 1, localStep: 0, globalStep: 32 });
    expect(locateStep(list, 47)).toEqual({ segment: 1, localStep: 15, globalStep: 47 });
    expect(locateStep(list, 48)).toEqual({ segment: 0, localStep: 0, globalStep: 0 });
    expect(locateStep(list, -1)).toEqual({ segment: 1, localStep: 15, globalStep: 47 });
  });
});

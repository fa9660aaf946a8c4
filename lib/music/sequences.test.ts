import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import { SequenceError } from './errors';
import { emptyQuantizedSequence, emptySequence, type Note, type NoteSequence, type QuantizedNoteSequence, type Tempo } from './note-sequence';
import { concatenate, pitchRange, quantize, secondsToQuarters, splitIntoWindows, transpose, trim, unquantize } from './sequences';

/** An unquantized note from `start` to `end` seconds. */
function note(pitch: number, start: number, end: number, isDrum = false): Note {
  return { pitch, velocity: 80, startTime: start, endTime: end, isDrum, program: 0, instrument: isDrum ? 9 : 0 };
}

/** An unquantized sequence at the given tempos. */
function sequence(notes: Note[], tempos: Tempo[] = [{ time: 0, qpm: 120 }], totalTime = 0): NoteSequence {
  return { ...emptySequence(), notes, tempos, totalTime };
}

/** A quantized sequence of `total` steps; notes are [pitch, startStep, endStep, isDrum?]. */
function qseq(total: number, notes: readonly (readonly [number, number, number, boolean?])[], qpm = 120, stepsPerQuarter = 4): QuantizedNoteSequence {
  const seq = emptyQuantizedSequence(total, qpm, stepsPerQuarter);
  seq.notes = notes.map(([pitch, start, end, isDrum = false]) => ({
    ...note(pitch, 0, 0, isDrum),
    quantizedStartStep: start,
    quantizedEndStep: end,
  }));
  return unquantize(seq);
}

/** [pitch, start, end] of each note, for compact comparisons. */
function steps(seq: QuantizedNoteSequence): [number, number, number][] {
  return seq.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep]);
}

describe('secondsToQuarters', () => {
  it('uses 120 qpm when there is no tempo', () => {
    expect(secondsToQuarters(1, [])).toBe(2);
    expect(secondsToQuarters(0, [])).toBe(0);
  });

  it('converts at a single tempo', () => {
    expect(secondsToQuarters(1, [{ time: 0, qpm: 120 }])).toBe(2);
    expect(secondsToQuarters(2, [{ time: 0, qpm: 90 }])).toBe(3);
    expect(secondsToQuarters(3, [{ time: 0, qpm: 60 }])).toBe(3);
    expect(secondsToQuarters(0.5, [{ time: 0, qpm: 240 }])).toBe(2);
  });

  it('follows every tempo change', () => {
    const tempos: Tempo[] = [
      { time: 0, qpm: 120 },
      { time: 1, qpm: 60 },
      { time: 3, qpm: 240 },
    ];
    expect(secondsToQuarters(0.5, tempos)).toBe(1);
    expect(secondsToQuarters(1, tempos)).toBe(2); // exactly at the change
    expect(secondsToQuarters(2, tempos)).toBe(3); // 2 + 1 s at 60
    expect(secondsToQuarters(3, tempos)).toBe(4); // 2 + 2 s at 60
    expect(secondsToQuarters(4, tempos)).toBe(8); // 2 + 2 + 1 s at 240
  });

  it('applies the first tempo before the first tempo event', () => {
    const tempos: Tempo[] = [
      { time: 1, qpm: 60 },
      { time: 2, qpm: 120 },
    ];
    expect(secondsToQuarters(0.5, tempos)).toBe(0.5);
    expect(secondsToQuarters(2, tempos)).toBe(2);
    expect(secondsToQuarters(3, tempos)).toBe(4);
  });
});

describe('quantize', () => {
  it('puts notes at 120 qpm on 16th-note steps', () => {
    const q = quantize(sequence([note(60, 0, 0.125), note(62, 0.125, 0.5), note(64, 0.5, 1), note(65, 1.75, 2)]));
    expect(steps(q)).toEqual([
      [60, 0, 1],
      [62, 1, 4],
      [64, 4, 8],
      [65, 14, 16],
    ]);
    expect(q.quantizationInfo).toEqual({ stepsPerQuarter: 4 });
    expect(q.totalQuantizedSteps).toBe(16);
  });

  it('keeps the seconds and other note fields', () => {
    const q = quantize(sequence([{ ...note(67, 0.5, 1), velocity: 100, program: 40, instrument: 2 }]));
    expect(q.notes[0]).toEqual({
      pitch: 67,
      velocity: 100,
      startTime: 0.5,
      endTime: 1,
      isDrum: false,
      program: 40,
      instrument: 2,
      quantizedStartStep: 4,
      quantizedEndStep: 8,
    });
  });

  it('uses the requested steps per quarter', () => {
    const q = quantize(sequence([note(60, 0.125, 0.5)]), 8);
    expect(steps(q)).toEqual([[60, 2, 8]]);
    expect(q.quantizationInfo.stepsPerQuarter).toBe(8);
  });

  it('rounds to the nearest step with ties going up (Magenta: floor(x + 0.5))', () => {
    // At 120 qpm one step is 0.125 s.
    const q = quantize(
      sequence([
        note(60, 0.0625, 1), // 0.5 step → 1
        note(61, 0.1875, 1), // 1.5 → 2
        note(62, 0.3125, 1), // 2.5 → 3 (banker's rounding would give 2)
        note(63, 0.06, 1), // 0.48 → 0
        note(64, 0.18, 1), // 1.44 → 1
        note(65, 0.19, 1), // 1.52 → 2
      ]),
    );
    expect(q.notes.map((n) => n.quantizedStartStep)).toEqual([1, 2, 3, 0, 1, 2]);
  });

  it('gives a very short or zero-length note one step', () => {
    const q = quantize(sequence([note(60, 0.5, 0.51), note(62, 1, 1), note(64, 1.01, 1.02)]));
    expect(steps(q)).toEqual([
      [60, 4, 5],
      [62, 8, 9],
      [64, 8, 9],
    ]);
  });

  it('follows a tempo change (120 qpm until 2 s, then 60 qpm)', () => {
    const tempos: Tempo[] = [
      { time: 0, qpm: 120 },
      { time: 2, qpm: 60 },
    ];
    // 1 s = 2 quarters → step 8; 2 s = 4 quarters → step 16;
    // 3 s = 4 quarters + 1 s at 60 qpm (1 quarter) = 5 quarters → step 20; 3.5 s → 5.5 quarters → step 22.
    const q = quantize(sequence([note(60, 1, 2), note(62, 3, 3.5)], tempos, 4));
    expect(steps(q)).toEqual([
      [60, 8, 16],
      [62, 20, 22],
    ]);
    // totalTime 4 s = 6 quarters = 24 steps, more than the last note end.
    expect(q.totalQuantizedSteps).toBe(24);
  });

  it('sorts the tempos by time before following them', () => {
    const tempos: Tempo[] = [
      { time: 2, qpm: 60 },
      { time: 0, qpm: 120 },
    ];
    const q = quantize(sequence([note(62, 3, 3.5)], tempos));
    expect(steps(q)).toEqual([[62, 20, 22]]);
    expect(q.tempos.map((t) => t.time)).toEqual([0, 2]);
  });

  it('takes the total length from the longer of totalTime and the last note end', () => {
    expect(quantize(sequence([note(60, 0, 1)], undefined, 4)).totalQuantizedSteps).toBe(32);
    expect(quantize(sequence([note(60, 0, 3)], undefined, 1)).totalQuantizedSteps).toBe(24);
    expect(quantize(sequence([])).totalQuantizedSteps).toBe(0);
  });

  it('rejects steps per quarter that are not whole numbers from 1 to 96', () => {
    const seq = sequence([note(60, 0, 1)]);
    for (const spq of [0, -4, 2.5, 97, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => quantize(seq, spq), `spq ${spq}`).toThrow(InvalidInputError);
    }
    expect(quantize(seq, 1).quantizationInfo.stepsPerQuarter).toBe(1);
    expect(quantize(seq, 96).quantizationInfo.stepsPerQuarter).toBe(96);
  });

  it('rejects absurd tempos with a SequenceError', () => {
    for (const qpm of [0, -60, Number.NaN, Number.POSITIVE_INFINITY, 1001]) {
      expect(() => quantize(sequence([note(60, 0, 1)], [{ time: 0, qpm }])), `qpm ${qpm}`).toThrow(SequenceError);
    }
    // A bad tempo later in the piece is caught too.
    expect(() =>
      quantize(
        sequence(
          [note(60, 0, 1)],
          [
            { time: 0, qpm: 120 },
            { time: 5, qpm: 0 },
          ],
        ),
      ),
    ).toThrow(SequenceError);
    expect(quantize(sequence([note(60, 0, 1)], [{ time: 0, qpm: 1000 }])).notes[0]?.quantizedEndStep).toBe(67);
  });

  it('does not change its input', () => {
    const seq = sequence(
      [note(64, 3, 3.5), note(60, 0.06, 0.07)],
      [
        { time: 2, qpm: 60 },
        { time: 0, qpm: 120 },
      ],
      4,
    );
    const before = structuredClone(seq);
    const q = quantize(seq);
    expect(seq).toEqual(before);
    expect(seq.notes[0]).not.toHaveProperty('quantizedStartStep');
    expect(seq).not.toHaveProperty('quantizationInfo');
    expect(q.notes[0]).not.toBe(seq.notes[0]);
  });
});

describe('unquantize', () => {
  it('gives seconds from steps at the first tempo', () => {
    const seq = emptyQuantizedSequence(16, 90);
    seq.notes = [{ ...note(60, 99, 99), quantizedStartStep: 4, quantizedEndStep: 8 }];
    const u = unquantize(seq);
    // 90 qpm, 4 steps per quarter: 1/6 s per step.
    expect(u.notes[0]?.startTime).toBeCloseTo(4 / 6, 12);
    expect(u.notes[0]?.endTime).toBeCloseTo(8 / 6, 12);
    expect(u.totalTime).toBeCloseTo(16 / 6, 12);
    expect(u.tempos).toEqual([{ time: 0, qpm: 90 }]);
    expect(u.notes[0]?.quantizedStartStep).toBe(4);
    expect(seq.notes[0]?.startTime).toBe(99);
  });

  it('uses a given tempo and the sequence steps per quarter', () => {
    const seq = qseq(16, [[60, 4, 8]], 120, 2);
    const u = unquantize(seq, 60);
    // 60 qpm, 2 steps per quarter: 0.5 s per step.
    expect(u.notes[0]?.startTime).toBe(2);
    expect(u.notes[0]?.endTime).toBe(4);
    expect(u.totalTime).toBe(8);
    expect(u.tempos).toEqual([{ time: 0, qpm: 60 }]);
  });

  it('flattens tempo changes to the first tempo', () => {
    const q = quantize(
      sequence(
        [note(62, 3, 3.5)],
        [
          { time: 0, qpm: 120 },
          { time: 2, qpm: 60 },
        ],
      ),
    );
    const u = unquantize(q);
    expect(u.tempos).toEqual([{ time: 0, qpm: 120 }]);
    expect(u.notes[0]?.startTime).toBe(2.5); // step 20 at 0.125 s
    expect(u.notes[0]?.endTime).toBe(2.75);
  });
});

describe('trim', () => {
  const seq = qseq(64, [
    [60, 0, 4],
    [62, 6, 10],
    [64, 12, 20],
    [65, 20, 24],
    [67, 30, 34],
    [69, 32, 36],
  ]);

  it('keeps notes starting in [start, end), shifted to step 0 and cut at the end', () => {
    const t = trim(seq, 8, 16);
    // 62 starts at 6 (before the window) and is dropped; 64 is cut at step 16.
    expect(steps(t)).toEqual([[64, 4, 8]]);
    expect(t.totalQuantizedSteps).toBe(8);
    expect(t.notes[0]?.startTime).toBe(0.5);
    expect(t.notes[0]?.endTime).toBe(1);
    expect(t.totalTime).toBe(1);
  });

  it('excludes a note starting exactly at the end step', () => {
    const t = trim(seq, 20, 32);
    expect(steps(t)).toEqual([
      [65, 0, 4],
      [67, 10, 12],
    ]);
    expect(t.totalQuantizedSteps).toBe(12);
  });

  it('keeps the tempo, steps per quarter and a 4/4 time signature', () => {
    const t = trim(qseq(32, [[60, 8, 12]], 90, 4), 8, 24);
    expect(t.tempos).toEqual([{ time: 0, qpm: 90 }]);
    expect(t.quantizationInfo.stepsPerQuarter).toBe(4);
    expect(t.timeSignatures).toEqual([{ time: 0, numerator: 4, denominator: 4 }]);
    expect(t.notes[0]?.endTime).toBeCloseTo(4 / 6, 12);
  });

  it('does not change its input', () => {
    const before = structuredClone(seq);
    trim(seq, 8, 16);
    expect(seq).toEqual(before);
  });

  it('rejects bad ranges', () => {
    for (const [start, end] of [
      [4, 4],
      [5, 3],
      [-1, 4],
      [0.5, 4],
      [0, 4.5],
      [0, Number.NaN],
    ] as const) {
      expect(() => trim(seq, start, end), `${start}..${end}`).toThrow(InvalidInputError);
    }
  });
});

describe('splitIntoWindows', () => {
  // Five bars (80 steps), one note at the start of each bar.
  const fiveBars = qseq(
    80,
    [0, 1, 2, 3, 4].map((bar) => [60 + bar, bar * 16, bar * 16 + 4] as const),
  );

  it('cuts 2-bar windows one bar apart by default', () => {
    const windows = splitIntoWindows(fiveBars);
    expect(windows.map((w) => w.startStep)).toEqual([0, 16, 32, 48]);
    windows.forEach((w, k) => {
      expect(w.sequence.totalQuantizedSteps).toBe(32);
      expect(steps(w.sequence)).toEqual([
        [60 + k, 0, 4],
        [61 + k, 16, 20],
      ]);
    });
  });

  it('uses the hop size', () => {
    const windows = splitIntoWindows(fiveBars, 32, 32);
    expect(windows.map((w) => w.startStep)).toEqual([0, 32]);
    expect(steps(windows[1]?.sequence ?? emptyQuantizedSequence(0))).toEqual([
      [62, 0, 4],
      [63, 16, 20],
    ]);
  });

  it('returns only whole windows', () => {
    expect(splitIntoWindows(qseq(79, [])).map((w) => w.startStep)).toEqual([0, 16, 32]);
    expect(splitIntoWindows(qseq(32, []))).toHaveLength(1);
    expect(splitIntoWindows(qseq(31, []))).toEqual([]);
    expect(splitIntoWindows(qseq(20, []), 8, 4).map((w) => w.startStep)).toEqual([0, 4, 8, 12]);
  });

  it('rejects window and hop sizes that are not positive whole numbers', () => {
    expect(() => splitIntoWindows(fiveBars, 0)).toThrow(InvalidInputError);
    expect(() => splitIntoWindows(fiveBars, 32, 0)).toThrow(InvalidInputError);
    expect(() => splitIntoWindows(fiveBars, 32.5)).toThrow(InvalidInputError);
    expect(() => splitIntoWindows(fiveBars, 32, -16)).toThrow(InvalidInputError);
  });
});

describe('concatenate', () => {
  it('offsets each part by the total steps before it', () => {
    const a = qseq(32, [[60, 0, 4]], 100);
    const b = qseq(16, [[62, 2, 6]]);
    const c = qseq(32, [[64, 0, 32]]);
    const joined = concatenate([a, b, c]);
    expect(steps(joined)).toEqual([
      [60, 0, 4],
      [62, 34, 38],
      [64, 48, 80],
    ]);
    expect(joined.totalQuantizedSteps).toBe(80);
    // Seconds follow the first part's tempo: 100 qpm → 0.15 s per step.
    expect(joined.tempos).toEqual([{ time: 0, qpm: 100 }]);
    expect(joined.notes[1]?.startTime).toBeCloseTo(34 * 0.15, 12);
    expect(joined.totalTime).toBeCloseTo(80 * 0.15, 12);
  });

  it('counts empty parts and leaves the inputs alone', () => {
    const a = qseq(16, []);
    const b = qseq(32, [[67, 1, 3]]);
    const before = structuredClone([a, b]);
    expect(steps(concatenate([a, b]))).toEqual([[67, 17, 19]]);
    expect([a, b]).toEqual(before);
    expect(steps(concatenate([b]))).toEqual([[67, 1, 3]]);
  });

  it('refuses to mix steps per quarter', () => {
    expect(() => concatenate([qseq(32, [], 120, 4), qseq(32, [], 120, 8)])).toThrow(SequenceError);
  });

  it('needs at least one sequence', () => {
    expect(() => concatenate([])).toThrow(InvalidInputError);
  });
});

describe('transpose', () => {
  const seq = qseq(32, [
    [60, 0, 4],
    [64, 4, 8],
    [36, 0, 1, true],
  ]);

  it('moves pitched notes and leaves drums alone', () => {
    const up = transpose(seq, 5);
    expect(up.notes.map((n) => n.pitch)).toEqual([65, 69, 36]);
    expect(transpose(seq, -12).notes.map((n) => n.pitch)).toEqual([48, 52, 36]);
    // The quantized fields survive (the result keeps the input's type).
    expect(steps(up)).toEqual([
      [65, 0, 4],
      [69, 4, 8],
      [36, 0, 1],
    ]);
    expect(seq.notes.map((n) => n.pitch)).toEqual([60, 64, 36]);
  });

  it('allows the range edges and throws SequenceError past them', () => {
    expect(transpose(seq, -60).notes.map((n) => n.pitch)).toEqual([0, 4, 36]);
    expect(transpose(seq, 63).notes.map((n) => n.pitch)).toEqual([123, 127, 36]);
    expect(() => transpose(seq, -61)).toThrow(SequenceError);
    expect(() => transpose(seq, 64)).toThrow(SequenceError);
    expect(transpose(seq, 44, 21, 108).notes.map((n) => n.pitch)).toEqual([104, 108, 36]);
    expect(() => transpose(seq, 45, 21, 108)).toThrow(SequenceError);
    expect(() => transpose(seq, -40, 21, 108)).toThrow(SequenceError);
  });

  it('rejects fractional semitones', () => {
    expect(() => transpose(seq, 0.5)).toThrow(InvalidInputError);
  });
});

describe('pitchRange', () => {
  it('gives the lowest and highest pitched note, ignoring drums', () => {
    const seq = qseq(32, [
      [64, 0, 4],
      [36, 0, 1, true],
      [59, 4, 8],
      [81, 8, 12, true],
      [72, 12, 16],
    ]);
    expect(pitchRange(seq)).toEqual({ min: 59, max: 72 });
  });

  it('is undefined without pitched notes', () => {
    expect(pitchRange(emptySequence())).toBeUndefined();
    expect(pitchRange(qseq(16, [[36, 0, 1, true]]))).toBeUndefined();
  });
});

describe('quantize rejects impossible note times', () => {
  it('throws SequenceError for negative, NaN or backwards times', () => {
    const base = { notes: [], totalTime: 1, tempos: [{ time: 0, qpm: 120 }], timeSignatures: [] };
    const note = { pitch: 60, velocity: 80, isDrum: false, program: 0, instrument: 0 };
    for (const [startTime, endTime] of [
      [-0.5, 0.5],
      [Number.NaN, 1],
      [0.5, 0.25],
    ] as const) {
      expect(() => quantize({ ...base, notes: [{ ...note, startTime, endTime }] })).toThrow(SequenceError);
    }
  });
});

describe('splitIntoWindows refuses absurd window counts', () => {
  it('throws instead of making millions of windows', () => {
    const huge = emptyQuantizedSequence(16 * 1_000_000);
    expect(() => splitIntoWindows(huge, 32, 16)).toThrow(/would make 999,999 windows; at most 20,000/);
  });
});

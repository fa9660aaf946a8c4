import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors';
import { MELODY_EXAMPLES, melodyExample } from '../examples';
import { emptyQuantizedSequence, type QuantizedNoteSequence } from '../note-sequence';
import { unquantize } from '../sequences';
import { FIRST_PITCH, foldIntoRange, MelodyConverter, NO_EVENT, NOTE_OFF } from './melody';

/** A quantized sequence of `total` steps; notes are [pitch, startStep, endStep, isDrum?]. */
function qseq(notes: readonly (readonly [number, number, number, boolean?])[], total = 32): QuantizedNoteSequence {
  const seq = emptyQuantizedSequence(total);
  seq.notes = notes.map(([pitch, start, end, isDrum = false]) => ({
    pitch,
    velocity: 80,
    startTime: 0,
    endTime: 0,
    isDrum,
    program: 0,
    instrument: isDrum ? 9 : 0,
    quantizedStartStep: start,
    quantizedEndStep: end,
  }));
  return unquantize(seq);
}

/** The event class of a note-on at `pitch` with the default range (21–108). */
const on = (pitch: number): number => pitch - 21 + 2;

/** 32 events, all NO_EVENT except the given steps. */
function events(set: Record<number, number>, length = 32): number[] {
  const out = new Array<number>(length).fill(NO_EVENT);
  for (const [step, event] of Object.entries(set)) out[Number(step)] = event;
  return out;
}

const conv = new MelodyConverter();

describe('MelodyConverter shape', () => {
  it('has 90 classes with the default range 21–108', () => {
    expect(conv.numSteps).toBe(32);
    expect(conv.inputDepth).toBe(90);
    expect(conv.outputDepth).toBe(90);
    expect(conv.kind).toBe('melody');
    expect(conv.type).toBe('MelodyConverter');
    expect([NO_EVENT, NOTE_OFF, FIRST_PITCH]).toEqual([0, 1, 2]);
  });

  it('sizes a custom range', () => {
    const c = new MelodyConverter({ numSteps: 16, minPitch: 48, maxPitch: 83 });
    expect(c.inputDepth).toBe(38);
    expect(c.outputDepth).toBe(38);
    expect(
      Array.from(
        c.toLabels(
          qseq(
            [
              [48, 0, 2],
              [83, 4, 6],
            ],
            16,
          ),
        ),
      ),
    ).toEqual(events({ 0: 2, 2: 1, 4: 37, 6: 1 }, 16));
  });

  it('gives its Magenta config entry', () => {
    expect(conv.toSpec()).toEqual({ type: 'MelodyConverter', args: { numSteps: 32, minPitch: 21, maxPitch: 108 } });
    expect(new MelodyConverter({ numSteps: 64, minPitch: 36, maxPitch: 84 }).toSpec()).toEqual({
      type: 'MelodyConverter',
      args: { numSteps: 64, minPitch: 36, maxPitch: 84 },
    });
  });

  it('rejects bad step counts and pitch ranges', () => {
    const bad = [
      { numSteps: 0, minPitch: 21, maxPitch: 108 },
      { numSteps: 1.5, minPitch: 21, maxPitch: 108 },
      { numSteps: 1025, minPitch: 21, maxPitch: 108 },
      { numSteps: 32, minPitch: -1, maxPitch: 108 },
      { numSteps: 32, minPitch: 21, maxPitch: 128 },
      { numSteps: 32, minPitch: 60, maxPitch: 70 }, // less than an octave
      { numSteps: 32, minPitch: 108, maxPitch: 21 },
      { numSteps: 32, minPitch: 21.5, maxPitch: 108 },
    ];
    for (const args of bad) expect(() => new MelodyConverter(args), JSON.stringify(args)).toThrow(InvalidInputError);
    expect(new MelodyConverter({ numSteps: 32, minPitch: 60, maxPitch: 71 }).inputDepth).toBe(14);
  });
});

describe('MelodyConverter events (Magenta Melody.fromNoteSequence)', () => {
  it('writes note-on = pitch − 21 + 2 at the start, note-off at the end step, 0 elsewhere', () => {
    const labels = conv.toLabels(
      qseq([
        [60, 0, 4],
        [62, 6, 8],
        [64, 10, 14],
      ]),
    );
    expect(labels).toBeInstanceOf(Int32Array);
    expect(Array.from(labels)).toEqual(events({ 0: 41, 4: NOTE_OFF, 6: 43, 8: NOTE_OFF, 10: 45, 14: NOTE_OFF }));
    expect(on(21)).toBe(2);
    expect(
      Array.from(
        conv.toLabels(
          qseq([
            [21, 0, 1],
            [108, 1, 2],
          ]),
        ),
      ),
    ).toEqual(events({ 0: 2, 1: 89, 2: NOTE_OFF }));
  });

  it('lets a note-on at the previous note end replace the note-off', () => {
    expect(
      Array.from(
        conv.toLabels(
          qseq([
            [60, 0, 4],
            [62, 4, 8],
          ]),
        ),
      ),
    ).toEqual(events({ 0: on(60), 4: on(62), 8: NOTE_OFF }));
  });

  it('writes each note-off at its end step even under a later note (Magenta)', () => {
    expect(
      Array.from(
        conv.toLabels(
          qseq([
            [60, 0, 12],
            [67, 4, 6],
          ]),
        ),
      ),
    ).toEqual(events({ 0: on(60), 4: on(67), 6: NOTE_OFF, 12: NOTE_OFF }));
  });

  it('writes no note-off for a note ending at or after step 32', () => {
    expect(
      Array.from(
        conv.toLabels(
          qseq([
            [60, 0, 24],
            [67, 24, 32],
          ]),
        ),
      ),
    ).toEqual(events({ 0: on(60), 24: on(67) }));
    expect(Array.from(conv.toLabels(qseq([[67, 28, 40]], 40)))).toEqual(events({ 28: on(67) }));
    expect(conv.toLabels(qseq([[67, 28, 40]], 40))).toHaveLength(32);
  });

  it('ignores notes starting outside the window', () => {
    expect(
      Array.from(
        conv.toLabels(
          qseq(
            [
              [60, 0, 4],
              [72, 32, 36],
            ],
            48,
          ),
        ),
      ),
    ).toEqual(events({ 0: on(60), 4: NOTE_OFF }));
  });

  it('keeps the highest of simultaneous onsets and counts the others as dropped', () => {
    const seq = qseq([
      [60, 0, 8],
      [64, 0, 8],
      [67, 0, 4],
      [55, 8, 12],
    ]);
    const { events: ev, report } = conv.toEvents(seq);
    // The kept note's end (4) is written; the dropped notes' end (8) is not, then 55 starts at 8.
    expect(Array.from(ev)).toEqual(events({ 0: on(67), 4: NOTE_OFF, 8: on(55), 12: NOTE_OFF }));
    expect(report).toEqual({ transposedNotes: 0, droppedNotes: 2 });
    // The input order does not matter.
    const reversed = { ...seq, notes: [...seq.notes].reverse() };
    expect(Array.from(conv.toLabels(reversed))).toEqual(Array.from(ev));
    expect(seq.notes.map((n) => n.pitch)).toEqual([60, 64, 67, 55]);
  });

  it('moves pitches outside 21–108 by octaves and counts them', () => {
    const { events: ev, report } = conv.toEvents(
      qseq([
        [12, 0, 2],
        [115, 4, 6],
        [20, 8, 10],
        [109, 12, 14],
        [21, 16, 18],
        [108, 20, 22],
      ]),
    );
    expect(Array.from(ev)).toEqual(
      events({
        0: on(24),
        2: NOTE_OFF,
        4: on(103),
        6: NOTE_OFF,
        8: on(32),
        10: NOTE_OFF,
        12: on(97),
        14: NOTE_OFF,
        16: on(21),
        18: NOTE_OFF,
        20: on(108),
        22: NOTE_OFF,
      }),
    );
    expect(report).toEqual({ transposedNotes: 4, droppedNotes: 0 });
  });

  it('ignores drum notes', () => {
    const { events: ev, report } = conv.toEvents(
      qseq([
        [60, 0, 4],
        [80, 0, 1, true],
        [42, 6, 7, true],
      ]),
    );
    expect(Array.from(ev)).toEqual(events({ 0: on(60), 4: NOTE_OFF }));
    expect(report).toEqual({ transposedNotes: 0, droppedNotes: 0 });
    expect(Array.from(conv.toLabels(qseq([[36, 0, 1, true]])))).toEqual(events({}));
  });

  it('gives the same report from toInput', () => {
    const seq = qseq([
      [12, 0, 4],
      [60, 0, 4],
      [50, 0, 2],
    ]);
    expect(conv.toInput(seq).report).toEqual({ transposedNotes: 0, droppedNotes: 2 });
    expect(conv.toInput(qseq([[12, 0, 4]])).report).toEqual({ transposedNotes: 1, droppedNotes: 0 });
  });
});

describe('foldIntoRange', () => {
  it('moves by whole octaves only as far as needed', () => {
    expect(foldIntoRange(12, 21, 108)).toBe(24);
    expect(foldIntoRange(0, 21, 108)).toBe(24);
    expect(foldIntoRange(115, 21, 108)).toBe(103);
    expect(foldIntoRange(127, 21, 108)).toBe(103);
    expect(foldIntoRange(60, 21, 108)).toBe(60);
    expect(foldIntoRange(59, 60, 71)).toBe(71);
    expect(foldIntoRange(72, 60, 71)).toBe(60);
  });
});

describe('MelodyConverter.labelsToSequence', () => {
  it('turns events back into notes', () => {
    const labels = events({ 0: on(60), 4: NOTE_OFF, 6: on(62), 8: on(64), 10: NO_EVENT, 20: NOTE_OFF, 24: on(67) });
    const seq = conv.labelsToSequence(labels);
    expect(seq.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep])).toEqual([
      [60, 0, 4], // note-off ends it
      [62, 6, 8], // the next note-on ends it
      [64, 8, 20],
      [67, 24, 32], // the last note runs to the end
    ]);
    expect(seq.totalQuantizedSteps).toBe(32);
    expect(seq.quantizationInfo).toEqual({ stepsPerQuarter: 4 });
    expect(seq.notes.every((n) => !n.isDrum && n.velocity === 80)).toBe(true);
    // 120 qpm: 0.125 s per step.
    expect(seq.notes[3]?.startTime).toBe(3);
    expect(seq.notes[3]?.endTime).toBe(4);
    expect(seq.totalTime).toBe(4);
  });

  it('uses the given tempo', () => {
    const seq = conv.labelsToSequence(events({ 8: on(60), 12: NOTE_OFF }), 60);
    expect(seq.tempos).toEqual([{ time: 0, qpm: 60 }]);
    expect(seq.notes[0]?.startTime).toBe(2);
    expect(seq.notes[0]?.endTime).toBe(3);
    expect(seq.totalTime).toBe(8);
  });

  it('gives no notes for silence and ignores stray note-offs', () => {
    expect(conv.labelsToSequence(events({})).notes).toEqual([]);
    expect(conv.labelsToSequence(events({ 3: NOTE_OFF, 9: NOTE_OFF })).notes).toEqual([]);
  });

  it('round-trips every melody example', () => {
    expect(MELODY_EXAMPLES.length).toBeGreaterThan(0);
    for (const example of MELODY_EXAMPLES) {
      const original = melodyExample(example);
      const labels = conv.toLabels(original);
      expect(
        labels.some((l) => l >= FIRST_PITCH),
        example.id,
      ).toBe(true);
      const decoded = conv.labelsToSequence(labels);
      expect(Array.from(conv.toLabels(decoded)), example.id).toEqual(Array.from(labels));
      // The examples are monophonic and inside the window, so the notes come back unchanged.
      expect(
        decoded.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep - n.quantizedStartStep]),
        example.id,
      ).toEqual(example.notes.map((n) => [...n]));
    }
  });
});

describe('MelodyConverter one-hot input', () => {
  it('has exactly one 1 per step, at the event index', () => {
    const labels = events({ 0: on(60), 4: NOTE_OFF, 6: on(108), 9: on(21), 31: NOTE_OFF });
    const input = conv.labelsToInput(labels);
    expect(input).toBeInstanceOf(Float32Array);
    expect(input).toHaveLength(32 * 90);
    for (let s = 0; s < 32; s++) {
      const row = Array.from(input.subarray(s * 90, (s + 1) * 90));
      expect(
        row.filter((v) => v === 1),
        `step ${s}`,
      ).toHaveLength(1);
      expect(
        row.filter((v) => v !== 0),
        `step ${s}`,
      ).toHaveLength(1);
      expect(row.indexOf(1), `step ${s}`).toBe(labels[s]);
    }
  });

  it('pads short label lists with NO_EVENT', () => {
    const input = conv.labelsToInput([on(60), NOTE_OFF]);
    expect(input).toHaveLength(32 * 90);
    expect(input[on(60)]).toBe(1);
    expect(input[90 + NOTE_OFF]).toBe(1);
    for (let s = 2; s < 32; s++) expect(input[s * 90 + NO_EVENT]).toBe(1);
    expect(input.reduce((a, b) => a + b, 0)).toBe(32);
  });

  it('toInput is the one-hot of toLabels', () => {
    for (const example of MELODY_EXAMPLES) {
      const seq = melodyExample(example);
      const { input } = conv.toInput(seq);
      const labels = conv.toLabels(seq);
      expect(Array.from(input), example.id).toEqual(Array.from(conv.labelsToInput(labels)));
      for (let s = 0; s < 32; s++) {
        const row = Array.from(input.subarray(s * 90, (s + 1) * 90));
        expect(row.indexOf(1)).toBe(labels[s]);
        expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/errors';
import { DRUM_EXAMPLES, drumExample } from '../examples';
import { emptyQuantizedSequence, type QuantizedNoteSequence } from '../note-sequence';
import { unquantize } from '../sequences';
import { DEFAULT_DRUM_PITCH_CLASSES, DRUM_CLASS_NAMES, DrumsConverter } from './drums';

/** A quantized drum sequence of `total` steps from [pitch, step] hits. */
function hits(list: readonly (readonly [number, number])[], total = 32): QuantizedNoteSequence {
  const seq = emptyQuantizedSequence(total);
  seq.notes = list.map(([pitch, step]) => ({
    pitch,
    velocity: 80,
    startTime: 0,
    endTime: 0,
    isDrum: true,
    program: 0,
    instrument: 9,
    quantizedStartStep: step,
    quantizedEndStep: step + 1,
  }));
  return unquantize(seq);
}

const KICK = 36;
const SNARE = 38;
const CLOSED_HAT = 42;
const RIDE = 51;
const FIRST_PITCHES = [36, 38, 42, 46, 45, 48, 50, 49, 51];

const conv = new DrumsConverter();
const python = new DrumsConverter({ numSteps: 32, flagLayout: 'python' });

/** Column `col` of every row of a numSteps × depth roll. */
function column(input: Float32Array, col: number, depth = 10, steps = 32): number[] {
  return Array.from({ length: steps }, (_, s) => input[s * depth + col] ?? Number.NaN);
}

describe('DrumsConverter shape', () => {
  it('has 9 classes: input depth 10, output depth 512', () => {
    expect(conv.numSteps).toBe(32);
    expect(conv.inputDepth).toBe(10);
    expect(conv.outputDepth).toBe(512);
    expect(conv.kind).toBe('drums');
    expect(conv.type).toBe('DrumsConverter');
    expect(conv.flagLayout).toBe('magenta-js');
    expect(python.flagLayout).toBe('python');
    expect(DEFAULT_DRUM_PITCH_CLASSES).toHaveLength(9);
  });

  it('sizes custom pitch classes', () => {
    const c = new DrumsConverter({ numSteps: 16, pitchClasses: [[36], [38, 40], [42]] });
    expect(c.inputDepth).toBe(4);
    expect(c.outputDepth).toBe(8);
    expect(
      Array.from(
        c.toLabels(
          hits(
            [
              [40, 0],
              [42, 0],
              [36, 15],
            ],
            16,
          ),
        ),
      ),
    ).toEqual([6, ...new Array<number>(14).fill(0), 1]);
  });

  it('gives its Magenta config entry', () => {
    expect(conv.toSpec()).toEqual({ type: 'DrumsConverter', args: { numSteps: 32 } });
  });

  it('rejects bad step counts and pitch classes', () => {
    expect(() => new DrumsConverter({ numSteps: 0 })).toThrow(InvalidInputError);
    expect(() => new DrumsConverter({ numSteps: 2.5 })).toThrow(InvalidInputError);
    expect(() => new DrumsConverter({ numSteps: 1025 })).toThrow(InvalidInputError);
    expect(() => new DrumsConverter({ numSteps: 32, pitchClasses: [] })).toThrow(InvalidInputError);
    expect(() => new DrumsConverter({ numSteps: 32, pitchClasses: [[36], []] })).toThrow(InvalidInputError);
    expect(() => new DrumsConverter({ numSteps: 32, pitchClasses: Array.from({ length: 13 }, (_, i) => [30 + i]) })).toThrow(InvalidInputError);
  });
});

describe('DrumsConverter labels', () => {
  it('sets bit c for a hit of class c', () => {
    const labels = conv.toLabels(
      hits([
        [KICK, 0],
        [SNARE, 0],
        [CLOSED_HAT, 4],
        [RIDE, 8],
        [35, 12], // second kick pitch
        [44, 12], // pedal hat → closed hat
        [KICK, 16],
        [KICK, 16], // the same class twice is one bit
        [49, 20],
        [50, 20],
        [45, 20],
        [48, 20],
        [46, 20],
      ]),
    );
    expect(labels).toBeInstanceOf(Int32Array);
    expect(labels).toHaveLength(32);
    expect(labels[0]).toBe(3); // kick + snare
    expect(labels[4]).toBe(4); // closed hat alone
    expect(labels[8]).toBe(256); // ride
    expect(labels[12]).toBe(1 | 4);
    expect(labels[16]).toBe(1);
    expect(labels[20]).toBe(8 | 16 | 32 | 64 | 128);
    const silent = Array.from(labels).filter((_, s) => ![0, 4, 8, 12, 16, 20].includes(s));
    expect(silent.every((l) => l === 0)).toBe(true);
  });

  it('drops and counts unknown pitches and hits outside the window', () => {
    const seq = hits(
      [
        [KICK, 0],
        [100, 0],
        [26, 3],
        [SNARE, 32],
      ],
      40,
    );
    expect(Array.from(conv.toLabels(seq))).toEqual([1, ...new Array<number>(31).fill(0)]);
    expect(conv.toInput(seq).report).toEqual({ transposedNotes: 0, droppedNotes: 3 });
    expect(python.toInput(seq).report).toEqual({ transposedNotes: 0, droppedNotes: 3 });
    expect(conv.toInput(hits([[KICK, 0]])).report).toEqual({ transposedNotes: 0, droppedNotes: 0 });
  });

  it('classOf gives the class of every listed pitch', () => {
    expect(conv.classOf(36)).toBe(0);
    expect(conv.classOf(35)).toBe(0);
    expect(conv.classOf(38)).toBe(1);
    expect(conv.classOf(42)).toBe(2);
    expect(conv.classOf(46)).toBe(3);
    expect(conv.classOf(51)).toBe(8);
    expect(conv.classOf(100)).toBeUndefined();
    expect(conv.classOf(26)).toBeUndefined();
    DEFAULT_DRUM_PITCH_CLASSES.forEach((pitches, c) => {
      for (const p of pitches) expect(conv.classOf(p), `pitch ${p}`).toBe(c);
    });
  });

  it('names its 9 classes', () => {
    expect(DRUM_CLASS_NAMES).toHaveLength(9);
    expect(DRUM_CLASS_NAMES[0]).toBe('Kick');
    expect(DRUM_CLASS_NAMES[8]).toBe('Ride');
  });
});

describe('DrumsConverter input roll', () => {
  // Hits at steps 0 and 2 only.
  const sparse = hits([
    [KICK, 0],
    [SNARE, 2],
  ]);

  it('sets the class columns of each hit', () => {
    const { input } = conv.toInput(sparse);
    expect(input).toBeInstanceOf(Float32Array);
    expect(input).toHaveLength(32 * 10);
    expect(column(input, 0)).toEqual([1, ...new Array<number>(31).fill(0)]);
    expect(column(input, 1)).toEqual([0, 0, 1, ...new Array<number>(29).fill(0)]);
    for (let c = 2; c < 9; c++)
      expect(
        column(input, c).every((v) => v === 0),
        `class ${c}`,
      ).toBe(true);
  });

  it('magenta-js layout: row s flags whether step s+1 is silent; the last row is 0', () => {
    const flags = column(conv.toInput(sparse).input, 9);
    const expected = Array.from({ length: 32 }, (_, s) => (s === 31 ? 0 : [0, 2].includes(s + 1) ? 0 : 1));
    expect(flags).toEqual(expected);
    expect(flags.slice(0, 3)).toEqual([1, 0, 1]);
    expect(flags[31]).toBe(0);
  });

  it('python layout: row s flags whether step s itself is silent', () => {
    const flags = column(python.toInput(sparse).input, 9);
    expect(flags).toEqual(Array.from({ length: 32 }, (_, s) => ([0, 2].includes(s) ? 0 : 1)));
    expect(flags[31]).toBe(1);
    // The class columns are the same in both layouts.
    for (let c = 0; c < 9; c++) expect(column(python.toInput(sparse).input, c)).toEqual(column(conv.toInput(sparse).input, c));
  });

  it('gives all-silent flags for an empty pattern', () => {
    expect(column(conv.toInput(hits([])).input, 9)).toEqual([...new Array<number>(31).fill(1), 0]);
    expect(column(python.toInput(hits([])).input, 9)).toEqual(new Array<number>(32).fill(1));
  });

  it('magenta-js layout: a hit of an unknown pitch still clears the flag (python layout: it does not)', () => {
    const seq = hits([[100, 5]]);
    expect(column(conv.toInput(seq).input, 9)[4]).toBe(0);
    expect(column(python.toInput(seq).input, 9)[5]).toBe(1);
    expect(Array.from(conv.toInput(seq).input.subarray(50, 59)).every((v) => v === 0)).toBe(true);
  });

  it('labelsToInput matches toInput for known pitches, in both layouts', () => {
    for (const example of DRUM_EXAMPLES) {
      const seq = drumExample(example);
      for (const c of [conv, python]) {
        expect(Array.from(c.labelsToInput(c.toLabels(seq))), `${example.id} ${c.flagLayout}`).toEqual(Array.from(c.toInput(seq).input));
      }
    }
  });
});

describe('DrumsConverter.labelsToSequence', () => {
  it("writes each class's first GM pitch as a one-step drum hit", () => {
    const seq = conv.labelsToSequence([511, 0, 3, 0, 4]);
    expect(seq.notes.filter((n) => n.quantizedStartStep === 0).map((n) => n.pitch)).toEqual(FIRST_PITCHES);
    expect(seq.notes.filter((n) => n.quantizedStartStep === 2).map((n) => n.pitch)).toEqual([KICK, SNARE]);
    expect(seq.notes.filter((n) => n.quantizedStartStep === 4).map((n) => n.pitch)).toEqual([CLOSED_HAT]);
    expect(seq.notes).toHaveLength(12);
    expect(seq.notes.every((n) => n.isDrum && n.quantizedEndStep === n.quantizedStartStep + 1)).toBe(true);
    expect(seq.totalQuantizedSteps).toBe(5);
    expect(seq.notes[11]?.startTime).toBe(0.5);
    expect(seq.notes[11]?.endTime).toBe(0.625);
  });

  it('writes one note per class bit', () => {
    for (let c = 0; c < 9; c++) {
      const notes = conv.labelsToSequence([1 << c]).notes;
      expect(
        notes.map((n) => n.pitch),
        `class ${c}`,
      ).toEqual([FIRST_PITCHES[c]]);
    }
  });

  it('uses the given tempo', () => {
    const seq = conv.labelsToSequence([0, 0, 0, 0, 1], 60);
    expect(seq.tempos).toEqual([{ time: 0, qpm: 60 }]);
    expect(seq.notes[0]?.startTime).toBe(1);
  });

  it('round-trips every drum example', () => {
    expect(DRUM_EXAMPLES.length).toBeGreaterThan(0);
    for (const example of DRUM_EXAMPLES) {
      const labels = conv.toLabels(drumExample(example));
      expect(
        labels.some((l) => l !== 0),
        example.id,
      ).toBe(true);
      const decoded = conv.labelsToSequence(labels);
      expect(
        decoded.notes.every((n) => n.isDrum),
        example.id,
      ).toBe(true);
      expect(Array.from(conv.toLabels(decoded)), example.id).toEqual(Array.from(labels));
    }
  });

  it('reads the rock example as kick/snare/hat bits', () => {
    const rock = DRUM_EXAMPLES.find((e) => e.id === 'rock');
    expect(rock).toBeDefined();
    if (!rock) return;
    const labels = conv.toLabels(drumExample(rock));
    expect(labels[0]).toBe(1 | 4); // kick + closed hat
    expect(labels[1]).toBe(0);
    expect(labels[4]).toBe(2 | 4); // snare + closed hat
    expect(labels[10]).toBe(1 | 4);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors';
import {
  CLIP_STEPS,
  decodeDrumClip,
  decodeMelodyClip,
  drumGrid,
  drumsFromGrid,
  encodeDrumClip,
  EMPTY_MELODY_CLIP,
  encodeMelodyClip,
  melodyNoteAt,
  placeMelodyNote,
  removeMelodyNoteAt,
  toggleDrumCell,
  withTempo,
} from './clips';
import { drumClassOf } from './converters/drums';
import { DRUM_EXAMPLES, MELODY_EXAMPLES, drumExample, melodyExample } from './examples';
import { emptyQuantizedSequence } from './note-sequence';

const notesOf = (s: ReturnType<typeof decodeMelodyClip>) => s.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep]);

describe('melody clips in the URL', () => {
  it('round-trips every built-in melody exactly', () => {
    for (const ex of MELODY_EXAMPLES) {
      const seq = melodyExample(ex);
      const text = encodeMelodyClip(seq);
      expect(text).toMatch(/^[\d._]+$/);
      const back = decodeMelodyClip(text);
      expect(notesOf(back)).toEqual(notesOf(seq));
      expect(back.totalQuantizedSteps).toBe(CLIP_STEPS);
    }
  });

  it('reads an empty string as silence and gives seconds at the tempo', () => {
    expect(decodeMelodyClip('').notes).toEqual([]);
    // An empty melody has its own non-empty form, so a cleared slot stays empty in the URL.
    const empty = encodeMelodyClip(decodeMelodyClip(''));
    expect(empty).toBe(EMPTY_MELODY_CLIP);
    expect(empty).not.toBe('');
    expect(decodeMelodyClip(empty).notes).toEqual([]);
    const s = decodeMelodyClip('60.4.4', 60);
    expect(s.notes[0]?.startTime).toBeCloseTo(1); // 4 sixteenths at 60 qpm = 1 s
    expect(s.notes[0]?.endTime).toBeCloseTo(2);
  });

  it.each([
    ['60-0-4', 'is not a note'],
    ['200.0.4', 'outside 21–108'],
    ['60.30.4', 'does not fit'],
    ['60.0.0', 'does not fit'],
    [Array.from({ length: 33 }, (_, i) => `60.${i % 32}.1`).join('_'), 'at most 32 notes'],
  ])('rejects %s with a clear message', (text, message) => {
    expect(() => decodeMelodyClip(text)).toThrow(InvalidInputError);
    expect(() => decodeMelodyClip(text)).toThrow(message);
  });

  it('keeps a damaged link with overlapping notes to one voice', () => {
    const s = decodeMelodyClip('60.0.8_64.4.4');
    expect(notesOf(s)).toEqual([
      [60, 0, 4],
      [64, 4, 8],
    ]);
  });
});

describe('melody editing', () => {
  it('placing a note cuts the note sounding before it and removes the ones it covers', () => {
    let s = emptyQuantizedSequence(32);
    s = placeMelodyNote(s, 60, 0, 8);
    s = placeMelodyNote(s, 62, 8, 10);
    s = placeMelodyNote(s, 64, 12, 16);
    s = placeMelodyNote(s, 67, 4, 14);
    expect(notesOf(s)).toEqual([
      [60, 0, 4],
      [67, 4, 14],
    ]);
    expect(s.notes[1]?.startTime).toBeCloseTo(0.5); // 4 steps at 120 qpm
  });

  it('removes the note under the pointer and finds notes by cell', () => {
    const s = placeMelodyNote(emptyQuantizedSequence(32), 60, 2, 6);
    expect(melodyNoteAt(s, 60, 5)?.quantizedStartStep).toBe(2);
    expect(melodyNoteAt(s, 60, 6)).toBeUndefined();
    expect(removeMelodyNoteAt(s, 61, 3)).toBe(s);
    expect(removeMelodyNoteAt(s, 60, 3).notes).toEqual([]);
  });

  it('refuses notes outside the clip', () => {
    const s = emptyQuantizedSequence(32);
    expect(() => placeMelodyNote(s, 60, 30, 33)).toThrow(InvalidInputError);
    expect(() => placeMelodyNote(s, 128, 0, 1)).toThrow('0–127');
  });
});

describe('drum clips', () => {
  it('round-trips every drum example through the grid and the URL form', () => {
    for (const ex of DRUM_EXAMPLES) {
      const seq = drumExample(ex);
      const grid = drumGrid(seq);
      expect(grid).toHaveLength(9);
      const text = encodeDrumClip(seq);
      expect(text).toHaveLength(64);
      expect(drumGrid(decodeDrumClip(text))).toEqual(grid);
      expect(drumGrid(drumsFromGrid(grid))).toEqual(grid);
    }
  });

  it('maps the rock beat to the right rows', () => {
    const grid = drumGrid(drumExample(DRUM_EXAMPLES[0]!));
    expect(grid[0]?.[0]).toBe(true); // kick on 1
    expect(grid[1]?.[4]).toBe(true); // snare on 2
    expect(grid[1]?.[0]).toBe(false);
    expect(grid[2]?.filter(Boolean)).toHaveLength(16); // closed hat on 8ths
  });

  it('toggles one cell and nothing else', () => {
    const seq = drumExample(DRUM_EXAMPLES[0]!);
    const on = toggleDrumCell(seq, 8, 3);
    const before = drumGrid(seq);
    const after = drumGrid(on);
    expect(after[8]?.[3]).toBe(true);
    after[8]![3] = false;
    expect(after).toEqual(before);
    expect(drumGrid(toggleDrumCell(on, 8, 3))).toEqual(before);
    expect(() => toggleDrumCell(seq, 9, 0)).toThrow(InvalidInputError);
  });

  it('knows General MIDI drum pitches', () => {
    expect(drumClassOf(36)).toBe(0);
    expect(drumClassOf(35)).toBe(0);
    expect(drumClassOf(42)).toBe(2);
    expect(drumClassOf(51)).toBe(8);
    expect(drumClassOf(60)).toBe(5);
    expect(drumClassOf(100)).toBeUndefined();
  });

  it.each([
    ['00', '64 characters'],
    ['zz'.repeat(32), '64 characters'],
    ['vv'.repeat(32), 'does not exist'],
  ])('rejects the damaged pattern %s', (text, message) => {
    expect(() => decodeDrumClip(text)).toThrow(message);
  });
});

it('withTempo keeps the steps and recomputes seconds', () => {
  const s = withTempo(decodeMelodyClip('60.4.4'), 60);
  expect(s.tempos[0]?.qpm).toBe(60);
  expect(s.notes[0]?.quantizedStartStep).toBe(4);
  expect(s.notes[0]?.startTime).toBeCloseTo(1);
});

describe('editedDrumClip', () => {
  it('is the clip of an edited pattern, and nothing once the pattern is back to what was sampled', async () => {
    const { editedDrumClip, toggleDrumCell, drumsFromGrid } = await import('./clips');
    const original = drumsFromGrid(Array.from({ length: 9 }, (_, c) => Array.from({ length: 32 }, (_, s) => c === 0 && s % 8 === 0)));
    const once = toggleDrumCell(original, 2, 4);
    expect(editedDrumClip(once, original)).toMatch(/^[0-9a-v]{64}$/);
    const back = toggleDrumCell(once, 2, 4);
    expect(editedDrumClip(back, original)).toBeUndefined();
    expect(editedDrumClip(back, undefined)).toMatch(/^[0-9a-v]{64}$/);
  });
});

/**
 * A small library of 2-bar phrases written by the team as data: public-domain folk and classical
 * melodies, and classic drum grooves. Used as built-in examples, test fixtures and benchmark input.
 * Melody notes: [MIDI pitch, start step, length in steps] at 4 steps per quarter (16 per bar).
 * Drum rows: one character per step, "x" = hit.
 */
import { emptyQuantizedSequence, gridNote, type QuantizedNoteSequence } from './note-sequence';
import { DRUM_CLASS_PITCHES } from './converters/drums';
import { unquantize } from './sequences';

export interface MelodyExample {
  id: string;
  title: string;
  notes: readonly (readonly [number, number, number])[];
}

export const MELODY_EXAMPLES: readonly MelodyExample[] = [
  {
    id: 'twinkle',
    title: 'Twinkle, Twinkle, Little Star (French folk)',
    notes: [
      [60, 0, 4],
      [60, 4, 4],
      [67, 8, 4],
      [67, 12, 4],
      [69, 16, 4],
      [69, 20, 4],
      [67, 24, 8],
    ],
  },
  {
    id: 'ode-to-joy',
    title: 'Ode to Joy (Beethoven)',
    notes: [
      [64, 0, 4],
      [64, 4, 4],
      [65, 8, 4],
      [67, 12, 4],
      [67, 16, 4],
      [65, 20, 4],
      [64, 24, 4],
      [62, 28, 4],
    ],
  },
  {
    id: 'frere-jacques',
    title: 'Frère Jacques (French folk)',
    notes: [
      [65, 0, 4],
      [67, 4, 4],
      [69, 8, 4],
      [65, 12, 4],
      [65, 16, 4],
      [67, 20, 4],
      [69, 24, 4],
      [65, 28, 4],
    ],
  },
  {
    id: 'greensleeves',
    title: 'Greensleeves (English folk, in 4/4)',
    notes: [
      [57, 0, 4],
      [60, 4, 8],
      [62, 12, 4],
      [64, 16, 6],
      [65, 22, 2],
      [64, 24, 4],
      [62, 28, 4],
    ],
  },
  {
    id: 'saints',
    title: 'When the Saints Go Marching In (spiritual)',
    notes: [
      [60, 4, 4],
      [64, 8, 4],
      [65, 12, 4],
      [67, 16, 16],
    ],
  },
  {
    id: 'eine-kleine',
    title: 'Eine kleine Nachtmusik (Mozart)',
    notes: [
      [67, 0, 4],
      [62, 6, 2],
      [67, 8, 4],
      [62, 14, 2],
      [67, 16, 2],
      [62, 18, 2],
      [67, 20, 2],
      [71, 22, 2],
      [74, 24, 8],
    ],
  },
  {
    id: 'mary-lamb',
    title: 'Mary Had a Little Lamb (American folk)',
    notes: [
      [64, 0, 3],
      [62, 3, 1],
      [60, 4, 2],
      [62, 6, 2],
      [64, 8, 2],
      [64, 10, 2],
      [64, 12, 4],
      [62, 16, 2],
      [62, 18, 2],
      [62, 20, 4],
      [64, 24, 2],
      [67, 26, 2],
      [67, 28, 4],
    ],
  },
  {
    id: 'scarborough',
    title: 'Scarborough Fair (English folk, in 4/4)',
    notes: [
      [62, 0, 4],
      [62, 4, 4],
      [69, 8, 4],
      [69, 12, 2],
      [64, 14, 2],
      [65, 16, 3],
      [64, 19, 1],
      [62, 20, 4],
      [69, 24, 8],
    ],
  },
];

export interface DrumExample {
  id: string;
  title: string;
  /** Rows by class: kick, snare, closed hat, open hat, low tom, mid tom, high tom, crash, ride. */
  rows: Partial<Record<'kick' | 'snare' | 'closedHat' | 'openHat' | 'lowTom' | 'midTom' | 'highTom' | 'crash' | 'ride', string>>;
}

export const DRUM_EXAMPLES: readonly DrumExample[] = [
  {
    id: 'rock',
    title: 'Basic rock beat',
    rows: { kick: 'x.......x.x.....x.......x.x.....', snare: '....x.......x.......x.......x...', closedHat: 'x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.' },
  },
  {
    id: 'four-on-the-floor',
    title: 'Four on the floor (disco/house)',
    rows: {
      kick: 'x...x...x...x...x...x...x...x...',
      snare: '....x.......x.......x.......x...',
      closedHat: '..x...x...x...x...x...x...x...x.',
      openHat: '......x.......x.......x.......x.',
    },
  },
  {
    id: 'funk',
    title: 'Funky drummer-style groove',
    rows: { kick: 'x.x.......x..x..x.x.......x..x..', snare: '....x..x.x..x..x....x..x.x..x..x', closedHat: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
  },
  {
    id: 'bossa',
    title: 'Bossa nova',
    rows: { kick: 'x..xx..xx..xx..xx..xx..xx..xx..x', snare: 'x..x..x...x..x..x..x..x...x..x..', ride: 'x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.' },
  },
  {
    id: 'half-time',
    title: 'Half-time shuffle with fill',
    rows: {
      kick: 'x.....x...x.....x.....x.........',
      snare: '........x...............x.......',
      closedHat: 'x.xx.xx.xx.xx.xx.x.xx.xx.x......',
      highTom: '..........................xx....',
      midTom: '............................xx..',
      lowTom: '..............................xx',
      crash: 'x...............................',
    },
  },
  {
    id: 'reggae',
    title: 'One-drop reggae',
    rows: { kick: '........x...............x.......', snare: '........x...............x.......', closedHat: 'x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.', ride: '' },
  },
];

/** Each row's drum class (Magenta's class order), whose General MIDI pitch is written. */
const ROW_CLASS = { kick: 0, snare: 1, closedHat: 2, openHat: 3, lowTom: 4, midTom: 5, highTom: 6, crash: 7, ride: 8 } as const;

/** A melody example as a quantized 2-bar (32-step) sequence at `qpm`. */
export function melodyExample(example: MelodyExample, qpm = 120): QuantizedNoteSequence {
  const seq = emptyQuantizedSequence(32, qpm);
  seq.notes = example.notes.map(([pitch, start, length]) => gridNote(pitch, start, start + length));
  return unquantize(seq);
}

/** A drum example as a quantized 2-bar (32-step) sequence at `qpm`. */
export function drumExample(example: DrumExample, qpm = 120): QuantizedNoteSequence {
  const seq = emptyQuantizedSequence(32, qpm);
  for (const [name, row] of Object.entries(example.rows)) {
    const pitch = DRUM_CLASS_PITCHES[ROW_CLASS[name as keyof typeof ROW_CLASS]] ?? 36;
    [...(row ?? '')].forEach((ch, step) => {
      if (ch === 'x' && step < 32) {
        seq.notes.push(gridNote(pitch, step, step + 1, true));
      }
    });
  }
  seq.notes.sort((a, b) => a.quantizedStartStep - b.quantizedStartStep || a.pitch - b.pitch);
  return unquantize(seq);
}

/**
 * General MIDI's melodic instruments: the 128 program names, their 16 families (eight programs
 * each), and the fixed set of programs the timbre model never sees in training (one per family it
 * is trained on), so "held-out instruments" means the same notes in every run and every report.
 */
import { InvalidInputError } from '../core/errors';

/** The 16 GM families, in program order (family f holds programs 8f … 8f + 7). */
export const GM_FAMILIES = [
  'piano',
  'chromatic percussion',
  'organ',
  'guitar',
  'bass',
  'strings',
  'ensemble',
  'brass',
  'reed',
  'pipe',
  'synth lead',
  'synth pad',
  'synth effects',
  'ethnic',
  'percussive',
  'sound effects',
] as const;

export type GmFamily = (typeof GM_FAMILIES)[number];

/** GM level 1 program names, 0-based (program 0 = Acoustic Grand Piano). */
export const GM_PROGRAM_NAMES: readonly string[] = [
  'Acoustic Grand Piano',
  'Bright Acoustic Piano',
  'Electric Grand Piano',
  'Honky-tonk Piano',
  'Electric Piano 1',
  'Electric Piano 2',
  'Harpsichord',
  'Clavinet',
  'Celesta',
  'Glockenspiel',
  'Music Box',
  'Vibraphone',
  'Marimba',
  'Xylophone',
  'Tubular Bells',
  'Dulcimer',
  'Drawbar Organ',
  'Percussive Organ',
  'Rock Organ',
  'Church Organ',
  'Reed Organ',
  'Accordion',
  'Harmonica',
  'Tango Accordion',
  'Acoustic Guitar (nylon)',
  'Acoustic Guitar (steel)',
  'Electric Guitar (jazz)',
  'Electric Guitar (clean)',
  'Electric Guitar (muted)',
  'Overdriven Guitar',
  'Distortion Guitar',
  'Guitar Harmonics',
  'Acoustic Bass',
  'Electric Bass (finger)',
  'Electric Bass (pick)',
  'Fretless Bass',
  'Slap Bass 1',
  'Slap Bass 2',
  'Synth Bass 1',
  'Synth Bass 2',
  'Violin',
  'Viola',
  'Cello',
  'Contrabass',
  'Tremolo Strings',
  'Pizzicato Strings',
  'Orchestral Harp',
  'Timpani',
  'String Ensemble 1',
  'String Ensemble 2',
  'Synth Strings 1',
  'Synth Strings 2',
  'Choir Aahs',
  'Voice Oohs',
  'Synth Voice',
  'Orchestra Hit',
  'Trumpet',
  'Trombone',
  'Tuba',
  'Muted Trumpet',
  'French Horn',
  'Brass Section',
  'Synth Brass 1',
  'Synth Brass 2',
  'Soprano Sax',
  'Alto Sax',
  'Tenor Sax',
  'Baritone Sax',
  'Oboe',
  'English Horn',
  'Bassoon',
  'Clarinet',
  'Piccolo',
  'Flute',
  'Recorder',
  'Pan Flute',
  'Blown Bottle',
  'Shakuhachi',
  'Whistle',
  'Ocarina',
  'Lead 1 (square)',
  'Lead 2 (sawtooth)',
  'Lead 3 (calliope)',
  'Lead 4 (chiff)',
  'Lead 5 (charang)',
  'Lead 6 (voice)',
  'Lead 7 (fifths)',
  'Lead 8 (bass + lead)',
  'Pad 1 (new age)',
  'Pad 2 (warm)',
  'Pad 3 (polysynth)',
  'Pad 4 (choir)',
  'Pad 5 (bowed)',
  'Pad 6 (metallic)',
  'Pad 7 (halo)',
  'Pad 8 (sweep)',
  'FX 1 (rain)',
  'FX 2 (soundtrack)',
  'FX 3 (crystal)',
  'FX 4 (atmosphere)',
  'FX 5 (brightness)',
  'FX 6 (goblins)',
  'FX 7 (echoes)',
  'FX 8 (sci-fi)',
  'Sitar',
  'Banjo',
  'Shamisen',
  'Koto',
  'Kalimba',
  'Bagpipe',
  'Fiddle',
  'Shanai',
  'Tinkle Bell',
  'Agogo',
  'Steel Drums',
  'Woodblock',
  'Taiko Drum',
  'Melodic Tom',
  'Synth Drum',
  'Reverse Cymbal',
  'Guitar Fret Noise',
  'Breath Noise',
  'Seashore',
  'Bird Tweet',
  'Telephone Ring',
  'Helicopter',
  'Applause',
  'Gunshot',
];

/**
 * The programs the dataset renders: 0–111, the 14 families whose instruments play a pitch.
 * Percussive (112–119) and sound effects (120–127) are left out: most of them have no steady pitch,
 * and a model conditioned on pitch cannot be asked to rebuild them.
 */
export const TIMBRE_PROGRAMS: readonly number[] = Array.from({ length: 112 }, (_, i) => i);

/** The families those programs cover (14 of GM's 16). */
export const TIMBRE_FAMILIES: readonly GmFamily[] = GM_FAMILIES.slice(0, 14);

/**
 * Held-out instruments: one program in every rendered family, at a different position in each
 * (program 8f + (3f + 1) mod 8), never used for training, only for the evaluation's
 * "new instrument" figures. Fixed, so every run and report means the same 14 instruments.
 */
export const HELD_OUT_PROGRAMS: readonly number[] = TIMBRE_FAMILIES.map((_, f) => 8 * f + ((3 * f + 1) % 8));

/** Checks a GM program number (0–127). */
function checkProgram(program: number): number {
  if (!Number.isInteger(program) || program < 0 || program > 127) {
    throw new InvalidInputError(`A General MIDI program is a whole number from 0 to 127; got ${String(program)}.`);
  }
  return program;
}

/** The family of a GM program (0–127). */
export function gmFamily(program: number): GmFamily {
  return GM_FAMILIES[Math.floor(checkProgram(program) / 8)] as GmFamily;
}

/** The family's index 0–15. */
export function gmFamilyIndex(program: number): number {
  return Math.floor(checkProgram(program) / 8);
}

/** The program's GM name. */
export function gmProgramName(program: number): string {
  return GM_PROGRAM_NAMES[checkProgram(program)] ?? `Program ${program}`;
}

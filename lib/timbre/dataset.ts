/**
 * The mini-NSynth: which notes are rendered, how they are labelled and split, the MIDI file that
 * plays them, and the dataset's index file. Pure (no files, no processes): `dataset-node.ts` renders
 * and stores; tests build tiny datasets with the same functions.
 *
 * One note = one GM program (instrument) at one pitch and velocity, held 1 s, then released, cut
 * to 1.28 s at 16 kHz mono. Splits:
 * - `train` / `validation`: the first soundfont (FluidR3 GM), every program except the held-out
 *   ones; about 1 note in 12 (a fixed rule on program, pitch and velocity) is kept for validation;
 * - `heldout-program`: the first soundfont's notes of the 14 held-out programs (new instruments);
 * - `heldout-soundfont`: every note of the second soundfont (MuseScore General), "another
 *   recording" of the same programs.
 */
import { writeMidi, type MidiEvent } from 'midi-file';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors';
import { gmFamily, gmFamilyIndex, GM_FAMILIES, HELD_OUT_PROGRAMS, TIMBRE_PROGRAMS } from './gm';
import { FEATURE_DIMS } from './features';
import { FRAMES, HELD_SECONDS, NOTE_SAMPLES, SAMPLE_RATE } from './spec';

export const SPLITS = ['train', 'validation', 'heldout-program', 'heldout-soundfont'] as const;
export type Split = (typeof SPLITS)[number];

/** The default pitch grid: C2 … C6 every 3 semitones (17 pitches). */
export const DEFAULT_PITCHES: readonly number[] = Array.from({ length: 17 }, (_, i) => 36 + 3 * i);
/** Three dynamics: soft, medium, loud. */
export const DEFAULT_VELOCITIES: readonly number[] = [45, 80, 115];

/** A soundfont the dataset renders with. The first one given is the training soundfont. */
export interface SoundfontSpec {
  /** Short id used in file names and the index, e.g. "fluidr3". */
  id: string;
  path: string;
}

export const DEFAULT_SOUNDFONTS: readonly SoundfontSpec[] = [
  { id: 'fluidr3', path: '/usr/share/sounds/sf2/FluidR3_GM.sf2' },
  { id: 'musescore', path: '/usr/share/sounds/sf3/MuseScore_General.sf3' },
];

/** One planned note, before rendering. */
export interface PlannedNote {
  soundfont: string;
  program: number;
  pitch: number;
  velocity: number;
  split: Split;
}

/** Validation rule for training programs: a fixed ~1-in-12 choice, spread over programs, pitches and velocities. */
export function isValidationNote(program: number, pitchIndex: number, velocityIndex: number): boolean {
  return (program * 7 + pitchIndex * 3 + velocityIndex * 5) % 12 === 0;
}

/** The split of a note (see the file comment). */
export function splitOf(soundfontIndex: number, program: number, pitchIndex: number, velocityIndex: number, heldOut = HELD_OUT_PROGRAMS): Split {
  if (soundfontIndex > 0) return 'heldout-soundfont';
  if (heldOut.includes(program)) return 'heldout-program';
  return isValidationNote(program, pitchIndex, velocityIndex) ? 'validation' : 'train';
}

export interface DatasetPlan {
  soundfonts: readonly SoundfontSpec[];
  programs: readonly number[];
  pitches: readonly number[];
  velocities: readonly number[];
  heldOutPrograms: readonly number[];
}

export const DEFAULT_PLAN: DatasetPlan = {
  soundfonts: DEFAULT_SOUNDFONTS,
  programs: TIMBRE_PROGRAMS,
  pitches: DEFAULT_PITCHES,
  velocities: DEFAULT_VELOCITIES,
  heldOutPrograms: HELD_OUT_PROGRAMS,
};

/** Checks a plan's numbers (programs 0–127, pitches 0–127, velocities 1–127, at least one of each). */
export function checkPlan(plan: DatasetPlan): DatasetPlan {
  const whole = (what: string, values: readonly number[], lo: number, hi: number): void => {
    if (values.length === 0) throw new InvalidInputError(`The dataset needs at least one ${what}.`);
    for (const v of values)
      if (!Number.isInteger(v) || v < lo || v > hi) throw new InvalidInputError(`Each ${what} must be a whole number ${lo}–${hi}; got ${v}.`);
  };
  whole('program', plan.programs, 0, 127);
  whole('pitch', plan.pitches, 0, 127);
  whole('velocity', plan.velocities, 1, 127);
  if (plan.soundfonts.length === 0) throw new InvalidInputError('The dataset needs at least one soundfont.');
  return plan;
}

/** Every note of a plan, soundfont by soundfont, program by program, pitch by pitch, velocity by velocity. */
export function planNotes(plan: DatasetPlan): PlannedNote[] {
  checkPlan(plan);
  const out: PlannedNote[] = [];
  plan.soundfonts.forEach((sf, s) => {
    for (const program of plan.programs) {
      plan.pitches.forEach((pitch, p) => {
        plan.velocities.forEach((velocity, v) => {
          out.push({ soundfont: sf.id, program, pitch, velocity, split: splitOf(s, program, p, v, plan.heldOutPrograms) });
        });
      });
    }
  });
  return out;
}

/** Seconds from one note's start to the next in a rendered program file. */
export const SLOT_SECONDS = 1.5;
/** Silence before the first note (lets the synth load the program). */
export const LEAD_SECONDS = 0.5;
const TICKS_PER_BEAT = 480;
/** 120 bpm: a beat is 0.5 s, so a tick is 1/960 s. */
const TICKS_PER_SECOND = 960;

/** Where note i of a program file starts, in samples at 16 kHz. */
export function noteStartSample(i: number): number {
  return Math.round((LEAD_SECONDS + i * SLOT_SECONDS) * SAMPLE_RATE);
}

/**
 * A standard MIDI file playing `notes` (pitch, velocity) on one channel with `program`: note i
 * starts at 0.5 + 1.5·i s, is held {@link HELD_SECONDS}, and every sound is cut (All Sound Off)
 * just after the 1.28-s clip, so no release tail leaks into the next note.
 */
export function programMidi(program: number, notes: readonly { pitch: number; velocity: number }[]): Uint8Array {
  const events: { tick: number; order: number; event: MidiEvent }[] = [];
  const at = (seconds: number): number => Math.round(seconds * TICKS_PER_SECOND);
  const channel = 0;
  events.push({ tick: 0, order: 0, event: { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: 500_000 } });
  events.push({ tick: 0, order: 1, event: { deltaTime: 0, type: 'programChange', channel, programNumber: program } });
  notes.forEach((n, i) => {
    const start = LEAD_SECONDS + i * SLOT_SECONDS;
    events.push({ tick: at(start), order: 2, event: { deltaTime: 0, type: 'noteOn', channel, noteNumber: n.pitch, velocity: n.velocity } });
    events.push({ tick: at(start + HELD_SECONDS), order: 3, event: { deltaTime: 0, type: 'noteOff', channel, noteNumber: n.pitch, velocity: 64 } });
    const cut = start + NOTE_SAMPLES / SAMPLE_RATE + 0.02;
    events.push({ tick: at(cut), order: 4, event: { deltaTime: 0, type: 'controller', channel, controllerType: 120, value: 0 } });
    events.push({ tick: at(cut), order: 5, event: { deltaTime: 0, type: 'controller', channel, controllerType: 121, value: 0 } });
  });
  const end = LEAD_SECONDS + notes.length * SLOT_SECONDS;
  events.push({ tick: at(end), order: 9, event: { deltaTime: 0, meta: true, type: 'endOfTrack' } });
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);
  let last = 0;
  const track = events.map(({ tick, event }) => {
    const e = { ...event, deltaTime: tick - last };
    last = tick;
    return e;
  });
  return Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: TICKS_PER_BEAT }, tracks: [track] }));
}

/** One stored note of a dataset. */
export const datasetNoteSchema = z.object({
  soundfont: z.string(),
  program: z.number().int().min(0).max(127),
  family: z.enum(GM_FAMILIES),
  pitch: z.number().int().min(0).max(127),
  velocity: z.number().int().min(1).max(127),
  split: z.enum(SPLITS),
  /** Position of the note's clip (and features) in its soundfont's files. */
  index: z.number().int().nonnegative(),
  peak: z.number().nonnegative(),
  /** Loudest 46-ms frame, dBFS. */
  loudnessDb: z.number(),
  /** f0 measured near the label pitch (±1 semitone), Hz. */
  f0Hz: z.number().positive(),
  harmonicity: z.number().min(0).max(1),
});
export type DatasetNote = z.infer<typeof datasetNoteSchema>;

export const DATASET_FORMAT = 'latent-lab-timbre-dataset';

export const datasetIndexSchema = z.object({
  format: z.literal(DATASET_FORMAT),
  version: z.literal(1),
  sampleRate: z.literal(SAMPLE_RATE),
  noteSamples: z.literal(NOTE_SAMPLES),
  heldSeconds: z.number(),
  featureDims: z.number().int().positive(),
  frames: z.number().int().positive(),
  soundfonts: z.array(z.object({ id: z.string(), path: z.string(), bytes: z.number().int().nonnegative(), notes: z.number().int().nonnegative() })),
  programs: z.array(z.number().int()),
  pitches: z.array(z.number().int()),
  velocities: z.array(z.number().int()),
  heldOutPrograms: z.array(z.number().int()),
  notes: z.array(datasetNoteSchema),
  /** Notes that were rendered but not kept, and why (silent, no pitch near the label…). */
  dropped: z.array(z.object({ soundfont: z.string(), program: z.number().int(), pitch: z.number().int(), velocity: z.number().int(), reason: z.string() })),
  command: z.string(),
  createdAt: z.string(),
});
export type DatasetIndex = z.infer<typeof datasetIndexSchema>;

/** The fixed fields of every index this code writes: format, version and the clip and feature sizes. */
export function indexFormat(): Pick<DatasetIndex, 'format' | 'version' | 'sampleRate' | 'noteSamples' | 'heldSeconds' | 'featureDims' | 'frames'> {
  return {
    format: DATASET_FORMAT,
    version: 1,
    sampleRate: SAMPLE_RATE,
    noteSamples: NOTE_SAMPLES,
    heldSeconds: HELD_SECONDS,
    featureDims: FEATURE_DIMS,
    frames: FRAMES,
  };
}

/** The label fields of a planned note (family from the program). */
export function labelOf(note: PlannedNote): { program: number; family: (typeof GM_FAMILIES)[number]; familyIndex: number; pitch: number } {
  return { program: note.program, family: gmFamily(note.program), familyIndex: gmFamilyIndex(note.program), pitch: note.pitch };
}

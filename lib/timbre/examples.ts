/**
 * The shipped example notes (models/timbre/examples/): one note of every rendered GM family, C4,
 * medium velocity, rendered by our own dataset code from FluidR3 GM (MIT), as 16-bit mono WAV at
 * 16 kHz. `examples.json` lists them with their labels; the lab, the bridge and the Compare lab's
 * timbre set start from them. Loading is left to the caller (fetch in the browser, fs in Node):
 * this module only says what the list looks like and checks it.
 */
import { z } from 'zod';
import { GM_FAMILIES } from './gm';

export const timbreExampleSchema = z.object({
  /** File name inside the examples folder. */
  file: z.string().regex(/^[a-z0-9-]+\.wav$/),
  family: z.enum(GM_FAMILIES),
  program: z.number().int().min(0).max(127),
  programName: z.string(),
  pitch: z.number().int(),
  velocity: z.number().int(),
  /** The measured sounding fundamental, Hz. */
  f0Hz: z.number().positive(),
  loudnessDb: z.number(),
  soundfont: z.string(),
});
export type TimbreExample = z.infer<typeof timbreExampleSchema>;

export const timbreExamplesSchema = z.object({
  source: z.string(),
  license: z.string(),
  examples: z.array(timbreExampleSchema).min(1),
});
export type TimbreExamples = z.infer<typeof timbreExamplesSchema>;

/** The file name of a family's example, e.g. "synth-lead.wav". */
export function exampleFileName(family: string): string {
  return family.replace(/[^a-z0-9]+/gi, '-').toLowerCase() + '.wav';
}

/** The shipped set's files (models/timbre/set/): every program's C4, 16-bit little-endian, one after another. */
export const TIMBRE_SET_FILES = { index: 'set.json', audio: 'notes.bin' } as const;

export const timbreSetNoteSchema = z.object({
  program: z.number().int().min(0).max(127),
  programName: z.string(),
  family: z.enum(GM_FAMILIES),
  pitch: z.number().int(),
  velocity: z.number().int(),
  f0Hz: z.number().positive(),
  loudnessDb: z.number(),
  /** The dataset split the note belongs to (held-out programs were never trained on). */
  split: z.string(),
});
export type TimbreSetNote = z.infer<typeof timbreSetNoteSchema>;

export const timbreSetSchema = z.object({
  source: z.string(),
  license: z.string(),
  sampleRate: z.number().int().positive(),
  noteSamples: z.number().int().positive(),
  notes: z.array(timbreSetNoteSchema).min(1).max(128),
});
export type TimbreSet = z.infer<typeof timbreSetSchema>;

/** The set's notes as −1..1 samples from `notes.bin`'s bytes (checked against the index). */
export function decodeTimbreSet(set: TimbreSet, bytes: ArrayBuffer): Float32Array[] {
  const expected = set.notes.length * set.noteSamples * 2;
  if (bytes.byteLength !== expected) {
    throw new Error(
      `The timbre set's ${TIMBRE_SET_FILES.audio} has ${bytes.byteLength} bytes; its index promises ${set.notes.length} notes, ${expected} bytes.`,
    );
  }
  const pcm = new Int16Array(bytes);
  return set.notes.map((_, i) => Float32Array.from(pcm.subarray(i * set.noteSamples, (i + 1) * set.noteSamples), (v) => v / 32768));
}

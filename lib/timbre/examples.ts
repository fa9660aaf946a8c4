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

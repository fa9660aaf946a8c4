/**
 * What the shipped timbre model and its set are, for pages and servers that never load the model:
 * the size of its codes (models/timbre/config.json) and the programs of the shipped set with their
 * names and families (models/timbre/set/set.json: 111 General MIDI programs at C4 — program 43,
 * Contrabass, is left out because FluidR3 renders it silent at C4). The JSON files are the one home
 * of these facts; this module only reads them (TF-free, ~20 KB of JSON, parsed on first use).
 */
import shippedConfig from '../../models/timbre/config.json';
import shippedSet from '../../models/timbre/set/set.json';
import { timbreSetSchema } from './examples';
import { GM_FAMILIES, type GmFamily } from './gm';

/** Numbers in a code of the shipped timbre model (16). */
export const SHIPPED_TIMBRE_Z_DIMS: number = shippedConfig.zDims;

/** One program of the shipped set. */
export interface SetProgram {
  /** General MIDI program, 0-based (0 = Acoustic Grand Piano). */
  program: number;
  /** Its GM name ("Acoustic Guitar (nylon)"). */
  name: string;
  family: GmFamily;
}

let programs: readonly SetProgram[] | undefined;

/** The shipped set's programs in program order (checked against the set's schema once). */
export function timbreSetPrograms(): readonly SetProgram[] {
  programs ??= timbreSetSchema
    .parse(shippedSet)
    .notes.map((n) => ({ program: n.program, name: n.programName, family: n.family }))
    .sort((a, b) => a.program - b.program);
  return programs;
}

/** The program of the shipped set, or undefined when the set does not have it. */
export function setProgram(program: number): SetProgram | undefined {
  return timbreSetPrograms().find((p) => p.program === program);
}

/** The shipped set's programs grouped by family, in GM family order (for menus). */
export function setProgramsByFamily(): { family: GmFamily; programs: SetProgram[] }[] {
  return GM_FAMILIES.map((family) => ({ family, programs: timbreSetPrograms().filter((p) => p.family === family) })).filter((g) => g.programs.length > 0);
}

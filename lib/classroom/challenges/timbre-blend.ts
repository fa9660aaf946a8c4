/**
 * "A sound between two instruments": the teacher picks two programs of the shipped timbre set
 * (models/timbre/set, 111 General MIDI instruments); students morph from A to B in the timbre lab
 * (`/music/timbre?a=p<A>&b=p<B>`) and submit the step they like best — a WAV of the sound (one note,
 * or the short morph it was picked from) and the 16-number code of the chosen step.
 *
 * The server cannot hear "in between" (that would need the model); it checks what it can: the
 * WAV (media.ts), the code's size, that the morph ran from the challenge's A to its B, and that the
 * chosen step lies strictly between them, with the lab's own ranges (lib/timbre/lab-url).
 *
 * Params a timbre-blend entry carries (the lab's `getEntry` writes them):
 * - `a`, `b`: the morph's ends as the lab's sound references — `p<A>` and `p<B>` of the challenge;
 * - `steps`: the morph's number of steps (the lab's range, 2–16);
 * - `step`: the chosen step, 0-based, with 0 < step < steps − 1 (neither A nor B itself);
 * - `mode`: the interpolation path ("lerp" or "slerp");
 * - `pitch`: the MIDI pitch the note was rendered at (the lab's range, 36–84).
 */
import { z } from 'zod';
import { TIMBRE_DEFAULTS, TIMBRE_LAB_LIMITS, parseSoundRef, timbreLabUrl } from '../../timbre/lab-url';
import { timbreDomain } from '../../timbre/domain';
import { SHIPPED_TIMBRE_Z_DIMS, setProgram } from '../../timbre/shipped-set';
import { instructionsSchema } from '../schema';
import { defineChallenge, defineEntryKind, invalidEntry, requireParam } from './types';

/** A program of the shipped set (0–111, without 43: Contrabass is silent at C4). */
const setProgramSchema = z
  .number({ error: 'An instrument is a General MIDI program number of the shipped timbre set.' })
  .int()
  .refine((p) => setProgram(p) !== undefined, { message: 'The instrument must be a program of the shipped timbre set (0–111, except 43).' });

/** The program of a default sound reference ("p0" → 0). */
function defaultProgram(ref: string): number {
  const r = parseSoundRef(ref);
  if (r?.kind !== 'program') throw new Error(`the timbre lab's default sound ${ref} is not a program`);
  return r.program;
}

/** The instruments a new challenge starts from: the timbre lab's own default A and B (a piano, a string ensemble). */
export const TIMBRE_BLEND_DEFAULTS = { a: defaultProgram(TIMBRE_DEFAULTS.a), b: defaultProgram(TIMBRE_DEFAULTS.b) } as const;

/** "Acoustic Grand Piano" for 0 (programs were checked by the schema). */
export function instrumentName(program: number): string {
  return setProgram(program)?.name ?? `program ${program}`;
}

export const TIMBRE_ENTRY = defineEntryKind({
  id: 'timbre',
  lab: { path: timbreDomain.lab.href, name: timbreDomain.lab.title },
  media: 'wav',
  check(entry) {
    const code = entry.latent;
    if (!code || code.length !== SHIPPED_TIMBRE_Z_DIMS || !code.every(Number.isFinite)) {
      throw invalidEntry(
        `A timbre entry needs its sound's code: latent = the ${SHIPPED_TIMBRE_Z_DIMS} numbers of the timbre model's code (got ${code ? `${code.length} numbers` : 'none'}).`,
      );
    }
    if (entry.wav && entry.wav.peak === 0) throw invalidEntry('The WAV file is silent (every sample is 0); submit the sound itself.');
  },
});

const schema = z
  .strictObject({
    kind: z.literal('timbre-blend'),
    /** Instrument A (a GM program of the shipped set): the morph starts here. */
    a: setProgramSchema.default(TIMBRE_BLEND_DEFAULTS.a),
    /** Instrument B: the morph ends here. */
    b: setProgramSchema.default(TIMBRE_BLEND_DEFAULTS.b),
    instructions: instructionsSchema,
  })
  .refine((c) => c.a !== c.b, { message: 'Choose two different instruments for A and B.', path: ['b'] });

/** Whether the timbre lab's typed URL state takes `value` for `key` (its choices are the lab's). */
function labTakes(key: string, value: string): boolean {
  return timbreLabUrl.parse(new URLSearchParams({ [key]: value })).ignored.length === 0;
}

export const timbreBlend = defineChallenge({
  kind: 'timbre-blend',
  title: 'A sound between two instruments (timbre lab)',
  schema,
  entries: [TIMBRE_ENTRY],
  finalize: (input) => input,
  describe: (c) =>
    `Make a sound between ${instrumentName(c.a)} (A) and ${instrumentName(c.b)} (B): morph from A to B in the timbre lab and submit the step you like best.`,
  labParams: (c) => timbreLabUrl.write(new URLSearchParams(), { a: `p${c.a}`, b: `p${c.b}` }),
  checkEntry(c, entry) {
    const p = entry.params;
    if (p?.a !== `p${c.a}` || p?.b !== `p${c.b}`) {
      throw invalidEntry(
        `The challenge fixes A = ${instrumentName(c.a)} (p${c.a}) and B = ${instrumentName(c.b)} (p${c.b}); this entry was made from other sounds (params.a and params.b).`,
      );
    }
    const [s0, s1] = TIMBRE_LAB_LIMITS.steps;
    const [p0, p1] = TIMBRE_LAB_LIMITS.pitch;
    const steps = requireParam(p, 'steps', z.number().int().min(s0).max(s1), `must be the morph's number of steps (${s0}–${s1})`);
    const step = requireParam(
      p,
      'step',
      z
        .number()
        .int()
        .min(0)
        .max(steps - 1),
      `must be the chosen step of the morph (0–${steps - 1})`,
    );
    requireParam(
      p,
      'mode',
      z.string().refine((v) => labTakes('mode', v)),
      'must be the interpolation path ("lerp" or "slerp")',
    );
    requireParam(p, 'pitch', z.number().int().min(p0).max(p1), `must be the MIDI pitch of the note (${p0}–${p1})`);
    if (step === 0 || step === steps - 1) {
      throw invalidEntry(`Step ${step} of ${steps} is ${step === 0 ? 'A' : 'B'} itself; choose a step between the two instruments.`);
    }
  },
});

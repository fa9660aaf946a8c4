/**
 * "The smoothest morph from melody A to melody B": A, B and the model are fixed; the entry is one
 * interpolation strip (its MIDI) with the steps, temperature and path that made it, each within the
 * melody lab's own ranges (read from the lab's typed URL state, so the lab and the check agree).
 */
import { z } from 'zod';
import { decodeMelodyClip, encodeMelodyClip } from '../../music/clips';
import { MELODY_LAB_LIMITS, melodyLabUrl } from '../../music/lab-url';
import { musicModelValueSchema } from '../../music/model-value';
import { SHIPPED_MUSIC_MODELS } from '../../music/shipped';
import { LIMITS, instructionsSchema } from '../schema';
import { defineChallenge, defineEntryKind, invalidEntry, requireParam } from './types';

/**
 * A melody clip in the melody lab's URL form (`pitch.start.length_…`), with at least one note,
 * rewritten in the lab's own canonical form (so the lab's A and B compare equal to the challenge's).
 */
const melodyClipSchema = z
  .string()
  .max(LIMITS.paramChars)
  .transform((text, ctx) => {
    try {
      const seq = decodeMelodyClip(text);
      if (seq.notes.length === 0) ctx.addIssue({ code: 'custom', message: 'The melody has no notes.' });
      return encodeMelodyClip(seq);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'The melody cannot be read.' });
      return z.NEVER;
    }
  });

export const MELODY_ENTRY = defineEntryKind({
  id: 'melody',
  lab: { path: '/music/melody', name: 'Melody lab' },
  media: 'midi',
  checkMidi(info) {
    if (info.notes - info.drumNotes === 0) throw invalidEntry('The MIDI file has only drum notes; a melody entry needs notes.');
  },
});

/** Whether the melody lab's typed URL state takes `value` for `key` (its choices are the lab's). */
function labTakes(key: string, value: string): boolean {
  return melodyLabUrl.parse(new URLSearchParams({ [key]: value })).ignored.length === 0;
}

export const melodyInterpolation = defineChallenge({
  kind: 'melody-interpolation',
  title: 'The smoothest morph from melody A to melody B (melody lab)',
  schema: z.strictObject({
    kind: z.literal('melody-interpolation'),
    /** Melodies A and B, fixed by the teacher (the melody lab's URL form). */
    a: melodyClipSchema,
    b: melodyClipSchema,
    /**
     * The model everyone uses: the shipped one, a model fine-tuned in the browser (`saved:<name>`:
     * each student needs it in theirs) or a Magenta checkpoint on the web (`url:https://…`, e.g. a
     * fine-tuned model the teacher exported and put online).
     */
    model: musicModelValueSchema('melody').default(SHIPPED_MUSIC_MODELS.melody),
    instructions: instructionsSchema,
  }),
  entries: [MELODY_ENTRY],
  finalize: (input) => input,
  describe: (c) =>
    `Make the smoothest morph from melody A to melody B: choose the steps, the temperature and the path (A, B and the model${c.model === SHIPPED_MUSIC_MODELS.melody ? '' : ` ${c.model}`} are fixed).`,
  labParams: (c) => melodyLabUrl.write(new URLSearchParams(), { a: c.a, b: c.b, model: c.model === SHIPPED_MUSIC_MODELS.melody ? undefined : c.model }),
  checkEntry(c, entry) {
    const p = entry.params;
    const [s0, s1] = MELODY_LAB_LIMITS.steps;
    const [t0, t1] = MELODY_LAB_LIMITS.temperature;
    requireParam(p, 'steps', z.number().int().min(s0).max(s1), `must be the number of interpolation steps (${s0}–${s1})`);
    requireParam(p, 'temperature', z.number().min(t0).max(t1), `must be the temperature (${t0}–${t1})`);
    requireParam(
      p,
      'mode',
      z.string().refine((v) => labTakes('mode', v)),
      'must be the interpolation path ("lerp" or "slerp")',
    );
    if (p?.a !== c.a || p?.b !== c.b) throw invalidEntry('The challenge fixes melodies A and B; this entry was made from other melodies.');
    if (p?.model !== c.model) throw invalidEntry(`The challenge fixes the model ${c.model}; this entry was made with another one.`);
  },
});

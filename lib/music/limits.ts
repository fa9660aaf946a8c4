/**
 * The shipped music models' ids: one home for the names every other file imports (the labs, the
 * model worker, the classroom's melody challenge, Compare). The labs' ranges (steps, temperatures)
 * live with their URL state in lib/music/lab-url.ts.
 */

/** The shipped melody model (2 bars, Magenta's checkpoint format, under models/). */
export const SHIPPED_MELODY_MODEL = 'mel_2bar';
/** The shipped drum model. */
export const SHIPPED_DRUM_MODEL = 'drums_2bar';

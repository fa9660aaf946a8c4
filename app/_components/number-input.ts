/**
 * What a number field does with what was typed (pure, so it is unit-tested in Node): an in-range
 * number is used as it is; anything else is never replaced silently — the field says what it uses
 * instead ("max 32 — using 32"), right next to itself.
 */

export interface NumberLimits {
  min: number;
  max: number;
  /** Whole numbers only (the default). */
  integer?: boolean;
}

export interface NumberReading {
  /** The value to use now; undefined: keep the current one (e.g. still typing a number below the minimum). */
  commit?: number;
  /** Shown next to the field; undefined when the typed number is used as it is. */
  note?: string;
}

const show = (n: number): string => (Math.abs(n) >= 1e6 ? n.toLocaleString('en') : String(n));

/**
 * Reads `text` while typing (`final` false: a number below the minimum may be the start of a valid
 * one, e.g. "1" on the way to "12", so it is not committed yet) or when the field is left or Enter
 * is pressed (`final` true: every number is committed, clamped and rounded as needed).
 *
 * @param current the value in use, kept when the text is not a number.
 */
export function readNumber(text: string, limits: NumberLimits, current: number, final: boolean): NumberReading {
  const { min, max, integer = true } = limits;
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(n)) {
    return final ? { note: `not a number — keeping ${show(current)}` } : { note: `enter a number from ${show(min)} to ${show(max)}` };
  }
  if (n > max) return { commit: max, note: `max ${show(max)} — using ${show(max)}` };
  if (n < min) return final ? { commit: min, note: `min ${show(min)} — using ${show(min)}` } : { note: `min ${show(min)}` };
  if (integer && !Number.isInteger(n)) {
    const rounded = Math.min(max, Math.max(min, Math.round(n)));
    return { commit: rounded, note: `whole numbers only — using ${show(rounded)}` };
  }
  return { commit: n };
}

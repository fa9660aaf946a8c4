import { describe, expect, it } from 'vitest';
import { formatSeconds } from './format';
import { readNumber } from './number-input';

const steps = { min: 2, max: 32 };

describe('readNumber', () => {
  it('uses an in-range number as typed, with no note', () => {
    expect(readNumber('12', steps, 10, false)).toEqual({ commit: 12 });
    expect(readNumber(' 32 ', steps, 10, true)).toEqual({ commit: 32 });
    expect(readNumber('0.25', { min: 0, max: 1, integer: false }, 0.5, false)).toEqual({ commit: 0.25 });
  });

  it('says so when a number above the maximum is replaced (Steps 99 runs 32, and the field says why)', () => {
    expect(readNumber('99', steps, 9, false)).toEqual({ commit: 32, note: 'max 32 — using 32' });
    expect(readNumber('99999', { min: 1, max: 16 }, 8, true)).toEqual({ commit: 16, note: 'max 16 — using 16' });
  });

  it('waits while a number below the minimum may still grow, and clamps it when the field is left', () => {
    expect(readNumber('1', steps, 10, false)).toEqual({ note: 'min 2' });
    expect(readNumber('1', steps, 10, true)).toEqual({ commit: 2, note: 'min 2 — using 2' });
    expect(readNumber('-5', { min: 0, max: 4294967295 }, 3, true)).toEqual({ commit: 0, note: 'min 0 — using 0' });
  });

  it('rounds fractions in whole-number fields and says so; keeps the value for text that is not a number', () => {
    expect(readNumber('2.6', steps, 10, false)).toEqual({ commit: 3, note: 'whole numbers only — using 3' });
    expect(readNumber('', steps, 10, false)).toEqual({ note: 'enter a number from 2 to 32' });
    expect(readNumber('abc', steps, 10, true)).toEqual({ note: 'not a number — keeping 10' });
    expect(readNumber('1e9', { min: 0, max: 4294967295 }, 1, false)).toEqual({ commit: 1e9 });
    expect(readNumber('5e9', { min: 0, max: 4294967295 }, 1, false).note).toBe('max 4,294,967,295 — using 4,294,967,295');
  });
});

describe('formatSeconds', () => {
  it('formats elapsed and remaining times', () => {
    expect(formatSeconds(0)).toBe('1 s');
    expect(formatSeconds(0, { zero: true })).toBe('0 s');
    expect(formatSeconds(75)).toBe('1 min 15 s');
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineUrlState, ignoredNote, urlFlag, urlInt, urlNum } from './url-state';

const demo = defineUrlState({
  n: urlInt(1, 10).default(3),
  x: urlNum(0, 1).optional(),
  on: urlFlag(),
  mode: z.enum(['a', 'b']).default('a'),
});

describe('defineUrlState', () => {
  it('reads each key on its own: a bad value is named and uses its default, the others are kept', () => {
    const { state, ignored } = demo.parse(new URLSearchParams('n=11&x=0.25&on=1&mode=c&other=keep'));
    expect(state).toEqual({ n: 3, x: 0.25, on: true, mode: 'a' });
    expect(ignored).toEqual(['n', 'mode']);
  });

  it('writes defaults as absent keys, keeps unrelated keys and refuses values outside the schema', () => {
    const next = demo.write(new URLSearchParams('other=keep&n=5'), { n: 3, on: true, mode: 'b' });
    expect(next.toString()).toBe('other=keep&on=1&mode=b');
    expect(() => demo.write(new URLSearchParams(), { n: 11 })).toThrow(z.ZodError);
  });
});

describe('ignoredNote', () => {
  it('is silent when every value was valid and names the invalid ones otherwise', () => {
    expect(ignoredNote([])).toBeUndefined();
    expect(ignoredNote(['grid'])).toBe("This link's “grid” setting was not valid and uses its default.");
    expect(ignoredNote(['steps', 'qpm'])).toBe("This link's “steps”, “qpm” settings were not valid and use their defaults.");
  });
});

import { describe, expect, it } from 'vitest';
import { DepsKeys } from './deps-key';

describe('DepsKeys', () => {
  it('changes the key when an object dependency is replaced, even by an equal-looking one', () => {
    const keys = new DepsKeys();
    const a = { notes: [1, 2] };
    const b = { notes: [1, 2] };
    expect(keys.key([1, a])).toBe(keys.key([1, a]));
    expect(keys.key([1, a])).not.toBe(keys.key([1, b]));
    expect(keys.key([new Float32Array(2)])).not.toBe(keys.key([new Float32Array(2)]));
  });

  it('keys plain values by value and tells strings from numbers and undefined', () => {
    const keys = new DepsKeys();
    expect(keys.key([3, 'x', true, null, undefined])).toBe(keys.key([3, 'x', true, null, undefined]));
    expect(keys.key(['1'])).not.toBe(keys.key([1]));
    expect(keys.key(['undefined'])).not.toBe(keys.key([undefined]));
    expect(keys.key(['a|b'])).not.toBe(keys.key(['a', 'b']));
  });
});

import { describe, expect, it } from 'vitest';
import { MelodyConverter } from './converters/melody';
import { eventEditDistance, pathQuality } from './metrics';

describe('eventEditDistance', () => {
  it('counts substitutions, and a one-step shift as two edits', () => {
    expect(eventEditDistance([0, 5, 0, 1], [0, 5, 0, 1])).toBe(0);
    expect(eventEditDistance([0, 5, 0, 1], [0, 6, 0, 1])).toBe(1);
    expect(eventEditDistance([5, 0, 0, 0], [0, 5, 0, 0])).toBe(2);
    expect(eventEditDistance([], [1, 2, 3])).toBe(3);
  });
});

describe('pathQuality', () => {
  it("measures neighbour steps, the end-to-end distance and the middle steps' notes", () => {
    const c = new MelodyConverter();
    const silent = new Array(32).fill(0);
    const a = silent.map((_, t) => (t === 0 ? 40 : t === 8 ? 1 : 0));
    const mid = silent.map((_, t) => (t === 0 ? 42 : t === 8 ? 1 : 0));
    const b = silent.map((_, t) => (t === 0 ? 44 : t === 4 ? 45 : t === 8 ? 1 : 0));
    const q = pathQuality([a, mid, b], c);
    expect(q.meanStep).toBe(1.5); // 1 then 2
    expect(q.maxStep).toBe(2);
    expect(q.endToEnd).toBe(2);
    expect(q.middle.noteDensity).toBe(1);
    expect(() => pathQuality([a, b], c)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { TEMPO_RANGE } from './note-sequence';
import { drumLabUrl, melodyLabUrl } from './lab-url';

describe('music labs in the URL', () => {
  it('an empty query string is the defaults', () => {
    expect(melodyLabUrl.parse(new URLSearchParams('')).state).toMatchObject({
      qpm: 120,
      steps: 7,
      temp: 0,
      mode: 'slerp',
      refine: 25,
      loop: false,
      show: 'interpolation',
    });
    expect(drumLabUrl.parse(new URLSearchParams('')).state).toMatchObject({ n: 8, temp: 0.5, qpm: 100, swing: 0, x: 0.5, refine: 50 });
  });

  it('bad values fall back to their defaults one by one and are named; the rest is kept', () => {
    const { state, ignored } = melodyLabUrl.parse(new URLSearchParams('steps=99&qpm=300&temp=abc&mode=zigzag&seed=5&refine=0&loop=1&backend=wasm'));
    expect(ignored.sort()).toEqual(['mode', 'qpm', 'steps', 'temp']);
    expect(state).toMatchObject({ steps: 7, qpm: 120, temp: 0, mode: 'slerp', seed: 5, refine: 0, loop: true });
    const drums = drumLabUrl.parse(new URLSearchParams(`n=0&swing=0.9&x=0.2&c2=${'z'.repeat(300)}`));
    expect(drums.ignored.sort()).toEqual(['c2', 'n', 'swing']);
    expect(drums.state.x).toBe(0.2);
  });

  it("the tempo range is the music core's, at both ends", () => {
    expect(melodyLabUrl.parse(new URLSearchParams(`qpm=${TEMPO_RANGE.min}`)).state.qpm).toBe(TEMPO_RANGE.min);
    expect(melodyLabUrl.parse(new URLSearchParams(`qpm=${TEMPO_RANGE.max}`)).state.qpm).toBe(TEMPO_RANGE.max);
    expect(melodyLabUrl.parse(new URLSearchParams(`qpm=${TEMPO_RANGE.max + 1}`)).ignored).toEqual(['qpm']);
  });

  it('writes short links: defaults removed, other keys kept, values checked', () => {
    const next = melodyLabUrl.write(new URLSearchParams('backend=wasm&steps=9'), { steps: 7, refine: 0, loop: true, a: '60.0.4' });
    expect(next.toString()).toBe('backend=wasm&refine=0&loop=1&a=60.0.4');
    expect(() => melodyLabUrl.write(new URLSearchParams(), { steps: 99 })).toThrow();
    expect(melodyLabUrl.parse(next).state).toMatchObject({ steps: 7, refine: 0, loop: true, a: '60.0.4' });
  });
});

import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeMelodyClip } from '../music/clips';
import { describeChallenge, entryKinds, formatCode, labUrl, parseCode, startingCode } from './challenge';
import { checkPng } from './media';
import { greyToPng } from './png';
import { challengeSchema, type Challenge } from './schema';
import { findBlockedWord } from './words';

const parse = (c: unknown) => challengeSchema.parse(c) as Challenge;

describe('challenge → lab URL', () => {
  it('pre-loads each lab through its own URL parameters', () => {
    const mel = parse({ kind: 'melody-interpolation', a: '60.0.4_62.4.4', b: '67.0.8' });
    const u = new URL(labUrl(mel, 'ABC234'), 'http://x');
    expect(u.pathname).toBe('/music/melody');
    expect(decodeMelodyClip(u.searchParams.get('a') ?? '').notes.map((n) => n.pitch)).toEqual([60, 62]);
    expect(u.searchParams.get('classroom')).toBe('ABC234');

    const drums = new URL(labUrl(parse({ kind: 'drum-groove', maxTemperature: 0.3 }), 'ABC234'), 'http://x');
    expect(drums.pathname).toBe('/music/drums');
    expect(Number(drums.searchParams.get('temp'))).toBeLessThanOrEqual(0.3);

    const digit = parse({ kind: 'digit-from-code', model: 'conv-vae', seed: 5 });
    const d = new URL(labUrl(digit, 'ABC234'), 'http://x');
    expect([d.pathname, d.searchParams.get('model'), d.searchParams.get('view')]).toEqual(['/image', 'conv-vae', 'manifold']);
    expect(parseCode(d.searchParams.get('z'))).toEqual(startingCode(5));

    const free = parse({ kind: 'free' });
    expect(entryKinds(free)).toEqual(['melody', 'drums', 'image']);
    expect(labUrl(free, 'ABC234', 'drums')).toBe('/music/drums?classroom=ABC234');
    for (const c of [mel, digit, free]) expect(describeChallenge(c).length).toBeGreaterThan(20);
  });

  it('stores melodies in the lab’s canonical form, so the lab’s A and B compare equal', () => {
    const c = parse({ kind: 'melody-interpolation', a: '62.4.4_60.0.4', b: '67.0.8' });
    expect(c.kind === 'melody-interpolation' && c.a).toBe('60.0.4_62.4.4');
    expect(() => parse({ kind: 'melody-interpolation', a: '', b: '67.0.8' })).toThrow(/no notes/);
  });

  it('gives everyone the same starting code for a seed, inside the manifold view', () => {
    expect(startingCode(42)).toEqual(startingCode(42));
    expect(startingCode(42)).not.toEqual(startingCode(43));
    for (let s = 0; s < 200; s++) for (const v of startingCode(s)) expect(Math.abs(v)).toBeLessThanOrEqual(2.5);
    expect(parseCode(formatCode([0.1234, -2]))).toEqual([0.123, -2]);
    for (const bad of [null, '', '1', '1,2,3', 'a,b', '1,99', 'NaN,1']) expect(parseCode(bad)).toBeUndefined();
  });
});

describe('digit PNGs', () => {
  it('encodes a decoded digit as a small grey PNG that the server accepts', () => {
    const pixels = Float32Array.from({ length: 784 }, (_, i) => (i % 29 === 0 ? 1.4 : i % 7 === 0 ? 0.5 : -0.2));
    const png = greyToPng(pixels, 28);
    expect(png.byteLength).toBeLessThan(2000);
    expect(checkPng(png)).toEqual({ width: 28, height: 28, channels: 1 });
    const back = decode(png);
    expect([back.data[0], back.data[7], back.data[1]]).toEqual([255, 128, 0]);
    expect(() => greyToPng(pixels, 27)).toThrow(/784/);
  });
});

describe('word filter', () => {
  it('catches disguised swear words and leaves innocent words alone', () => {
    for (const w of ['shit', 'SH1T', 's.h.i.t', 'f u c k', 'fuuuuck', 'a55hole', 'bitches', 'Bastard!']) expect(findBlockedWord(w), w).toBeDefined();
    for (const w of [
      'Scunthorpe',
      'class act',
      'assassin',
      'Dickens',
      'cocktail',
      'therapist',
      'shiitake',
      'Penistone',
      'grass',
      'Hancock',
      'R2-D2',
      'B4 & after',
    ]) {
      expect(findBlockedWord(w), w).toBeUndefined();
    }
  });
});

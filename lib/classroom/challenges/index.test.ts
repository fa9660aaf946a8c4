import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random';
import { imageLabUrl } from '../../image/lab-url';
import { decodeMelodyClip } from '../../music/clips';
import { drumLabUrl, melodyLabUrl } from '../../music/lab-url';
import { timbreLabUrl } from '../../timbre/lab-url';
import { ClassroomError } from '../errors';
import { checkPng } from '../media';
import { greyToPng } from '../../image/png-write';
import { findBlockedWord } from '../words';
import {
  CHALLENGES,
  CHALLENGE_KINDS,
  ENTRY_KINDS,
  UnknownChallengeError,
  challengeModule,
  challengeSchema,
  checkChallengeEntry,
  describeChallenge,
  entryKinds,
  labUrl,
  startingCode,
  type Challenge,
  type CheckedEntry,
  type WavSummary,
} from './index';

const parse = (c: unknown) => challengeSchema.parse(c) as Challenge;

describe('the registry of challenge kinds', () => {
  it('lists each kind once, with its entry kinds, and builds the API schema from them', () => {
    expect(CHALLENGE_KINDS).toEqual(['melody-interpolation', 'drum-groove', 'digit-from-code', 'timbre-blend', 'free']);
    expect(ENTRY_KINDS).toEqual(['melody', 'drums', 'image', 'timbre']);
    expect(new Set(CHALLENGES.map((c) => c.kind)).size).toBe(CHALLENGES.length);
    expect(entryKinds(parse({ kind: 'free' }))).toEqual(ENTRY_KINDS);
    expect(entryKinds(parse({ kind: 'timbre-blend' }))).toEqual(['timbre']);
    expect(() => parse({ kind: 'karaoke' })).toThrow(/challenge.kind must be one of melody-interpolation, drum-groove, digit-from-code, timbre-blend, free/);
  });

  it('treats an unknown kind as an error, never as "accept any entry"', () => {
    expect(() => challengeModule('karaoke')).toThrow(UnknownChallengeError);
    const forged = { kind: 'karaoke' } as unknown as Challenge;
    expect(() => checkChallengeEntry(forged, { kind: 'melody', latent: undefined, params: undefined, midi: undefined, png: undefined })).toThrow(
      UnknownChallengeError,
    );
    expect(() => describeChallenge(forged)).toThrow(UnknownChallengeError);
  });

  it('refuses entries of a kind the challenge does not take, before looking at the file', () => {
    const mel = parse({ kind: 'melody-interpolation', a: '60.0.4', b: '67.0.8' });
    const err = (() => {
      try {
        checkChallengeEntry(mel, { kind: 'drums', latent: undefined, params: { temperature: 0.5 }, midi: undefined, png: undefined });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ClassroomError);
    expect((err as ClassroomError).message).toMatch(/takes melody entries, not drums/);
  });
});

describe('challenge → lab URL (through the labs’ typed URL state)', () => {
  it('pre-loads each lab through its own URL parameters', () => {
    const mel = parse({ kind: 'melody-interpolation', a: '60.0.4_62.4.4', b: '67.0.8' });
    const u = new URL(labUrl(mel, 'ABC234'), 'http://x');
    expect(u.pathname).toBe('/music/melody');
    const state = melodyLabUrl.parse(u.searchParams);
    expect(state.ignored).toEqual([]);
    expect(decodeMelodyClip(state.state.a ?? '').notes.map((n) => n.pitch)).toEqual([60, 62]);
    expect(u.searchParams.get('classroom')).toBe('ABC234');

    const drums = new URL(labUrl(parse({ kind: 'drum-groove', maxTemperature: 0.3 }), 'ABC234'), 'http://x');
    expect(drums.pathname).toBe('/music/drums');
    expect(drumLabUrl.parse(drums.searchParams).state.temp).toBe(0.3);

    const digit = parse({ kind: 'digit-from-code', model: 'conv-vae', seed: 5 });
    const d = new URL(labUrl(digit, 'ABC234'), 'http://x');
    const img = imageLabUrl.parse(d.searchParams);
    expect(img.ignored).toEqual([]);
    expect([d.pathname, img.state.model, img.state.view, img.state.z]).toEqual(['/image', 'conv-vae', 'manifold', startingCode(5)]);

    const free = parse({ kind: 'free' });
    expect(labUrl(free, 'ABC234', 'drums')).toBe('/music/drums?classroom=ABC234');
    expect(labUrl(free, 'ABC234', 'image')).toBe('/image?view=manifold&classroom=ABC234');
    expect(() => labUrl(mel, 'ABC234', 'image')).toThrow(UnknownChallengeError);
    for (const c of [mel, digit, free]) expect(describeChallenge(c).length).toBeGreaterThan(20);
  });

  it('stores melodies in the lab’s canonical form, so the lab’s A and B compare equal', () => {
    const c = parse({ kind: 'melody-interpolation', a: '62.4.4_60.0.4', b: '67.0.8' });
    expect(c.kind === 'melody-interpolation' && c.a).toBe('60.0.4_62.4.4');
    expect(() => parse({ kind: 'melody-interpolation', a: '', b: '67.0.8' })).toThrow(/no notes/);
  });

  it('gives everyone the same starting code for a seed (lib/core/random), inside the manifold view', () => {
    expect(startingCode(42)).toEqual(startingCode(42));
    expect(startingCode(42)).not.toEqual(startingCode(43));
    const rng = createRng(42);
    expect(startingCode(42)[0]).toBe(Math.round((rng.next() * 2 - 1) * 2.5 * 100) / 100);
    for (let s = 0; s < 200; s++) for (const v of startingCode(s)) expect(Math.abs(v)).toBeLessThanOrEqual(2.5);
  });

  it("takes its ranges from the labs' own limits (the drum minimum is the lab's, not 0)", () => {
    expect(() => parse({ kind: 'drum-groove', maxTemperature: 0.01 })).toThrow();
    const drums = parse({ kind: 'drum-groove', maxTemperature: 1 });
    const check = (temperature: number) =>
      checkChallengeEntry(drums, {
        kind: 'drums',
        latent: undefined,
        params: { temperature },
        midi: { notes: 4, drumNotes: 4, seconds: 2, quarters: 8 },
        png: undefined,
      });
    expect(() => check(0)).toThrow(/temperature/);
    expect(() => check(0.5)).not.toThrow();
    expect(() => parse({ kind: 'digit-from-code', seed: 2 ** 32 })).toThrow();
  });
});

describe('the timbre challenge (a sound between two instruments)', () => {
  const blend = parse({ kind: 'timbre-blend', a: 24, b: 73 });
  const wav: WavSummary = { sampleRate: 16_000, channels: 1, bitsPerSample: 16, frames: 20_480, seconds: 1.28, peak: 0.5 };
  const code = Array.from({ length: 16 }, (_, i) => i / 10 - 0.8);
  const params = { a: 'p24', b: 'p73', steps: 7, step: 3, mode: 'slerp', pitch: 60 };
  const entry = (over: Partial<CheckedEntry> = {}): CheckedEntry => ({ kind: 'timbre', latent: code, params, midi: undefined, png: undefined, wav, ...over });
  const check =
    (c: Challenge, over: Partial<CheckedEntry> = {}) =>
    () =>
      checkChallengeEntry(c, entry(over));

  it('takes two different programs of the shipped set, the lab’s A and B by default', () => {
    expect(blend).toEqual({ kind: 'timbre-blend', a: 24, b: 73 });
    expect(parse({ kind: 'timbre-blend' })).toMatchObject({ a: 0, b: 48 });
    expect(() => parse({ kind: 'timbre-blend', a: 43, b: 0 })).toThrow(/shipped timbre set/); // Contrabass: silent at C4, not in the set
    expect(() => parse({ kind: 'timbre-blend', a: 112, b: 0 })).toThrow(/shipped timbre set/);
    expect(() => parse({ kind: 'timbre-blend', a: 1.5, b: 0 })).toThrow();
    expect(() => parse({ kind: 'timbre-blend', a: '24', b: 0 })).toThrow();
    expect(() => parse({ kind: 'timbre-blend', a: 5, b: 5 })).toThrow(/two different instruments/);
    expect(() => parse({ kind: 'timbre-blend', a: 5, b: 6, model: 'x' })).toThrow();
    expect(describeChallenge(blend)).toMatch(/between Acoustic Guitar \(nylon\) \(A\) and Flute \(B\)/);
  });

  it('opens the timbre lab with A and B through the lab’s typed URL state', () => {
    const u = new URL(labUrl(blend, 'ABC234'), 'http://x');
    expect(u.pathname).toBe('/music/timbre');
    expect([u.searchParams.get('a'), u.searchParams.get('b'), u.searchParams.get('classroom')]).toEqual(['p24', 'p73', 'ABC234']);
    expect(timbreLabUrl.parse(u.searchParams).ignored).toEqual([]);
    // The lab's own defaults stay out of the link, and the lab reads them back as the same sounds.
    const d = new URL(labUrl(parse({ kind: 'timbre-blend' }), 'ABC234'), 'http://x');
    expect(d.search).toBe('?classroom=ABC234');
    expect([timbreLabUrl.parse(d.searchParams).state.a, timbreLabUrl.parse(d.searchParams).state.b]).toEqual(['p0', 'p48']);
    expect(labUrl(parse({ kind: 'free' }), 'ABC234', 'timbre')).toBe('/music/timbre?classroom=ABC234');
    expect(() => labUrl(blend, 'ABC234', 'melody')).toThrow(UnknownChallengeError);
  });

  it('checks the entry against A, B, the chosen step and the lab’s ranges', () => {
    expect(check(blend)).not.toThrow();
    expect(check(blend, { params: { ...params, b: 'p74' } })).toThrow(/fixes A = Acoustic Guitar \(nylon\) \(p24\) and B = Flute \(p73\)/);
    expect(check(blend, { params: { ...params, a: 'z0_1' } })).toThrow(/fixes A/);
    expect(check(blend, { params: { ...params, step: 0 } })).toThrow(/Step 0 of 7 is A itself/);
    expect(check(blend, { params: { ...params, step: 6 } })).toThrow(/Step 6 of 7 is B itself/);
    expect(check(blend, { params: { ...params, step: 7 } })).toThrow(/params.step must be the chosen step of the morph \(0–6\)/);
    expect(check(blend, { params: { ...params, steps: 17 } })).toThrow(/params.steps/);
    expect(check(blend, { params: { ...params, steps: 1, step: 0 } })).toThrow(/params.steps/);
    expect(check(blend, { params: { ...params, mode: 'cubic' } })).toThrow(/params.mode/);
    expect(check(blend, { params: { ...params, pitch: 20 } })).toThrow(/params.pitch must be the MIDI pitch of the note \(36–84\)/);
    expect(check(blend, { params: { a: 'p24', b: 'p73' } })).toThrow(/params.steps/);
    expect(check(blend, { params: undefined })).toThrow(/fixes A/);
    expect(check(blend, { params: { ...params, steps: 16, step: 15 } })).toThrow(/is B itself/);
    expect(check(blend, { params: { ...params, steps: 16, step: 14, mode: 'lerp', pitch: 84 } })).not.toThrow();
  });

  it('holds every timbre entry to its own rules (16 numbers, a sound), in the free challenge too', () => {
    const free = parse({ kind: 'free' });
    for (const c of [blend, free]) {
      expect(check(c, { latent: code.slice(0, 15) })).toThrow(/the 16 numbers of the timbre model's code \(got 15 numbers\)/);
      expect(check(c, { latent: undefined })).toThrow(/got none/);
      expect(check(c, { latent: [...code.slice(0, 15), Number.NaN] })).toThrow(/16 numbers/);
      expect(check(c, { wav: { ...wav, peak: 0 } })).toThrow(/silent/);
    }
    // The free challenge fixes nothing else: any params.
    expect(check(free, { params: { note: 'mine' } })).not.toThrow();
    expect(check(parse({ kind: 'melody-interpolation', a: '60.0.4', b: '67.0.8' }))).toThrow(/takes melody entries, not timbre/);
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

describe('a challenge on a fine-tuned model', () => {
  it('names the model (saved:<name> or url:…) in the lab link, and takes entries made with it only', () => {
    const mel = parse({ kind: 'melody-interpolation', a: '60.0.4', b: '67.0.8', model: 'saved:jigs' });
    const u = new URL(labUrl(mel, 'ABC234'), 'http://x');
    expect(melodyLabUrl.parse(u.searchParams).state.model).toBe('saved:jigs');
    expect(describeChallenge(mel)).toMatch(/the model saved:jigs are fixed/);
    const params = { steps: 7, temperature: 0, mode: 'slerp', a: '60.0.4', b: '67.0.8' };
    const entry = (model: string) => ({ kind: 'melody' as const, latent: undefined, params: { ...params, model }, midi: undefined, png: undefined });
    expect(() => checkChallengeEntry(mel, entry('saved:jigs'))).not.toThrow();
    expect(() => checkChallengeEntry(mel, entry('mel_2bar'))).toThrow(/fixes the model saved:jigs/);
    expect(() => parse({ kind: 'melody-interpolation', a: '60.0.4', b: '67.0.8', model: 'saved:../x' })).toThrow();

    const drums = parse({ kind: 'drum-groove', model: 'url:https://example.org/my_grooves' });
    expect(drumLabUrl.parse(new URL(labUrl(drums, 'ABC234'), 'http://x').searchParams).state.model).toBe('url:https://example.org/my_grooves');
    const groove = (model?: string) => ({
      kind: 'drums' as const,
      latent: undefined,
      params: { temperature: 0.5, ...(model ? { model } : {}) },
      midi: undefined,
      png: undefined,
    });
    expect(() => checkChallengeEntry(drums, groove('url:https://example.org/my_grooves'))).not.toThrow();
    expect(() => checkChallengeEntry(drums, groove())).toThrow(/fixes the model url:https:\/\/example\.org\/my_grooves; this groove was made with drums_2bar/);
    expect(() => checkChallengeEntry(parse({ kind: 'drum-groove' }), groove())).not.toThrow();
  });
});

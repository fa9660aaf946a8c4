/**
 * What a challenge means for the labs: a sentence for people, and the lab URL that opens with the
 * challenge loaded. The labs keep their state in the URL, so pre-loading is just their own
 * parameters, plus `classroom=<code>`, which shows the classroom bar ("Submit to …").
 */
import type { Challenge, EntryKind } from './schema';

/** The URL parameter that puts a lab in classroom mode. */
export const CLASSROOM_PARAM = 'classroom';

const DIGIT_RANGE = 2.5;

/** Two numbers in [-2.5, 2.5) from a seed (mulberry32): the random starting code of a digit challenge. */
export function startingCode(seed: number): [number, number] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const round = (x: number) => Math.round(x * 100) / 100;
  return [round((next() * 2 - 1) * DIGIT_RANGE), round((next() * 2 - 1) * DIGIT_RANGE)];
}

/** A code as the image lab's `z` parameter: `0.52,-1.2`. */
export function formatCode(z: readonly number[]): string {
  return z.map((v) => String(Math.round(v * 1000) / 1000)).join(',');
}

/** Reads a 2-D code from the `z` parameter, or undefined. */
export function parseCode(raw: string | null): [number, number] | undefined {
  if (!raw) return undefined;
  const parts = raw.split(',').map(Number);
  if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v) || Math.abs(v) > 10)) return undefined;
  return [parts[0] ?? 0, parts[1] ?? 0];
}

/** One sentence saying what the students should make. */
export function describeChallenge(c: Challenge): string {
  switch (c.kind) {
    case 'melody-interpolation':
      return 'Make the smoothest morph from melody A to melody B: choose the steps, the temperature and the path (A, B and the model are fixed).';
    case 'drum-groove':
      return `Make the best 2-bar groove: sample, edit or blend it (temperature at most ${c.maxTemperature}).`;
    case 'digit-from-code':
      return `Start from the random code and walk the 2-D latent space of the ${c.model === 'vae' ? 'VAE' : 'convolutional VAE'} until the digit looks like a ${c.target}.`;
    case 'free':
      return 'Free challenge: make anything in any lab and submit it.';
  }
}

/** Entry kinds a challenge takes. */
export function entryKinds(c: Challenge): EntryKind[] {
  switch (c.kind) {
    case 'melody-interpolation':
      return ['melody'];
    case 'drum-groove':
      return ['drums'];
    case 'digit-from-code':
      return ['image'];
    case 'free':
      return ['melody', 'drums', 'image'];
  }
}

const LAB_PATH: Record<EntryKind, string> = { melody: '/music/melody', drums: '/music/drums', image: '/image' };

/** The lab URL (path and query) that opens `kind`'s lab with the challenge loaded. */
export function labUrl(c: Challenge, code: string, kind: EntryKind = entryKinds(c)[0] ?? 'melody'): string {
  const q = new URLSearchParams();
  switch (c.kind) {
    case 'melody-interpolation':
      q.set('a', c.a);
      q.set('b', c.b);
      break;
    case 'drum-groove':
      q.set('temp', String(Math.min(0.5, c.maxTemperature)));
      break;
    case 'digit-from-code':
      q.set('model', c.model);
      q.set('view', 'manifold');
      q.set('z', formatCode(startingCode(c.seed)));
      break;
    case 'free':
      if (kind === 'image') q.set('view', 'manifold');
      break;
  }
  q.set(CLASSROOM_PARAM, code);
  return `${LAB_PATH[kind]}?${q.toString()}`;
}

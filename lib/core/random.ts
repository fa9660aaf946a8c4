/**
 * Seeded random numbers, so that every "random" result in Latent Lab (sampled codes, noise,
 * shuffles) can be reproduced from a seed that is shown to the user and kept in the URL.
 *
 * The generator is sfc32 (Small Fast Counting, from PractRand): 128 bits of state, passes
 * statistical test batteries, and is a few lines of integer arithmetic, so it gives identical
 * streams in Node, in browsers and in Web Workers.
 */
import { z } from 'zod';
import { InvalidInputError } from './errors';

/** A stream of random numbers. All methods advance the stream. */
export interface Rng {
  /** The seed this stream started from. */
  readonly seed: number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (mean 0, variance 1), by the Box–Muller transform. */
  normal(): number;
  /** Fills a new Float32Array of `length` standard normal samples. */
  normalArray(length: number): Float32Array;
  /** Returns a shuffled copy of `items` (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[];
  /** A new independent stream derived from this one (for handing to sub-tasks). */
  fork(): Rng;
}

/** Largest seed accepted: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

/** A seed as it crosses a boundary (worker message, API body): a whole number from 0 to {@link MAX_SEED}. */
export const seedSchema = z.number().int().min(0).max(MAX_SEED);

/** Checks that `seed` is an integer in [0, 2^32) and returns it. */
export function validateSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidInputError(`Seed must be a whole number from 0 to ${MAX_SEED}; got ${String(seed)}.`);
  }
  return seed;
}

/** A seed from the platform's non-reproducible randomness, for when the user gives none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}

/** Creates a seeded random stream. The same seed always gives the same numbers. */
export function createRng(seed: number): Rng {
  validateSeed(seed);
  // splitmix32 spreads the seed over the 128-bit state so that nearby seeds give unrelated streams.
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();

  let spare: number | undefined;
  const next = (): number => nextUint32() / 4294967296;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return {
    seed,
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new InvalidInputError(`int(n) needs a positive whole n; got ${n}.`);
      return Math.floor(next() * n);
    },
    normal,
    normalArray(length: number): Float32Array {
      const out = new Float32Array(length);
      for (let i = 0; i < length; i++) out[i] = normal();
      return out;
    },
    shuffled<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
    fork(): Rng {
      return createRng(nextUint32());
    },
  };
}

/** murmur3's 32-bit finaliser: every input bit flips about half of the output bits. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a label, so streams can be named ("shuffle", "noise"). */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A new seed for one part of a seeded job — e.g. `deriveSeed(seed, 'shuffle', epoch)` or
 * `deriveSeed(seed, 'batch', epoch, batch)` — so that every stream of a run comes from the run's one
 * seed, different parts get unrelated streams (nearby seeds, epochs or batches do not give
 * correlated numbers), and the same parts always give the same seed. Parts are labels or whole
 * numbers from 0 to 2^32 − 1.
 *
 * @returns an unsigned 32-bit seed for {@link createRng}.
 */
export function deriveSeed(seed: number, ...parts: ReadonlyArray<number | string>): number {
  validateSeed(seed);
  let h = mix32(seed ^ 0x9e3779b9);
  for (const part of parts) {
    if (typeof part === 'number' && (!Number.isInteger(part) || part < 0 || part > MAX_SEED)) {
      throw new InvalidInputError(`A seed part must be a label or a whole number from 0 to ${MAX_SEED}; got ${String(part)}.`);
    }
    const value = typeof part === 'string' ? hashLabel(part) : part;
    h = mix32((h ^ mix32((value + 0x7f4a7c15) >>> 0)) + 0x165667b1);
  }
  return h;
}

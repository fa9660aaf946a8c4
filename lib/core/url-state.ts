/**
 * A lab's state as it lives in the URL, so a link reproduces exactly what a teacher shares: one zod
 * field per key (type, range, default — built from lib's constants), a reader that turns any query
 * string into a complete, valid state (a bad or missing value falls back to that key's default and
 * is reported), and a writer that keeps links short (defaults are left out) and other keys intact.
 * No TF.js, no React: pages and Node tests share it.
 */
import { z } from 'zod';

/** Field helpers: numbers come from the URL as text. */
export const urlInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const urlNum = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);
/** A flag: "1" on, absent off. */
export const urlFlag = () =>
  z
    .union([z.boolean(), z.enum(['1', '0', 'true', 'false'])])
    .transform((v) => v === true || v === '1' || v === 'true')
    .default(false);

export interface UrlState<S extends Record<string, unknown>> {
  /** The state with every default (an empty query string). */
  defaults: S;
  keys: (keyof S & string)[];
  /** Reads a query string; `ignored` lists the keys whose values were invalid (their defaults are used). */
  parse(params: URLSearchParams): { state: S; ignored: (keyof S & string)[] };
  /**
   * Applies a patch: `undefined` or a default value removes the key; other keys of the query are
   * kept. @throws {z.ZodError} for a value outside the schema (the controls use the same limits).
   */
  write(params: URLSearchParams, patch: { [K in keyof S]?: S[K] | undefined }): URLSearchParams;
}

/** Builds the reader and writer of a lab's URL state from its fields. */
export function defineUrlState<F extends Record<string, z.ZodType>>(fields: F): UrlState<{ [K in keyof F]: z.output<F[K]> }> {
  type S = { [K in keyof F]: z.output<F[K]> };
  const schema = z.object(fields);
  const defaults = schema.parse({}) as S;
  const keys = Object.keys(fields) as (keyof S & string)[];
  const serialise = (v: unknown): string => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  return {
    defaults,
    keys,
    parse(params) {
      const raw: Record<string, unknown> = {};
      const ignored: (keyof S & string)[] = [];
      for (const key of keys) {
        const value = params.get(key);
        if (value === null) continue;
        if ((fields[key] as z.ZodType).safeParse(value).success) raw[key] = value;
        else ignored.push(key);
      }
      return { state: schema.parse(raw) as S, ignored };
    },
    write(params, patch) {
      const next = new URLSearchParams(params);
      for (const key of Object.keys(patch) as (keyof S & string)[]) {
        const value = patch[key];
        if (value === undefined || value === defaults[key]) {
          next.delete(key);
          continue;
        }
        (fields[key] as z.ZodType).parse(typeof value === 'boolean' ? value : serialise(value));
        next.set(key, serialise(value));
      }
      return next;
    },
  };
}

/**
 * What a lab says about a link's invalid values — `This link's “grid” setting was not valid and
 * uses its default.` — or `undefined` when every value was valid.
 */
export function ignoredNote(ignored: readonly string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const one = ignored.length === 1;
  return `This link's ${ignored.map((k) => `“${k}”`).join(', ')} setting${one ? ' was' : 's were'} not valid and ${one ? 'uses its default' : 'use their defaults'}.`;
}

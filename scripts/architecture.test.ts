/**
 * Checks on the shape of the code that a reviewer would otherwise have to remember: files small
 * enough to hold in one's head (or saying why not), and lib/latent free of product names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(p, ext);
    return ext.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The opening comment of a file (up to the first line of code). */
function openingComment(text: string): string {
  const m = /^\s*(?:'use client';\s*)?(?:\/\/\/[^\n]*\n\s*)*(\/\*\*[\s\S]*?\*\/)/.exec(text);
  return m?.[1] ?? '';
}

/** A file over its size says why in its opening comment, in a sentence starting "Long because". */
function oversized(dir: string, ext: RegExp, limit: number): string[] {
  return files(dir, ext).flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    const lines = text.split('\n').length;
    return lines > limit && !/Long because/.test(openingComment(text)) ? [`${f}: ${lines} lines`] : [];
  });
}

describe('file sizes', () => {
  it('no lib file is over 450 lines without its reason on top', () => {
    expect(oversized('lib', /\.ts$/, 450)).toEqual([]);
  });
  it('no component is over 300 lines without its reason on top', () => {
    expect(oversized('app', /\.tsx$/, 300)).toEqual([]);
  });
});

describe('lib/latent', () => {
  it('names no product: no shipped model ids, no domain or side names as values', () => {
    const named = files('lib/latent', /\.ts$/)
      .filter((f) => !f.includes(`${path.sep}testing${path.sep}`))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line: line.replace(/\/\*.*?(\*\/|$)|\/\/.*$|^\s*\*.*$/g, ''), at: `${f}:${i + 1}` }))
          .filter(({ line }) => /['"`](mel_2bar|drums_2bar|image|music|melody|drums|timbre)['"`]/.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(named).toEqual([]);
  });
});

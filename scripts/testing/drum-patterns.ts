/**
 * The step-sequencer patterns of the "200/260 Drum Machine Patterns" books (data/drum-machine-patterns,
 * MIT JSON transcription), as kick / snare / closed hi-hat hits, split once for everyone:
 * `test` — 60 patterns spread evenly over the usable ones, what `eval:transcribe --part drums`
 * scores — and `rest`, the others, which `train:drum-positions` learns the drums' places in the bar
 * from. One split, so the prior never sees a pattern it is scored on.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { DrumSound } from '../../lib/sound/drums';

const patternSchema = z.object({
  title: z.string(),
  signature: z.string(),
  length: z.number(),
  tracks: z.record(z.string(), z.array(z.string())),
});

export interface BookPattern {
  title: string;
  /** One bar of 16 steps: the drums at each step. */
  hits: { step: number; sound: DrumSound }[];
}

/** How many patterns the evaluation scores. */
export const TEST_PATTERNS = 60;

const NAMES: Readonly<Record<string, DrumSound>> = { BassDrum: 'kick', SnareDrum: 'snare', ClosedHiHat: 'hat' };

/** `n` items spread evenly over `items` (all of them when there are no more). */
export function evenly<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  return Array.from({ length: n }, (_, k) => items[Math.floor((k * items.length) / n)] as T);
}

/** The usable patterns (4/4, 16 steps, with a kick or a snare), split into `test` and `rest`. */
export async function bookPatterns(dataDir: string): Promise<{ test: BookPattern[]; rest: BookPattern[] }> {
  const all: z.infer<typeof patternSchema>[] = [];
  for (const f of ['patterns-200.json', 'patterns-260.json']) {
    all.push(...z.array(patternSchema).parse(JSON.parse(await readFile(path.join(dataDir, 'drum-machine-patterns', f), 'utf8'))));
  }
  const usable = all.filter((p) => p.signature === '4/4' && p.length === 16 && ['BassDrum', 'SnareDrum'].some((k) => k in p.tracks));
  const test = new Set(evenly(usable, TEST_PATTERNS));
  const toHits = (p: z.infer<typeof patternSchema>): BookPattern => {
    const hits: BookPattern['hits'] = [];
    for (const [track, sound] of Object.entries(NAMES)) {
      (p.tracks[track] ?? []).forEach((v, step) => {
        if (v === 'Note') hits.push({ step, sound });
      });
    }
    return { title: p.title, hits };
  };
  return { test: usable.filter((p) => test.has(p)).map(toHits), rest: usable.filter((p) => !test.has(p)).map(toHits) };
}

/**
 * Distances between 2-bar sequences as the models see them (class labels per 16th step), for
 * judging interpolations: how much changes from one step of a morph to the next.
 */
import type { MusicConverter } from './converters/types';
import { sequenceStats, type SequenceStats } from './evaluate';

/**
 * Event edit distance: the fewest single-step insertions, deletions or substitutions that turn
 * one label sequence into the other (Levenshtein over the steps, "nothing happens" steps
 * included). A changed pitch costs 1; a note moved by one step costs 2 (out here, in there).
 */
export function eventEditDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

export interface PathQuality {
  /** Mean and largest event edit distance between neighbouring steps. */
  meanStep: number;
  maxStep: number;
  /** Event edit distance from the first step to the last. */
  endToEnd: number;
  /** Note density and pitch range of the steps strictly between the ends. */
  middle: SequenceStats;
}

/** Quality of one interpolation path given as label sequences (at least 3 steps). */
export function pathQuality(path: readonly ArrayLike<number>[], converter: MusicConverter): PathQuality {
  if (path.length < 3) throw new RangeError('A path needs at least 3 steps to have a middle.');
  const steps = path.slice(1).map((p, i) => eventEditDistance(path[i] ?? [], p));
  return {
    meanStep: steps.reduce((a, b) => a + b, 0) / steps.length,
    maxStep: Math.max(...steps),
    endToEnd: eventEditDistance(path[0] ?? [], path[path.length - 1] ?? []),
    middle: sequenceStats(path.slice(1, -1).map((p) => converter.labelsToSequence(p))),
  };
}

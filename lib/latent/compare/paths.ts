/**
 * The Paths panel: is a walk through latent space a smooth morph or a series of jumps?
 *
 * For random pairs of items (a, b), decode the codes along the straight line (lerp) and along the
 * great circle (slerp) from μ_a to μ_b in `steps` points, measure the distance between every two
 * neighbouring decodes in data space, and call
 *   smoothness = largest step ÷ distance between the decodes of the two ends.
 * If the decodes change evenly the ratio is 1/(steps − 1) (0.1 for 11 points) — a decoder that is
 * linear in z gives exactly that on a lerp; if all the change happens in one jump it is 1 (or more,
 * when the path wanders away and back). The roughest path is shown.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors';
import type { LatentModel } from '../../core/latent-model';
import { createRng } from '../../core/random';
import { interpolateCodesTensor } from '../interpolate';
import { panelDistance, type CompareDomain } from './domain';
import { decodeCodes, row, type EncodedSet, type WorkOptions } from './encode';
import { PATH_MODES, PATH_STEPS, type PathMode } from './options';
import type { PathReport, PathsReport } from './report';
import { summarize } from './stats';

export interface PathsResult<Item> {
  report: PathsReport;
  /** The decodes along the roughest path of each mode (null when no path had distinct ends). */
  roughest: Record<PathMode, Item[] | null>;
}

/** `pairs` pairs of distinct items drawn with `seed`. */
export function randomPairs(count: number, pairs: number, seed: number): [number, number][] {
  if (count < 2) throw new InvalidInputError('Paths need at least 2 items.');
  const rng = createRng(seed);
  return Array.from({ length: pairs }, () => {
    const a = rng.int(count);
    const b = (a + 1 + rng.int(count - 1)) % count;
    return [a, b];
  });
}

/** Smoothness of one path from its decodes: step distances, end-to-end distance, ratio (null when the ends decode alike). */
export function pathSmoothness<Item>(
  items: readonly Item[],
  distance: (a: Item, b: Item) => number,
): { stepDistances: number[]; endToEnd: number; smoothness: number | null } {
  if (items.length < 2) throw new InvalidInputError('A path needs at least 2 points.');
  const stepDistances = items.slice(1).map((item, i) => distance(items[i] as Item, item));
  const endToEnd = distance(items[0] as Item, items[items.length - 1] as Item);
  return { stepDistances, endToEnd, smoothness: endToEnd > 0 ? Math.max(...stepDistances) / endToEnd : null };
}

/**
 * Decodes lerp and slerp paths of `steps` points between `pairs` random pairs (the two ends are
 * decoded once and shared by both modes) and measures their smoothness. Progress counts decoded codes.
 */
export async function pathsPanel<X extends tf.Tensor, Item>(
  model: LatentModel<X>,
  domain: CompareDomain<X, Item>,
  set: EncodedSet,
  options: WorkOptions & { pairs: number; seed: number; steps?: number; modes?: readonly PathMode[]; batchSize?: number },
): Promise<PathsResult<Item>> {
  const steps = options.steps ?? PATH_STEPS;
  const modes = options.modes ?? PATH_MODES;
  if (!Number.isInteger(steps) || steps < 3) throw new InvalidInputError(`A path needs at least 3 points; got ${steps}.`);
  const pairs = randomPairs(set.count, options.pairs, options.seed);
  const dims = set.dims;
  // Per pair: [end a, interior points of each mode…, end b].
  const interior = steps - 2;
  const perPair = 2 + modes.length * interior;
  const codes = new Float32Array(pairs.length * perPair * dims);
  for (const [p, [a, b]] of pairs.entries()) {
    const base = p * perPair;
    codes.set(row(set.mean, dims, a), base * dims);
    codes.set(row(set.mean, dims, b), (base + perPair - 1) * dims);
    for (const [m, mode] of modes.entries()) {
      const path = tf.tidy(() => {
        const za = tf.tensor1d(row(set.mean, dims, a));
        const zb = tf.tensor1d(row(set.mean, dims, b));
        return interpolateCodesTensor(za, zb, steps, mode).slice([1, 0], [interior, dims]);
      });
      try {
        codes.set(await path.data(), (base + 1 + m * interior) * dims);
      } finally {
        path.dispose();
      }
    }
  }
  const decoded = await decodeCodes(model, domain, codes, { ...options, phase: 'paths', label: 'Decoding interpolation paths' });
  const paths: PathReport[] = [];
  const itemsOf = new Map<number, Item[]>();
  const distance = panelDistance(domain);
  for (const mode of modes) {
    const m = modes.indexOf(mode);
    pairs.forEach(([a, b], p) => {
      const base = p * perPair;
      const items = [decoded[base] as Item, ...decoded.slice(base + 1 + m * interior, base + 1 + (m + 1) * interior), decoded[base + perPair - 1] as Item];
      itemsOf.set(paths.length, items);
      paths.push({ mode, a, b, ...pathSmoothness(items, distance) });
    });
  }
  const smoothness = { lerp: summarize([]), slerp: summarize([]) };
  const identicalEnds = { lerp: 0, slerp: 0 };
  const roughest: PathsReport['roughest'] = { lerp: null, slerp: null };
  const roughestItems: Record<PathMode, Item[] | null> = { lerp: null, slerp: null };
  for (const mode of modes) {
    const mine = paths.map((p, i) => ({ p, i })).filter(({ p }) => p.mode === mode);
    smoothness[mode] = summarize(mine.map(({ p }) => p.smoothness));
    identicalEnds[mode] = mine.filter(({ p }) => p.smoothness === null).length;
    let best: { i: number; s: number } | undefined;
    for (const { p, i } of mine) if (p.smoothness !== null && (!best || p.smoothness > best.s)) best = { i, s: p.smoothness };
    roughest[mode] = best?.i ?? null;
    roughestItems[mode] = best ? (itemsOf.get(best.i) ?? null) : null;
  }
  return {
    report: { pairs: pairs.length, steps, distance: domain.distanceName, smoothness, identicalEnds, roughest, paths },
    roughest: roughestItems,
  };
}

/**
 * The Attribute vectors panel (Latent Space Cartography, Liu et al. 2019; MusicVAE's attribute
 * arithmetic, Roberts et al. 2018): is there a direction in latent space that means "more of X"?
 *
 * Pick two groups of items — by label (digit 1 vs digit 7) or by a measured attribute (its lowest
 * vs highest quarter of the set: thin vs thick strokes, sparse vs dense melodies). The attribute
 * vector is the difference of the groups' centroids (mean μ of B − mean μ of A). Adding growing
 * multiples of it to an item of A (8 steps, up to 1.5× to overshoot) and decoding shows whether the
 * attribute really moves. The consistency score asks whether the vector is a real direction or
 * only an average: the mean cosine between it and the difference of random (A, B) pairs (1 = every
 * pair differs exactly that way; near 0 = pairs differ in unrelated ways).
 */
import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors';
import type { LatentModel } from '../../core/latent-model';
import { createRng } from '../../core/random';
import type { CompareDomain } from './domain';
import { checkCancelled, decodeCodes, row, type EncodedSet, type WorkOptions } from './encode';
import { ATTRIBUTE_OVERSHOOT, ATTRIBUTE_STEPS } from './options';
import type { AttributeGroups, AttributesReport } from './report';
import { quantile } from './stats';

/** The two groups' item indices, names and what is measured on decodes. */
export interface ResolvedGroups {
  a: number[];
  b: number[];
  aName: string;
  bName: string;
  description: string;
}

/** Items of each group for a label pair or a measured attribute (lowest vs highest quarter). */
export function resolveGroups<X extends tf.Tensor, Item>(domain: CompareDomain<X, Item>, groups: AttributeGroups): ResolvedGroups & { values?: number[] } {
  if (groups.kind === 'label') {
    if (groups.a === groups.b) throw new InvalidInputError(`Pick two different ${domain.labelName}s; both groups are "${groups.a}".`);
    const a: number[] = [];
    const b: number[] = [];
    domain.labels.forEach((l, i) => {
      if (l === groups.a) a.push(i);
      else if (l === groups.b) b.push(i);
    });
    for (const [name, g] of [
      [groups.a, a],
      [groups.b, b],
    ] as const) {
      if (g.length < 2)
        throw new InvalidInputError(
          `The set has ${g.length} ${g.length === 1 ? domain.itemName : domain.itemsName} with ${domain.labelName} "${name}"; a group needs at least 2.`,
        );
    }
    return {
      a,
      b,
      aName: `${domain.labelName} ${groups.a}`,
      bName: `${domain.labelName} ${groups.b}`,
      description: `${domain.labelName} ${groups.a} → ${groups.b}`,
    };
  }
  const attribute = domain.attributes.find((x) => x.id === groups.id);
  if (!attribute)
    throw new InvalidInputError(
      `"${groups.id}" is not an attribute of ${domain.itemsName}; try ${domain.attributes.map((x) => x.id).join(' or ') || 'a label pair'}.`,
    );
  const values = Array.from({ length: domain.count }, (_, i) => attribute.measure(domain.item(i)));
  const low = quantile(values, 0.25);
  const high = quantile(values, 0.75);
  if (!(high > low))
    throw new InvalidInputError(`${attribute.name} hardly varies in this set (lower and upper quartile both ${low.toFixed(2)}); pick another attribute.`);
  const a = values.flatMap((v, i) => (v <= low ? [i] : []));
  const b = values.flatMap((v, i) => (v >= high ? [i] : []));
  return { a, b, aName: `low ${attribute.name}`, bName: `high ${attribute.name}`, description: `${attribute.name}: lowest → highest quarter`, values };
}

function centroid(set: EncodedSet, items: readonly number[]): Float64Array {
  const c = new Float64Array(set.dims);
  for (const i of items) for (let j = 0; j < set.dims; j++) c[j] = (c[j] ?? 0) + (set.mean[i * set.dims + j] ?? 0) / items.length;
  return c;
}

/**
 * Mean cosine between `vector` and `μ_b − μ_a` over `pairs` random pairs (a from A, b from B),
 * and the share of those pairs with a positive cosine.
 */
export function vectorConsistency(
  set: EncodedSet,
  a: readonly number[],
  b: readonly number[],
  vector: ArrayLike<number>,
  pairs: number,
  seed: number,
): { mean: number; agreeing: number } {
  const rng = createRng(seed);
  const dims = set.dims;
  let vn = 0;
  for (let j = 0; j < dims; j++) vn += (vector[j] ?? 0) ** 2;
  vn = Math.sqrt(vn);
  let sum = 0;
  let positive = 0;
  let counted = 0;
  for (let p = 0; p < pairs; p++) {
    const ia = a[rng.int(a.length)] ?? 0;
    const ib = b[rng.int(b.length)] ?? 0;
    let dot = 0;
    let dn = 0;
    for (let j = 0; j < dims; j++) {
      const d = (set.mean[ib * dims + j] ?? 0) - (set.mean[ia * dims + j] ?? 0);
      dot += d * (vector[j] ?? 0);
      dn += d * d;
    }
    if (dn === 0 || vn === 0) continue;
    const cos = dot / (Math.sqrt(dn) * vn);
    sum += cos;
    if (cos > 0) positive++;
    counted++;
  }
  return { mean: counted ? sum / counted : 0, agreeing: counted ? positive / counted : 0 };
}

/** The real item nearest to `item` other than `except`. */
function nearestLabel<X extends tf.Tensor, Item>(domain: CompareDomain<X, Item>, item: Item, except = -1): string {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < domain.count; i++) {
    if (i === except) continue;
    const d = domain.distance(item, domain.item(i));
    if (d < bestD) [best, bestD] = [i, d];
  }
  return domain.labels[best] ?? '';
}

export interface AttributesResult<Item> {
  report: AttributesReport;
  /** Decodes along the vector: `items.length` rows of `alphas.length` items, row by row. */
  walks: Item[];
}

/**
 * The Attribute vectors panel. For label groups the decodes are measured by the share whose nearest
 * real item carries label B; for attribute groups by the attribute itself.
 */
export async function attributesPanel<X extends tf.Tensor, Item>(
  model: LatentModel<X>,
  domain: CompareDomain<X, Item>,
  set: EncodedSet,
  groups: AttributeGroups,
  options: WorkOptions & { seed: number; items: number; consistencyPairs: number; start?: number; steps?: number; overshoot?: number; batchSize?: number },
): Promise<AttributesResult<Item>> {
  const resolved = resolveGroups(domain, groups);
  const dims = set.dims;
  const ca = centroid(set, resolved.a);
  const cb = centroid(set, resolved.b);
  const vector = Float64Array.from(cb, (v, j) => v - (ca[j] ?? 0));
  const vectorNorm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
  const consistency = vectorConsistency(set, resolved.a, resolved.b, vector, options.consistencyPairs, options.seed);
  const steps = options.steps ?? ATTRIBUTE_STEPS;
  const overshoot = options.overshoot ?? ATTRIBUTE_OVERSHOOT;
  const alphas = Array.from({ length: steps }, (_, k) => (overshoot * k) / (steps - 1));
  const rng = createRng((options.seed + 7) >>> 0);
  let items: number[];
  if (options.start !== undefined) {
    if (!Number.isInteger(options.start) || options.start < 0 || options.start >= set.count)
      throw new InvalidInputError(`Item ${options.start} does not exist (the set has ${set.count}).`);
    items = [options.start];
  } else {
    items = rng.shuffled(resolved.a).slice(0, Math.max(1, options.items));
  }
  const codes = new Float32Array(items.length * steps * dims);
  items.forEach((item, s) => {
    const mu = row(set.mean, dims, item);
    alphas.forEach((alpha, k) => {
      for (let j = 0; j < dims; j++) codes[(s * steps + k) * dims + j] = (mu[j] ?? 0) + alpha * (vector[j] ?? 0);
    });
  });
  checkCancelled(options.signal, 'The attribute panel');
  const walks = await decodeCodes(model, domain, codes, { ...options, phase: 'attributes', label: 'Decoding along the attribute vector' });
  let measure: AttributesReport['measure'];
  if (groups.kind === 'attribute') {
    const attribute = domain.attributes.find((x) => x.id === groups.id);
    const values = resolved.values ?? [];
    const mean = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length);
    const perStep = alphas.map((_, k) => mean(items.map((_, s) => attribute?.measure(walks[s * steps + k] as Item) ?? NaN)));
    measure = {
      name: attribute?.name ?? groups.id,
      perStep,
      groupA: mean(resolved.a.map((i) => values[i] ?? NaN)),
      groupB: mean(resolved.b.map((i) => values[i] ?? NaN)),
    };
  } else {
    const target = groups.b;
    const perStep = alphas.map((_, k) => items.filter((_, s) => nearestLabel(domain, walks[s * steps + k] as Item) === target).length / items.length);
    const sample = (g: readonly number[]): number[] => rng.shuffled(g).slice(0, 50);
    const share = (g: readonly number[]): number => {
      const picked = sample(g);
      return picked.filter((i) => nearestLabel(domain, domain.item(i), i) === target).length / picked.length;
    };
    measure = {
      name: `share whose nearest real ${domain.itemName} is ${domain.labelName} ${target}`,
      perStep,
      groupA: share(resolved.a),
      groupB: share(resolved.b),
    };
  }
  return {
    report: {
      groups,
      description: resolved.description,
      a: { name: resolved.aName, count: resolved.a.length },
      b: { name: resolved.bName, count: resolved.b.length },
      vectorNorm,
      consistency: consistency.mean,
      agreeing: consistency.agreeing,
      consistencyPairs: options.consistencyPairs,
      alphas,
      items,
      measure,
    },
    walks,
  };
}

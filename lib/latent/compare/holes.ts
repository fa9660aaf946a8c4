/**
 * Items per latent dimension below which the set is too small to tell where codes are dense: the
 * share of "holes" then mostly says how few the items are, not how the model is (a rule of thumb,
 * said on the page with the number).
 */
export const ITEMS_PER_DIMENSION = 10;

/** The 95% Wilson score interval of a proportion `k / n` (sound for shares near 0 or 1). */
export function wilsonInterval(k: number, n: number): [number, number] {
  if (n <= 0) return [0, 1];
  const z = 1.959964;
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The Holes panel: does every region of the prior decode to something real?
 *
 * A VAE is trained so that codes of real items, taken together, look like the prior N(0, I). Where
 * that fails, a code drawn from the prior lands in a *hole*: a region no real item maps to, whose
 * decode is often not like any real item. Two measures:
 *
 * - In data space: decode prior draws and codes of real items, and measure each decode's distance
 *   to its nearest real item. Prior draws that land in holes are farther away than reconstructions.
 * - In latent space: the aggregate posterior q(z) = mean over the set of q(z|x) (a mixture of one
 *   Gaussian N(μ, σ²) per item) says how densely real codes cover a point. log q(z) of prior draws
 *   is compared with log q of codes drawn from q itself — a code drawn from item j's q(z|x_j) is
 *   scored without item j's own Gaussian (leave-one-out), so both kinds of draw are judged by
 *   *other* items only. The share of prior draws below the 1st percentile of the real codes' log q
 *   is the share of the prior that is "thin": ≈ 1% if q matched the prior, in any dimension.
 *
 * Plain autoencoders have no σ: their q(z|x) is taken as a Gaussian kernel whose width per unit
 * follows Scott's rule (std of μ × n^(−1/(d+4))).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../../core/errors';
import type { LatentModel } from '../../core/latent-model';
import { createRng } from '../../core/random';
import { panelDistance, type CompareDomain } from './domain';
import { checkCancelled, decodeCodes, row, type EncodedSet, type WorkOptions } from './encode';
import { HOLES_PERCENTILE } from './options';
import type { HolesReport } from './report';
import { quantile, summarize, yieldToEventLoop } from './stats';

/** log σ² per item and unit: the set's own, or Scott's-rule kernel widths when it has none. */
export function componentLogVar(set: EncodedSet): { logVar: Float32Array; bandwidth: number[] | null } {
  if (set.logVar) return { logVar: set.logVar, bandwidth: null };
  const { count, dims, mean } = set;
  const factor = count ** (-1 / (dims + 4));
  const bandwidth: number[] = [];
  for (let j = 0; j < dims; j++) {
    let m = 0;
    for (let i = 0; i < count; i++) m += mean[i * dims + j] ?? 0;
    m /= count;
    let v = 0;
    for (let i = 0; i < count; i++) v += ((mean[i * dims + j] ?? 0) - m) ** 2;
    bandwidth.push(Math.max(1e-4, Math.sqrt(v / count) * factor));
  }
  const logVar = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) logVar[i * dims + j] = 2 * Math.log(bandwidth[j] ?? 1);
  return { logVar, bandwidth };
}

/**
 * log q(z) = log mean_i N(z; μ_i, diag σ_i²) for each query code (`queries`: `q × dims`), over the
 * set's items — leaving out item `exclude[r]` for query r when given (≥ 0). Computed as two matrix
 * products per chunk on the TF.js backend (codes are centred first to keep float32 rounding
 * small); leaves no tensors.
 */
export async function logAggregatePosterior(
  set: EncodedSet,
  logVar: Float32Array,
  queries: Float32Array,
  options: WorkOptions & { exclude?: Int32Array } = {},
): Promise<Float32Array> {
  const { count, dims } = set;
  const q = queries.length / dims;
  if (!Number.isInteger(q) || logVar.length !== count * dims) throw new InvalidInputError(`Expected codes of ${dims} numbers for ${count} items.`);
  const centre = new Float32Array(dims);
  for (let i = 0; i < count; i++) for (let j = 0; j < dims; j++) centre[j] = (centre[j] ?? 0) + (set.mean[i * dims + j] ?? 0) / count;
  const mixture = tf.tidy(() => {
    const c = tf.tensor1d(centre);
    const mu = tf.sub(tf.tensor2d(set.mean, [count, dims]), c);
    const lv = tf.tensor2d(logVar, [count, dims]);
    const precision = tf.exp(tf.neg(lv));
    const muP = tf.mul(mu, precision);
    // Σ_j (μ² P + log σ²) + d·log 2π, per item.
    const constant = tf.add(tf.sum(tf.add(tf.mul(mu, muP), lv), 1), dims * Math.log(2 * Math.PI));
    return { c, precision, muP, constant };
  });
  const out = new Float32Array(q);
  const chunk = Math.max(1, Math.floor(2_000_000 / count));
  try {
    for (let start = 0; start < q; start += chunk) {
      checkCancelled(options.signal, 'The density estimate');
      const n = Math.min(chunk, q - start);
      const logQ = tf.tidy(() => {
        const z = tf.sub(tf.tensor2d(queries.subarray(start * dims, (start + n) * dims), [n, dims]), mixture.c);
        const quad = tf.add(
          tf.sub(tf.matMul(tf.square(z), mixture.precision, false, true), tf.mul(tf.matMul(z, mixture.muP, false, true), 2)),
          mixture.constant,
        );
        let logN: tf.Tensor = tf.mul(quad, -0.5);
        let components: tf.Tensor | number = count;
        const excluded = options.exclude?.subarray(start, start + n);
        if (excluded?.some((e) => e >= 0)) {
          // One-hot of the left-out item (none for −1) pushes its term to −∞ and one fewer item is averaged.
          const mask = tf.cast(tf.oneHot(tf.tensor1d(excluded, 'int32'), count), 'float32');
          logN = tf.sub(logN, tf.mul(mask, 1e30));
          components = tf.sub(count, tf.sum(mask, 1));
        }
        return tf.sub(tf.logSumExp(logN, 1), tf.log(components));
      });
      try {
        out.set(await logQ.data(), start);
      } finally {
        logQ.dispose();
      }
      options.onProgress?.({ phase: 'holes', label: 'Estimating log q(z)', done: start + n, total: q });
      await yieldToEventLoop();
    }
  } finally {
    tf.dispose([mixture.c, mixture.precision, mixture.muP, mixture.constant]);
  }
  return out;
}

/** Index and distance of the real item nearest to `item`. */
function nearestReal<X extends tf.Tensor, Item>(
  domain: CompareDomain<X, Item>,
  item: Item,
  distance: (a: Item, b: Item) => number,
): { index: number; distance: number } {
  let best = { index: -1, distance: Infinity };
  for (let i = 0; i < domain.count; i++) {
    const d = distance(item, domain.item(i));
    if (d < best.distance) best = { index: i, distance: d };
  }
  return best;
}

export interface HolesResult<Item> {
  report: HolesReport;
  /** log q(z) of every prior draw and of every code drawn from q (for histograms). */
  logQ: { prior: Float32Array; real: Float32Array };
  /** Distance to the nearest real item of each decoded prior draw and decoded real code. */
  nearest: { prior: number[]; real: number[] };
  /** Decodes of the worst prior draws (as in `report.worst`) and of the first decoded real codes. */
  worstItems: Item[];
  realItems: Item[];
}

/**
 * The Holes panel: `priorDraws` codes from N(0, I) and as many from the aggregate posterior for
 * log q(z); `decodedDraws` prior draws and `decodedDraws` real codes (μ of random items) decoded and
 * compared with the set; the `worst` prior draws (farthest from any real item) returned.
 */
export async function holesPanel<X extends tf.Tensor, Item>(
  model: LatentModel<X>,
  domain: CompareDomain<X, Item>,
  set: EncodedSet,
  options: WorkOptions & { priorDraws: number; decodedDraws: number; worst: number; seed: number; batchSize?: number },
): Promise<HolesResult<Item>> {
  const { count, dims } = set;
  const m = options.priorDraws;
  const rng = createRng(options.seed);
  const prior = rng.normalArray(m * dims);
  const { logVar, bandwidth } = componentLogVar(set);
  const picks = Array.from({ length: m }, () => rng.int(count));
  const real = new Float32Array(m * dims);
  picks.forEach((item, r) => {
    for (let j = 0; j < dims; j++) real[r * dims + j] = (set.mean[item * dims + j] ?? 0) + Math.exp(0.5 * (logVar[item * dims + j] ?? 0)) * rng.normal();
  });
  const exclude = Int32Array.from({ length: 2 * m }, (_, r) => (r < m ? -1 : (picks[r - m] ?? -1)));
  const logQ = await logAggregatePosterior(set, logVar, new Float32Array([...prior, ...real]), { ...options, exclude });
  const logPrior = logQ.slice(0, m);
  const logReal = logQ.slice(m);
  const threshold = quantile(logReal, HOLES_PERCENTILE / 100);
  const share = logPrior.reduce((n, v) => n + (v < threshold ? 1 : 0), 0) / m;

  const k = Math.min(options.decodedDraws, m);
  const codes = new Float32Array(2 * k * dims);
  codes.set(prior.subarray(0, k * dims));
  for (let r = 0; r < k; r++) codes.set(row(set.mean, dims, picks[r] ?? 0), (k + r) * dims);
  const decoded = await decodeCodes(model, domain, codes, { ...options, phase: 'holes', label: 'Decoding prior draws and real codes' });
  const nearest = [] as { index: number; distance: number }[];
  const distance = panelDistance(domain);
  for (const [i, item] of decoded.entries()) {
    if (i % 16 === 0) {
      checkCancelled(options.signal, 'The holes panel');
      options.onProgress?.({ phase: 'holes', label: 'Finding the nearest real items', done: i, total: decoded.length });
      await yieldToEventLoop();
    }
    nearest.push(nearestReal(domain, item, distance));
  }
  const priorNearest = nearest.slice(0, k);
  const realNearest = nearest.slice(k);
  const worst = priorNearest
    .map((n, draw) => ({ draw, ...n }))
    .sort((a, b) => b.distance - a.distance || a.draw - b.draw)
    .slice(0, Math.min(options.worst, k));
  return {
    report: {
      share,
      shareInterval: wilsonInterval(share * m, m),
      items: set.count,
      dims: set.dims,
      enoughItems: set.count >= ITEMS_PER_DIMENSION * set.dims,
      percentile: HOLES_PERCENTILE,
      threshold,
      priorDraws: m,
      density: bandwidth ? 'kernel' : 'posterior',
      bandwidth,
      logQ: { prior: summarize(Array.from(logPrior)), real: summarize(Array.from(logReal)) },
      distance: domain.distanceName,
      nearest: { prior: summarize(priorNearest.map((n) => n.distance)), real: summarize(realNearest.map((n) => n.distance)) },
      worst: worst.map((w) => ({
        draw: w.draw,
        distance: w.distance,
        nearest: w.index,
        nearestLabel: domain.labels[w.index] ?? '',
        logQ: logPrior[w.draw] ?? NaN,
      })),
    },
    logQ: { prior: logPrior, real: logReal },
    nearest: { prior: priorNearest.map((n) => n.distance), real: realNearest.map((n) => n.distance) },
    worstItems: worst.map((w) => decoded[w.draw] as Item),
    realItems: decoded.slice(k, k + Math.min(options.worst, k)),
  };
}

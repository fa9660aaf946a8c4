/**
 * Encoding a whole set once: μ (and log σ² when the model gives σ) of every item, as plain arrays
 * that every Compare panel then reads. Works in batches, reports items encoded out of N, and can
 * be cancelled between batches.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, InvalidInputError } from '../../core/errors';
import type { LatentModel } from '../../core/latent-model';
import type { CompareDomain } from './domain';
import { yieldToEventLoop } from './stats';

/** The codes of a set: `count` rows of `dims` numbers, row-major. */
export interface EncodedSet {
  count: number;
  dims: number;
  /** μ of every item. */
  mean: Float32Array;
  /** log σ² of every item, or null when the model has no σ. */
  logVar: Float32Array | null;
}

/** Progress of long Compare work: `done` of `total` units of `phase` (items, codes, epochs…). */
export interface CompareProgress {
  phase: string;
  label: string;
  done: number;
  total: number;
}

export interface WorkOptions {
  signal?: AbortSignal;
  onProgress?: (progress: CompareProgress) => void;
}

/** Throws {@link CancelledError} when `signal` fired. */
export function checkCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}

/** Row `i` of a row-major matrix (a view, not a copy). */
export function row(values: Float32Array, dims: number, i: number): Float32Array {
  return values.subarray(i * dims, (i + 1) * dims);
}

/**
 * Encodes every item of `domain` with `model` in batches of `batchSize` (default 256): μ from
 * `domain.posterior` when the model has σ, else from `model.encode`; items that share a
 * `domain.itemKey` are encoded once. Progress counts items whose code is known, out of N. Leaves no
 * tensors behind.
 * @throws InvalidInputError when the model gives non-finite codes (naming the item).
 */
export async function encodeSet<X extends tf.Tensor, Item>(
  model: LatentModel<X>,
  domain: CompareDomain<X, Item>,
  options: WorkOptions & { batchSize?: number } = {},
): Promise<EncodedSet> {
  const n = domain.count;
  if (!Number.isInteger(n) || n < 3) throw new InvalidInputError(`The Compare analyses need at least 3 ${domain.itemsName}; the set has ${n}.`);
  const dims = model.zDims;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 256, 1024));
  const mean = new Float32Array(n * dims);
  const logVar = domain.posterior ? new Float32Array(n * dims) : null;
  // Items to encode (one per distinct key), and for each the items that share its code.
  const copies = new Map<number, number[]>();
  if (domain.itemKey) {
    const first = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = domain.itemKey(i);
      const seen = first.get(key);
      if (seen === undefined) {
        first.set(key, i);
        copies.set(i, []);
      } else copies.get(seen)?.push(i);
    }
  } else for (let i = 0; i < n; i++) copies.set(i, []);
  const unique = [...copies.keys()];
  let done = 0;
  const label = `Encoding ${domain.itemsName}`;
  options.onProgress?.({ phase: 'encode', label, done, total: n });
  for (let start = 0; start < unique.length; start += batchSize) {
    checkCancelled(options.signal, 'Encoding the set');
    const indices = unique.slice(start, start + batchSize);
    const x = domain.inputTensor(indices);
    let m: Float32Array | Int32Array | Uint8Array;
    let lv: Float32Array | Int32Array | Uint8Array | undefined;
    try {
      if (domain.posterior) {
        const q = await domain.posterior(x);
        try {
          [m, lv] = await Promise.all([q.mean.data(), q.logVar.data()]);
        } finally {
          tf.dispose([q.mean, q.logVar]);
        }
      } else {
        const z = await model.encode(x);
        try {
          m = await z.data();
        } finally {
          z.dispose();
        }
      }
    } finally {
      x.dispose();
    }
    indices.forEach((item, r) => {
      for (const target of [item, ...(copies.get(item) ?? [])]) {
        mean.set(m.subarray(r * dims, (r + 1) * dims), target * dims);
        if (lv) logVar?.set(lv.subarray(r * dims, (r + 1) * dims), target * dims);
        done++;
      }
    });
    options.onProgress?.({ phase: 'encode', label, done, total: n });
    await yieldToEventLoop();
  }
  const bad = mean.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InvalidInputError(`The model gave a non-finite code for ${domain.itemName} ${Math.floor(bad / dims) + 1}: is the model damaged?`);
  if (logVar?.some((v) => !Number.isFinite(v))) throw new InvalidInputError('The model gave a non-finite σ: is the model damaged?');
  return { count: n, dims, mean, logVar };
}

/**
 * Decodes codes `[n × dims]` in batches of `batchSize` into plain items through the contract's
 * `decode` and the domain's `outputItems`. Leaves no tensors behind.
 */
export async function decodeCodes<X extends tf.Tensor, Item>(
  model: LatentModel<X>,
  domain: CompareDomain<X, Item>,
  codes: Float32Array,
  options: WorkOptions & { batchSize?: number; phase?: string; label?: string } = {},
): Promise<Item[]> {
  const dims = model.zDims;
  const n = codes.length / dims;
  if (!Number.isInteger(n)) throw new InvalidInputError(`Expected codes of ${dims} numbers; got ${codes.length} values.`);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 128, 1024));
  const out: Item[] = [];
  const phase = options.phase ?? 'decode';
  const label = options.label ?? 'Decoding';
  for (let start = 0; start < n; start += batchSize) {
    checkCancelled(options.signal, label);
    const count = Math.min(batchSize, n - start);
    const z = tf.tensor2d(codes.subarray(start * dims, (start + count) * dims), [count, dims]);
    try {
      const decoded = await model.decode(z);
      try {
        out.push(...(await domain.outputItems(decoded)));
      } finally {
        decoded.dispose();
      }
    } finally {
      z.dispose();
    }
    options.onProgress?.({ phase, label, done: start + count, total: n });
    await yieldToEventLoop();
  }
  return out;
}

/** Small statistics on plain numbers, shared by the Compare analyses (TF-free). */
import type { Summary } from './report';

/** The q-quantile (0..1) of `values` with linear interpolation between order statistics (R's type 7). NaN for an empty list. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] ?? NaN) + ((sorted[hi] ?? NaN) - (sorted[lo] ?? NaN)) * (pos - lo);
}

/** Mean, median and maximum of the finite values (nulls when there are none). */
export function summarize(values: readonly (number | null)[]): Summary {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return { mean: null, median: null, max: null, count: 0 };
  return { mean: finite.reduce((a, b) => a + b, 0) / finite.length, median: quantile(finite, 0.5), max: Math.max(...finite), count: finite.length };
}

/** log(mean(exp(x))) computed without overflow. */
export function logMeanExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i] ?? -Infinity);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp((values[i] ?? -Infinity) - max);
  return max + Math.log(sum / values.length);
}

/** Lets other work (a cancel message, a UI event) run between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

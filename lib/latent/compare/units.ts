/**
 * The Units panel: which of the code's numbers the model really uses.
 *
 * Per unit j, over the set: the KL divergence of q(z_j|x) = N(μ_j, σ_j²) from the prior N(0, 1),
 * averaged over items — ½·mean(μ² + σ² − log σ² − 1), in nats: how much information the unit
 * carries about the input — and the variance of μ_j across items. A unit whose μ hardly changes
 * from item to item (variance ≤ 0.01) is *inactive* (Burda et al., 2016): the decoder cannot read
 * anything from it, and its KL is near 0 ("posterior collapse").
 */
import type { EncodedSet } from './encode';
import { ACTIVE_UNIT_THRESHOLD } from './options';
import type { UnitsReport } from './report';

/** Per-unit KL (when the set has σ), variance of μ, active count and the units in order of use. */
export function unitsPanel(set: EncodedSet, threshold = ACTIVE_UNIT_THRESHOLD): UnitsReport {
  const { count, dims, mean, logVar } = set;
  const variance: number[] = [];
  const kl: number[] | null = logVar ? [] : null;
  for (let j = 0; j < dims; j++) {
    let m = 0;
    for (let i = 0; i < count; i++) m += mean[i * dims + j] ?? 0;
    m /= count;
    let v = 0;
    let k = 0;
    for (let i = 0; i < count; i++) {
      const mu = mean[i * dims + j] ?? 0;
      v += (mu - m) ** 2;
      if (logVar) {
        const lv = logVar[i * dims + j] ?? 0;
        k += mu * mu + Math.exp(lv) - lv - 1;
      }
    }
    variance.push(v / count);
    kl?.push((0.5 * k) / count);
  }
  const key = kl ?? variance;
  const order = Array.from({ length: dims }, (_, j) => j).sort((a, b) => (key[b] ?? 0) - (key[a] ?? 0) || a - b);
  return {
    zDims: dims,
    active: variance.filter((v) => v > threshold).length,
    threshold,
    hasSigma: logVar !== null,
    kl,
    klTotal: kl ? kl.reduce((a, b) => a + b, 0) : null,
    variance,
    order,
  };
}

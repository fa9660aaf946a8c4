/**
 * A tiny timbre model with seeded random weights, for tests of the contract, the CLI and the
 * adapters without a trained checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedValues } from '../../core/checkpoint-write';
import { defaultTimbreConfig, initialWeightValues, type TimbreConfig } from '../network';
import { TimbreModel } from '../timbre-model';

/** Small sizes: z 4, 16 partials, 8 noise bands, narrow layers. */
export function tinyTimbreConfig(): TimbreConfig {
  return defaultTimbreConfig({
    zDims: 4,
    harmonics: 16,
    noiseBands: 8,
    encoder: { groupFrames: 16, groupUnits: 8, hiddenUnits: 16 },
    decoder: { hiddenUnits: 16, layers: 2 },
  });
}

/**
 * Seeded random weights for a tiny model. Its noise bands start 6 below the trained default (a
 * quiet hiss), so its notes are clearly pitched, as a trained model's are, and its feature
 * statistics are typical ones (about −10 ± 5), so its codes stay moderate.
 */
export function tinyTimbreValues(seed = 3, config: TimbreConfig = tinyTimbreConfig()): NamedValues[] {
  return initialWeightValues(config, seed).map(({ name, shape, values }) => {
    if (name === 'decoder/out/bias') values.fill(-6, 1 + config.harmonics);
    if (name === 'encoder/feature_mean') values.fill(-10);
    if (name === 'encoder/feature_std') values.fill(5);
    return { name, shape, values };
  });
}

/** A tiny model with the weights of {@link tinyTimbreValues}. */
export function tinyTimbreModel(seed = 3, config: TimbreConfig = tinyTimbreConfig()): TimbreModel {
  const weights: tf.NamedTensorMap = {};
  for (const w of tinyTimbreValues(seed, config)) weights[w.name] = tf.tensor(w.values, w.shape);
  return new TimbreModel(config, weights, { name: 'tiny-timbre' });
}

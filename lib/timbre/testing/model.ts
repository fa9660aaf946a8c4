/**
 * A tiny timbre model with seeded random weights (and optionally a few training steps), for tests
 * of the contract, the CLI and the adapters without a trained checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
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
 * A tiny model with seeded random weights. Its noise bands start 6 below the trained default (a
 * quiet hiss), so its notes are clearly pitched, as a trained model's are, and its feature
 * statistics are typical ones.
 */
export function tinyTimbreModel(seed = 3, config: TimbreConfig = tinyTimbreConfig()): TimbreModel {
  const weights: tf.NamedTensorMap = {};
  for (const w of initialWeightValues(config, seed)) {
    if (w.name === 'decoder/out/bias') w.values.fill(-6, 1 + config.harmonics);
    // Rough statistics of log-spectral features (about −10 ± 5), so random codes stay moderate.
    if (w.name === 'encoder/feature_mean') w.values.fill(-10);
    if (w.name === 'encoder/feature_std') w.values.fill(5);
    weights[w.name] = tf.tensor(w.values, w.shape);
  }
  return new TimbreModel(config, weights, { name: 'tiny-timbre' });
}

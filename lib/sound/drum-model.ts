/**
 * Weights of the three hit classifiers in drums.ts (logistic regressions over 14 standardized
 * features), written by `npm run train:drums-audio` (scripts/train-drum-classifier.ts). Do not edit.
 */
export interface DrumModel {
  /** Feature means and standard deviations (standardization). */
  mean: readonly number[];
  std: readonly number[];
  /** One row per drum (kick, snare, hat): 14 weights, then the bias. */
  weights: readonly (readonly number[])[];
  /** What it was trained on, for the docs. */
  trainedOn: string;
}

export const DRUM_MODEL: DrumModel = {
  mean: [3.83027, 4.36393, 3.68192, 3.63632, 3.57954, 3.41636, -1.38755, -0.97409, -1.88683, -1.68499, -1.57371, -1.75213, -1.24672, -0.90793],
  std: [2.01864, 1.49943, 1.83042, 1.88503, 1.83971, 2.01561, 1.41866, 0.94507, 0.8011, 0.80915, 1.1141, 1.44573, 0.84669, 0.91288],
  weights: [
    [1.42548, 0.3305, -0.10182, -0.14296, -0.20024, -0.30205, 2.70898, 0.0044, -0.71724, -0.90369, -0.94322, -1.05876, 2.43811, -0.14359, -0.10847],
    [-0.34649, 1.26064, -0.06778, -0.25316, 0.15235, -0.69445, 3.51702, 4.58261, 1.23736, 2.0852, 1.15425, 0.23643, -2.2145, 2.18121, -3.19915],
    [-0.00752, 0.36826, -0.6488, 0.99603, -1.30689, 0.86576, -0.91328, -2.11372, 1.72884, -2.49547, -1.46477, 5.44915, 0.32145, -0.93412, 0.54889],
  ],
  trainedOn:
    'FluidR3 GM drum kits 0, 8, 16, 32 + synthetic hits, 1589 hits (clean and 25 dB SNR); held-out kits 24, 25, 40: 71.7% of hits with every drum right',
};

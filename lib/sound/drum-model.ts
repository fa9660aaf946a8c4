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
  "mean": [
    3.81439,
    4.34136,
    3.6502,
    3.60875,
    3.55579,
    3.39471,
    -1.38565,
    -0.97269,
    -1.87815,
    -1.68055,
    -1.57073,
    -1.74867,
    -1.23965,
    -0.89555
  ],
  "std": [
    2.0286,
    1.49758,
    1.81919,
    1.87811,
    1.84209,
    2.02352,
    1.41455,
    0.93115,
    0.79806,
    0.80827,
    1.10639,
    1.43535,
    0.84925,
    0.892
  ],
  "weights": [
    [
      1.43296,
      0.34306,
      -0.11644,
      -0.14696,
      -0.19889,
      -0.29512,
      2.71282,
      0.05513,
      -0.72214,
      -0.90351,
      -0.94798,
      -1.06011,
      2.44663,
      -0.13659,
      -0.12678
    ],
    [
      -0.45686,
      1.20381,
      -0.36273,
      -0.17808,
      0.30681,
      -0.57372,
      3.63463,
      4.41618,
      1.3432,
      2.27216,
      0.98336,
      0.26578,
      -2.25923,
      2.1575,
      -3.15519
    ],
    [
      0.00209,
      0.30087,
      -0.58659,
      0.91535,
      -1.27279,
      0.8861,
      -0.83551,
      -1.97979,
      1.60688,
      -2.48522,
      -1.26758,
      5.18514,
      0.25938,
      -0.81669,
      0.49059
    ]
  ],
  "trainedOn": "FluidR3 GM drum kits 0, 8, 16, 32 + synthetic hits, 1589 hits (clean and 25 dB SNR); held-out kits 24, 25, 40: 70.6% of hits with every drum right"
};

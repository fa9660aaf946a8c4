/**
 * The music labs' limits, one home for the labs' controls and URLs, the worker's message checks and
 * the classroom's challenge settings.
 */
import { INTERPOLATION_STEPS } from '../core/latent-model';

export const MUSIC_LIMITS = {
  /** Sampling temperature: 0 = the most likely output; above 1.5 the decodes fall apart. */
  temperature: [0, 1.5],
  /**
   * Temperature of *sampled* drum patterns: at 0 every sample of a seed would be the same argmax
   * pattern, so the drum lab (and a drum challenge) start a little above.
   */
  drumTemperature: [0.05, 1.5],
  /** Points of an interpolation strip, both ends included. */
  steps: [INTERPOLATION_STEPS.min, INTERPOLATION_STEPS.max],
  /** Items of one sample or variations request. */
  count: [1, 32],
} as const;

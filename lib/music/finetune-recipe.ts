/**
 * Fine-tuning a MusicVAE on one's own files: the three ways compared in docs/fine-tuning.md, the
 * recipe each uses, and which one the labs offer first (TF-free: the page shows these).
 */
import { z } from 'zod';

export const FINETUNE_MODES = ['encoder', 'decoder', 'whole', 'latent'] as const;
export type FineTuneMode = (typeof FINETUNE_MODES)[number];

/** Words for each mode, for the page and the docs. */
export const FINETUNE_MODE_INFO: Record<FineTuneMode, { title: string; summary: string }> = {
  encoder: {
    title: 'Encoder only',
    summary:
      'The decoder stays as shipped, so it writes music as well as before; the encoder learns to find the codes of your style, closing the gap between what it guesses and what the decoder can play.',
  },
  decoder: {
    title: 'Decoder only',
    summary:
      'The encoder stays as shipped; the decoder learns to write your style. It cannot fix the encoder’s guesses of codes for new music, which is where most of the errors are.',
  },
  whole: {
    title: 'Whole model',
    summary:
      'Encoder and decoder both learn, fast at first and more slowly as the run goes on: the largest gain on your held-back music in the same minutes, for some forgetting of the music it was trained on.',
  },
  latent: {
    title: 'Small latent model (MidiMe)',
    summary:
      'The big model stays as it is; a small model learns where your music lives among its codes. Samples move toward your style; reconstructions cannot get better.',
  },
};

/** The mode the labs pick first: chosen by measurement (docs/fine-tuning.md). */
export const DEFAULT_FINETUNE_MODE: FineTuneMode = 'whole';

export const fineTuneRecipeSchema = z.object({
  mode: z.enum(FINETUNE_MODES),
  /** Windows per step (fewer when there are fewer windows). */
  batchSize: z.number().int().min(1).max(512),
  /** Adam's learning rate at the first step. */
  learningRate: z.number().positive().max(1),
  /**
   * Per-step decay of the learning rate toward `minLearningRate`: lr(step) = (lr − min)·decay^step + min;
   * 1 = constant. Saved runs from before this field continue with 1.
   */
  decay: z.number().gt(0).max(1).default(1),
  /** The floor of the decay (unused when `decay` is 1). */
  minLearningRate: z.number().positive().max(1).default(1e-5),
  /** Steps over which the learning rate rises linearly to its start (0 = none). Saved runs from before this field continue with 0. */
  warmup: z.number().int().min(0).max(100_000).default(0),
  /** Weight of the KL term (whole model only: the decoder-only and latent modes leave the encoder as it is). */
  maxBeta: z.number().min(0).max(10),
  /** KL below freeBits·ln 2 nats per window costs nothing. */
  freeBits: z.number().min(0).max(1000),
  /** Melodies: transpose each training window by up to ± this many semitones. */
  transpose: z.number().int().min(0).max(12),
  seed: z.number().int().min(0),
  /**
   * Feed the decoder its own sampled output instead of the true previous step (scheduled sampling at
   * its end: every step sampled), as the shipped models' training ended; false = teacher forcing.
   */
  sampling: z.boolean(),
  /** Decode from μ + noise·σ·ε while training (1 = the VAE's sampling; 0 = μ itself, what a reconstruction decodes). */
  noise: z.number().min(0).max(1),
  /**
   * Share of each batch taken from windows the model wrote before fine-tuning (its own samples from
   * random codes: pseudo-rehearsal, against forgetting what it knew without its training data); 0 = none.
   * Saved runs from before this field continue with 0.
   */
  rehearsal: z.number().min(0).max(0.9).default(0),
  /** The latent mode's small model. */
  latent: z.object({ latentDims: z.number().int().min(1).max(64), layers: z.array(z.number().int().min(1).max(4096)).max(6), beta: z.number().min(0) }),
});
export type FineTuneRecipe = z.infer<typeof fineTuneRecipeSchema>;

/**
 * The recipe of each mode, found by measurement on 20 jigs (docs/fine-tuning.md): small batches (three
 * times the steps of batch 32 in the same minutes), z = μ (what a reconstruction decodes) instead of
 * the VAE's noisy z, and one window in eight of each batch written by the model itself before
 * fine-tuning (pseudo-rehearsal: a third of the forgetting, for as much gain). The whole model learns
 * fast and slows down (Adam 1.2e-3 after a 30-step warm-up — a fresh Adam's first full-rate step
 * drops the shipped model's accuracy on new tunes from 0.79 to 0.65 — decaying ×0.998 per step) with
 * teacher forcing, which costs a third
 * less per step than feeding the decoder its own samples and, so, gains more in the same minutes; the
 * single parts keep the samples and a constant rate.
 */
export function fineTuneRecipe(mode: FineTuneMode, kind: 'melody' | 'drums'): FineTuneRecipe {
  return {
    mode,
    batchSize: mode === 'latent' ? 64 : 16,
    learningRate: mode === 'whole' ? 1.2e-3 : 1e-3,
    decay: mode === 'whole' ? 0.998 : 1,
    minLearningRate: 3e-5,
    warmup: mode === 'whole' ? 30 : 0,
    maxBeta: 0.2,
    freeBits: 48,
    transpose: kind === 'melody' ? 2 : 0,
    seed: 1,
    sampling: mode !== 'whole',
    noise: 0,
    rehearsal: mode === 'latent' ? 0 : 0.125,
    latent: { latentDims: 4, layers: [1024, 256, 64], beta: 1 },
  };
}

/** How many windows of a batch of `batchSize` are rehearsed at share `share` (at least one of the user's is left). */
export function rehearsedPerBatch(batchSize: number, share: number): number {
  return Math.min(batchSize - 1, Math.round(batchSize * share));
}

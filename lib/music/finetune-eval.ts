/**
 * Scoring a fine-tuning: how faithfully held-back windows come back (amortized: the encoder's μ;
 * refined: K Adam steps on the code), and how close samples come to the style of those windows
 * (note density, pitch classes or drum sounds, where in the bar onsets fall). The same numbers for
 * the model before and after, so the two can be shown side by side.
 */
import * as tf from '@tensorflow/tfjs';
import type { RefineOptions } from '../core/latent-model';
import { createRng } from '../core/random';
import { FIRST_PITCH } from './converters/melody';
import type { FineTunedModel } from './finetune';
import { compareLabels } from './fidelity';
import { batchTensors } from './train-batch';

export interface ReconstructionScore {
  windows: number;
  /** Share of all steps the greedy decode gets right. */
  greedyAccuracy: number;
  /** The same over steps where the input has an event. */
  greedyEventAccuracy: number;
}

function tally(
  inputs: readonly Int32Array[],
  decoded: readonly Int32Array[],
  into: { steps: number; right: number; events: number; eventsRight: number },
): void {
  decoded.forEach((labels, k) => {
    const f = compareLabels(inputs[k] as Int32Array, labels);
    into.steps += f.totalSteps;
    into.right += f.matchingSteps;
    into.events += f.eventSteps;
    into.eventsRight += f.matchingEventSteps;
  });
}

/**
 * Greedy reconstruction of `windows` by a (fine-tuned) model: from μ — through the small latent
 * model when there is one — and, with `refine`, from refined codes (the big model's decoder; in the
 * latent mode it is unchanged, so refining measures the base model). Batches of 64.
 */
export async function scoreReconstruction(
  model: FineTunedModel,
  windows: readonly Int32Array[],
  options: { refine?: Omit<RefineOptions, 'onProgress'>; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ amortized: ReconstructionScore; refined?: ReconstructionScore; decoded: Int32Array[] }> {
  const amortized = { steps: 0, right: 0, events: 0, eventsRight: 0 };
  const refined = { steps: 0, right: 0, events: 0, eventsRight: 0 };
  const decodedAll: Int32Array[] = [];
  const { vae, latent } = model;
  for (let i = 0; i < windows.length; i += 64) {
    const chunk = windows.slice(i, i + 64);
    const batch = batchTensors(vae.converter, chunk);
    try {
      const mu = await vae.encode(batch.x);
      const z = latent ? latent.reconstructTensor(mu) : mu;
      try {
        const decoded = await vae.decodeLabels(z);
        decodedAll.push(...decoded);
        tally(chunk, decoded, amortized);
      } finally {
        tf.dispose([mu, z]);
      }
      if (options.refine) {
        const r = await vae.encodeRefined(batch.x, options.refine);
        try {
          tally(chunk, await vae.decodeLabels(r.z), refined);
        } finally {
          r.z.dispose();
        }
      }
    } finally {
      tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
    }
    options.onProgress?.(Math.min(windows.length, i + 64), windows.length);
  }
  const score = (t: typeof amortized): ReconstructionScore => ({
    windows: windows.length,
    greedyAccuracy: t.steps > 0 ? t.right / t.steps : 0,
    greedyEventAccuracy: t.events > 0 ? t.eventsRight / t.events : 0,
  });
  return { amortized: score(amortized), ...(options.refine ? { refined: score(refined) } : {}), decoded: decodedAll };
}

/** `n` samples as class labels (temperature `temperature`, seeded): from random small codes in the latent mode, else from random codes. */
export async function sampleLabels(model: FineTunedModel, n: number, temperature: number, seed: number): Promise<Int32Array[]> {
  const { vae, latent } = model;
  const z = latent ? latent.sampleTensor(n, seed) : tf.tensor2d(createRng(seed).normalArray(n * vae.zDims), [n, vae.zDims]);
  try {
    return await vae.decodeLabels(z, temperature > 0 ? { temperature, seed } : {});
  } finally {
    z.dispose();
  }
}

/** What a set of windows sounds like, in three plain numbers' worth of histograms. */
export interface StyleProfile {
  /** Onsets (notes or drum steps with a hit) per window. */
  density: number;
  /** Share of onsets per pitch class (melody, 12) or per drum sound (drums, 9). */
  sounds: number[];
  /** Share of onsets at each of the 16 sixteenth positions of a bar. */
  positions: number[];
}

/** The style profile of label windows. */
export function styleProfile(windows: readonly ArrayLike<number>[], kind: 'melody' | 'drums'): StyleProfile {
  const sounds = new Array<number>(kind === 'melody' ? 12 : 9).fill(0);
  const positions = new Array<number>(16).fill(0);
  let onsets = 0;
  for (const w of windows)
    for (let t = 0; t < w.length; t++) {
      const l = w[t] ?? 0;
      if (kind === 'melody' ? l < FIRST_PITCH : l === 0) continue;
      onsets++;
      positions[t % 16] = (positions[t % 16] ?? 0) + 1;
      if (kind === 'melody') {
        const pc = (l - FIRST_PITCH + 21) % 12;
        sounds[pc] = (sounds[pc] ?? 0) + 1;
      } else for (let c = 0; c < 9; c++) if (l & (1 << c)) sounds[c] = (sounds[c] ?? 0) + 1;
    }
  const norm = (h: number[]): number[] => {
    const total = h.reduce((a, b) => a + b, 0);
    return h.map((v) => (total > 0 ? v / total : 0));
  };
  return { density: windows.length > 0 ? onsets / windows.length : 0, sounds: norm(sounds), positions: norm(positions) };
}

/**
 * How far samples are from a style, as total-variation distances (0 = the same histogram, 1 = no
 * overlap) of sounds and onset positions, and the ratio of densities.
 */
export function styleDistance(samples: StyleProfile, style: StyleProfile): { sounds: number; positions: number; densityRatio: number } {
  const tv = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + Math.abs(v - (b[i] ?? 0)), 0) / 2;
  return {
    sounds: tv(samples.sounds, style.sounds),
    positions: tv(samples.positions, style.positions),
    densityRatio: style.density > 0 ? samples.density / style.density : 0,
  };
}

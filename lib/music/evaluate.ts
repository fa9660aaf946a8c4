/**
 * Evaluating a MusicVAE on held-out windows, with the numbers the model cards report:
 *   - teacher-forced accuracy: the decoder predicts each step knowing the true previous step;
 *   - greedy reconstruction accuracy: encode to μ, decode with argmax on its own, compare every
 *     step — and the same over event steps only (note-on/off, any drum hit), which ignores the easy
 *     "nothing happens" steps;
 *   - mean KL and active latent units (a unit is active when its μ varies across windows,
 *     variance > 0.01; few active units means posterior collapse);
 *   - for samples at temperature 0.5: note density and pitch range, next to the data's.
 */
import * as tf from '@tensorflow/tfjs';
import { tensorsToNamedValues } from '../core/checkpoint-write';
import { InvalidInputError } from '../core/errors';
import type { RefineOptions } from '../core/latent-model';
import { compareLabels, type MusicVAE } from './music-vae';
import { batchTensors } from './train-batch';
import { DEFAULT_HPARAMS } from './train-options';
import { MusicVaeTrainer } from './train';
import type { QuantizedNoteSequence } from './note-sequence';

export interface SequenceStats {
  /** Notes (melody) or hits (drums) per 2-bar window. */
  noteDensity: number;
  /** Mean highest minus lowest pitch per window (melody only; 0 for drums). */
  pitchRange: number;
}

export interface EvaluationReport {
  windows: number;
  teacherForcedAccuracy: number;
  greedyAccuracy: number;
  greedyEventAccuracy: number;
  meanKl: number;
  activeUnits: number;
  zDims: number;
  samples: SequenceStats & {
    /** How many samples were drawn (T = 0.5). */
    count: number;
    /** Share of samples with more than twice the data's mean notes/hits per window (runaway patterns). */
    overDoubleShare: number;
  };
  data: SequenceStats;
  /** With `refine`: greedy accuracy from refined codes, and how far the codes moved (in σ, mean over windows). */
  refined?: { steps: number; windows: number; greedyAccuracy: number; greedyEventAccuracy: number; meanDistanceSigma: number };
}

/** Note density and pitch range of sequences. */
export function sequenceStats(seqs: readonly QuantizedNoteSequence[]): SequenceStats {
  if (seqs.length === 0) return { noteDensity: 0, pitchRange: 0 };
  let notes = 0;
  let range = 0;
  for (const s of seqs) {
    notes += s.notes.length;
    const pitched = s.notes.filter((n) => !n.isDrum).map((n) => n.pitch);
    if (pitched.length > 0) range += Math.max(...pitched) - Math.min(...pitched);
  }
  return { noteDensity: notes / seqs.length, pitchRange: range / seqs.length };
}

/**
 * Evaluates `model` (loaded with `keepVariables: true`, for σ) on label windows. Works in batches
 * of `batchSize`; `samples` sequences are drawn at temperature 0.5 with `seed`.
 */
export async function evaluateModel(
  model: MusicVAE,
  windows: readonly Int32Array[],
  options: {
    batchSize?: number;
    samples?: number;
    seed?: number;
    refine?: Omit<RefineOptions, 'onProgress'>;
    refineLimit?: number;
    onProgress?: (done: number, total: number) => void;
    onRefineProgress?: (done: number, total: number) => void;
  } = {},
): Promise<EvaluationReport> {
  if (!model.variables) throw new InvalidInputError('Load the model with keepVariables: true to evaluate it (the KL needs encoder/sigma).');
  if (windows.length === 0) throw new InvalidInputError('There are no windows to evaluate on.');
  const converter = model.converter;
  const batchSize = options.batchSize ?? 128;
  const { encoderUnits, decoderUnits, zDims } = model.sizes;
  const trainer = new MusicVaeTrainer(
    converter,
    { ...DEFAULT_HPARAMS[converter.kind], encoderUnits, decoderUnits, zDims },
    await tensorsToNamedValues(model.variables),
  );
  let tf_ = 0;
  let kl = 0;
  let correct = 0;
  let events = 0;
  let eventCorrect = 0;
  const mus: Float32Array[] = [];
  const refined = { correct: 0, events: 0, eventCorrect: 0, distance: 0, windows: 0 };
  try {
    for (let i = 0; i < windows.length; i += batchSize) {
      const chunk = windows.slice(i, i + batchSize);
      const batch = batchTensors(converter, chunk);
      try {
        const e = await trainer.evaluate(batch);
        tf_ += e.accuracy * chunk.length;
        kl += e.kl * chunk.length;
        const z = await model.encode(batch.x);
        try {
          const flat = await z.data();
          for (let k = 0; k < chunk.length; k++) mus.push(Float32Array.from(flat.subarray(k * zDims, (k + 1) * zDims)));
          const decoded = await model.decodeLabels(z);
          decoded.forEach((labels, k) => {
            const f = compareLabels(chunk[k] as Int32Array, labels);
            correct += f.matchingSteps;
            events += f.eventSteps;
            eventCorrect += f.matchingEventSteps;
          });
        } finally {
          z.dispose();
        }
        options.onProgress?.(Math.min(windows.length, i + batchSize), windows.length);
      } finally {
        tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
      }
    }
    if (options.refine) {
      // Refining costs K decoder passes with gradients per window: `refineLimit` spreads a subset evenly over the set.
      const picked = evenlySpaced(windows, options.refineLimit ?? windows.length);
      for (let i = 0; i < picked.length; i += batchSize) {
        const chunk = picked.slice(i, i + batchSize);
        const batch = batchTensors(converter, chunk);
        try {
          const r = await model.encodeRefined(batch.x, options.refine);
          try {
            (await model.decodeLabels(r.z)).forEach((labels, k) => {
              const f = compareLabels(chunk[k] as Int32Array, labels);
              refined.correct += f.matchingSteps;
              refined.events += f.eventSteps;
              refined.eventCorrect += f.matchingEventSteps;
              refined.distance += r.reports[k]?.distanceSigma ?? NaN;
            });
          } finally {
            r.z.dispose();
          }
        } finally {
          tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
        }
        refined.windows += chunk.length;
        options.onRefineProgress?.(refined.windows, picked.length);
      }
    }
  } finally {
    trainer.dispose();
  }
  let activeUnits = 0;
  for (let d = 0; d < zDims; d++) {
    const values = mus.map((m) => m[d] ?? 0);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    if (variance > 0.01) activeUnits++;
  }
  const sampleCount = options.samples ?? 64;
  const samples: QuantizedNoteSequence[] = [];
  for (let drawn = 0; drawn < sampleCount; drawn += 256) {
    samples.push(...(await model.sampleSequences(Math.min(256, sampleCount - drawn), { temperature: 0.5, seed: ((options.seed ?? 1) + drawn) >>> 0 })));
  }
  const data = sequenceStats(windows.map((w) => converter.labelsToSequence(w)));
  const steps = windows.length * converter.numSteps;
  return {
    windows: windows.length,
    teacherForcedAccuracy: tf_ / windows.length,
    greedyAccuracy: correct / steps,
    greedyEventAccuracy: events > 0 ? eventCorrect / events : 0,
    meanKl: kl / windows.length,
    activeUnits,
    zDims,
    samples: {
      ...sequenceStats(samples),
      count: samples.length,
      overDoubleShare: samples.filter((q) => q.notes.length > 2 * data.noteDensity).length / Math.max(1, samples.length),
    },
    data,
    ...(options.refine
      ? {
          refined: {
            steps: options.refine.steps,
            windows: refined.windows,
            greedyAccuracy: refined.correct / (refined.windows * converter.numSteps),
            greedyEventAccuracy: refined.events > 0 ? refined.eventCorrect / refined.events : 0,
            meanDistanceSigma: refined.distance / refined.windows,
          },
        }
      : {}),
  };
}

/** `limit` items spread evenly over `items` (all of them when `limit` ≥ their count), in order. */
export function evenlySpaced<T>(items: readonly T[], limit: number): T[] {
  if (limit >= items.length) return [...items];
  const n = Math.max(1, Math.floor(limit));
  return Array.from({ length: n }, (_v, k) => items[Math.floor((k * items.length) / n)] as T);
}

/**
 * The timbre side of the Compare lab: how lib/latent/compare sees a set of notes and a timbre model.
 * Items are notes (16-kHz mono samples, 1.28 s); the distance is the multi-scale spectral distance;
 * labels are GM families (or anything the caller gives); the measured attributes are brightness
 * (spectral centroid, Hz) and attack time (s) — the attribute vectors of issue 23.
 *
 * The Compare analyses decode codes without options, so at the model's default pitch and loudness
 * (C4, −30 dBFS): a set compared here should hold notes at one pitch (e.g. every family's example
 * at C4), so that reconstructions and items are comparable.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import type { CompareDomain, ItemAttribute } from '../latent/compare/domain';
import type { AttributeGroups } from '../latent/compare/report';
import { attackTime, spectralCentroid } from './dsp';
import type { TimbreSet } from './examples';
import { multiScaleDistance, spectralTarget, targetDistance, type SpectralTarget } from './spectral-loss';
import { NOTE_SAMPLES } from './spec';
import type { TimbreModel } from './timbre-model';

/** A set of notes with a label each. */
export interface TimbreNoteSet {
  /** Each {@link NOTE_SAMPLES} samples at 16 kHz. */
  notes: Float32Array[];
  labels: string[];
  /** What the labels are ("family", "program", "file"…). */
  labelName: string;
  /** What the set is, in words. */
  dataName: string;
}

/** Brightness and attack, measurable on any note (data or decode). */
export const TIMBRE_ATTRIBUTES: readonly ItemAttribute<Float32Array>[] = [
  { id: 'brightness', name: 'brightness (spectral centroid, Hz)', measure: (x) => spectralCentroid(x) },
  { id: 'attack', name: 'attack time (seconds to 90% of the peak)', measure: (x) => attackTime(x) },
];

/**
 * The multi-scale spectral distance with each note's spectrograms computed once and kept for the
 * `keep` notes used last (about 1 MB each): the holes panel compares every decode with every note
 * of the set, so the set's notes stay while each decode passes through once.
 */
export function spectraDistance(keep: number): (a: Float32Array, b: Float32Array) => number {
  const kept = new Map<Float32Array, SpectralTarget>();
  const spectra = (x: Float32Array): SpectralTarget => {
    const known = kept.get(x);
    kept.delete(x);
    const s = known ?? spectralTarget(x);
    kept.set(x, s);
    if (kept.size > keep) kept.delete(kept.keys().next().value as Float32Array);
    return s;
  };
  return (a, b) => {
    if (a.length !== b.length) throw new InvalidInputError(`The two sounds have ${a.length} and ${b.length} samples; they must be equally long.`);
    return targetDistance(spectra(a), spectra(b));
  };
}

/** The Compare adapter for the shipped set (every GM program at C4, labelled by family), or its first `take` notes. */
export function shippedSetCompareDomain(
  model: TimbreModel,
  set: TimbreSet,
  notes: readonly Float32Array[],
  take = notes.length,
): CompareDomain<tf.Tensor2D, Float32Array> {
  return timbreCompareDomain(model, {
    notes: notes.slice(0, take),
    labels: set.notes.slice(0, take).map((n) => n.family),
    labelName: 'family',
    dataName: `the shipped set: ${take} General MIDI programs at C4 (FluidR3 GM)`,
  });
}

/** The Compare adapter for a timbre model and a set of notes. */
export function timbreCompareDomain(model: TimbreModel, data: TimbreNoteSet): CompareDomain<tf.Tensor2D, Float32Array> {
  const { notes, labels } = data;
  if (notes.length !== labels.length) throw new InvalidInputError(`Expected a label per note; got ${notes.length} notes and ${labels.length} labels.`);
  if (notes.length === 0) throw new InvalidInputError('The set has no notes.');
  notes.forEach((n, i) => {
    if (n.length !== NOTE_SAMPLES)
      throw new InvalidInputError(`Note ${i + 1} has ${n.length} samples; the timbre model takes ${NOTE_SAMPLES} (1.28 s at 16 kHz).`);
  });
  const defaultGroups: AttributeGroups = { kind: 'attribute', id: 'brightness' };
  return {
    dataName: data.dataName,
    itemName: 'note',
    itemsName: 'notes',
    count: notes.length,
    labels,
    labelName: data.labelName,
    inputTensor: (indices) => {
      const flat = new Float32Array(indices.length * NOTE_SAMPLES);
      indices.forEach((i, r) => flat.set(notes[i] ?? new Float32Array(NOTE_SAMPLES), r * NOTE_SAMPLES));
      return tf.tensor2d(flat, [indices.length, NOTE_SAMPLES]);
    },
    posterior: (x) => model.encodeDistribution(x),
    outputItems: async (decoded) => {
      const flat = await decoded.data();
      return Array.from({ length: decoded.shape[0] }, (_, i) => Float32Array.from(flat.subarray(i * NOTE_SAMPLES, (i + 1) * NOTE_SAMPLES)));
    },
    item: (i) => notes[i] ?? new Float32Array(NOTE_SAMPLES),
    distance: (a, b) => multiScaleDistance(a, b),
    distanceSession: () => spectraDistance(notes.length + 4),
    // The synthesizer's tensors are [batch, partials, samples]: past ~128 notes a batch decodes
    // several times slower per note (WASM, measured: 24 ms per note at 128, 170 ms at 256).
    decodeBatch: 32,
    distanceName: 'multi-scale spectral distance',
    attributes: TIMBRE_ATTRIBUTES,
    defaultGroups,
  };
}

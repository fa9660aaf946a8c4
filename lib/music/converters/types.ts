/**
 * A data converter turns a quantized 2-bar sequence into what a MusicVAE reads (the encoder
 * input, one row of `inputDepth` numbers per step) and turns the decoder's per-step class labels
 * back into notes. It mirrors Magenta's `DataConverter`s.
 */
import type { QuantizedNoteSequence } from '../note-sequence';

export interface ConversionReport {
  /** Notes moved by whole octaves to fit the model's pitch range. */
  transposedNotes: number;
  /** Notes dropped: simultaneous onsets reduced to one voice, or unknown drum sounds. */
  droppedNotes: number;
}

export interface MusicConverter {
  readonly kind: 'melody' | 'drums';
  /** The Magenta converter type this matches, as written in config.json. */
  readonly type: 'MelodyConverter' | 'DrumsConverter';
  readonly numSteps: number;
  /** Width of one step of the encoder input. */
  readonly inputDepth: number;
  /** Number of classes the decoder chooses from at each step. */
  readonly outputDepth: number;
  /** Encoder input for one sequence: `numSteps × inputDepth` values, row-major. */
  toInput(seq: QuantizedNoteSequence): { input: Float32Array; report: ConversionReport };
  /** The class label of each step (the decoder's training targets). */
  toLabels(seq: QuantizedNoteSequence): Int32Array;
  /** The class labels an encoder input stands for (the inverse of {@link labelsToInput}). */
  inputToLabels(input: ArrayLike<number>): Int32Array;
  /** Encoder input rows for a list of class labels (what the decoder produced). */
  labelsToInput(labels: ArrayLike<number>): Float32Array;
  /** Notes for a list of class labels, on a 4-steps-per-quarter grid at `qpm`. */
  labelsToSequence(labels: ArrayLike<number>, qpm?: number): QuantizedNoteSequence;
  /** The `dataConverter` entry of a Magenta config.json for this converter. */
  toSpec(): { type: string; args: Record<string, unknown> };
}

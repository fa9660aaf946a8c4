/** What a training run (./train-run) reports when it ends, and why it may refuse to start. */
import { LatentLabError } from '../core/errors';

/** Validation numbers at one step (greedy = free-running decode from μ, what a listener hears). */
export interface RunEval {
  step: number;
  accuracy: number;
  greedyAccuracy: number;
  greedyEventAccuracy: number;
}

export interface RunResult {
  /** The step the run ended at. */
  steps: number;
  /** The step it started from (0, the resumed state's, or the init model's). */
  startStep: number;
  bestAccuracy: number;
  bestStep: number;
  history: Record<string, number>[];
  /** `time`: stopped by {@link RunOptions.maxSeconds}. */
  stoppedBy: 'done' | 'nan' | 'cancelled' | 'time';
  message?: string;
  /** True when this run wrote a model to `out` (a new best by validation greedy accuracy). */
  modelWritten: boolean;
  /** With `init`: the starting model on this run's validation windows, before any step (e.g. the user's held-back files). */
  before?: RunEval;
  /** The last validation of the run (undefined if it stopped on a NaN before any). */
  after?: RunEval;
}

/** A run was asked to stop at a step it has already reached: there is nothing to train. */
export class NothingToTrainError extends LatentLabError {}

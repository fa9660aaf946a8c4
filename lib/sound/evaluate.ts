/**
 * Scoring transcriptions the way eval:music scores reconstructions: per 2-bar window, the
 * MelodyConverter's step labels (note-on pitch, note-off, nothing) of the truth against those of the
 * transcription — over all 32 steps and over the truth's event steps only — and, for grooves, the
 * share of hits found in the right class and 16th step.
 */
import { MelodyConverter } from '../music/converters/melody';
import { compareLabels } from '../music/music-vae';
import { emptyQuantizedSequence, type QuantizedNoteSequence } from '../music/note-sequence';

export interface StepScore {
  windows: number;
  steps: number;
  matchingSteps: number;
  eventSteps: number;
  matchingEventSteps: number;
}

export const EMPTY_SCORE: StepScore = { windows: 0, steps: 0, matchingSteps: 0, eventSteps: 0, matchingEventSteps: 0 };

/** Adds two scores. */
export function addScores(a: StepScore, b: StepScore): StepScore {
  return {
    windows: a.windows + b.windows,
    steps: a.steps + b.steps,
    matchingSteps: a.matchingSteps + b.matchingSteps,
    eventSteps: a.eventSteps + b.eventSteps,
    matchingEventSteps: a.matchingEventSteps + b.matchingEventSteps,
  };
}

/** All-step and event-step accuracy of a score (0 when empty). */
export function accuracies(s: StepScore): { all: number; events: number } {
  return { all: s.steps > 0 ? s.matchingSteps / s.steps : 0, events: s.eventSteps > 0 ? s.matchingEventSteps / s.eventSteps : 0 };
}

/**
 * The MelodyConverter labels of the `numSteps`-step window of `seq` that starts at `startStep`
 * (may be negative or past the end: those steps are empty). Notes starting in the window are kept
 * and cut at its end, as `trim` does.
 */
export function windowLabels(
  seq: QuantizedNoteSequence,
  startStep: number,
  numSteps = 32,
  converter = new MelodyConverter({ numSteps, minPitch: 21, maxPitch: 108 }),
): Int32Array {
  const window = emptyQuantizedSequence(numSteps, seq.tempos[0]?.qpm);
  window.notes = seq.notes
    .filter((n) => n.quantizedStartStep >= startStep && n.quantizedStartStep < startStep + numSteps)
    .map((n) => ({
      ...n,
      quantizedStartStep: n.quantizedStartStep - startStep,
      quantizedEndStep: Math.min(n.quantizedEndStep, startStep + numSteps) - startStep,
    }));
  return converter.toLabels(window);
}

/**
 * Scores a transcription against the truth over the truth's windows starting at `windowStarts`
 * (truth steps). Transcribed step j is truth step j + `offsetSteps`.
 */
export function scoreMelody(
  truth: QuantizedNoteSequence,
  transcribed: QuantizedNoteSequence,
  windowStarts: readonly number[],
  offsetSteps: number,
  numSteps = 32,
): StepScore {
  const converter = new MelodyConverter({ numSteps, minPitch: 21, maxPitch: 108 });
  let score = EMPTY_SCORE;
  for (const start of windowStarts) {
    const f = compareLabels(windowLabels(truth, start, numSteps, converter), windowLabels(transcribed, start - offsetSteps, numSteps, converter));
    score = addScores(score, {
      windows: 1,
      steps: f.totalSteps,
      matchingSteps: f.matchingSteps,
      eventSteps: f.eventSteps,
      matchingEventSteps: f.matchingEventSteps,
    });
  }
  return score;
}

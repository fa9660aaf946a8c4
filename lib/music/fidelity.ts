/** How faithfully a code rebuilds its input: a greedy decode compared with the input step by step. */
import type { RefinementReport } from '../core/latent-model';
import type { FidelityInfo } from './protocol';

/** How faithfully a code rebuilds its input: greedy (argmax) decode compared step by step. */
export interface Fidelity {
  /** Steps whose decoded class equals the input's (out of `totalSteps`). */
  matchingSteps: number;
  totalSteps: number;
  /** Steps where the input has an event (note-on/off, a drum hit), and how many of those match. */
  eventSteps: number;
  matchingEventSteps: number;
  /** Present when the code was refined. */
  refinement?: RefinementReport;
}

/** Matching steps between an input's labels and a decode's labels (see {@link Fidelity}). */
export function compareLabels(input: ArrayLike<number>, decoded: ArrayLike<number>): Omit<Fidelity, 'refinement'> {
  let matchingSteps = 0;
  let eventSteps = 0;
  let matchingEventSteps = 0;
  for (let t = 0; t < input.length; t++) {
    const hit = input[t] === decoded[t];
    if (hit) matchingSteps++;
    if ((input[t] ?? 0) !== 0) {
      eventSteps++;
      if (hit) matchingEventSteps++;
    }
  }
  return { matchingSteps, totalSteps: input.length, eventSteps, matchingEventSteps };
}

/** The steps (0-based) where a decode's labels differ from its input's: what a learner should see marked. */
export function differingSteps(input: ArrayLike<number>, decoded: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let t = 0; t < Math.max(input.length, decoded.length); t++) if (input[t] !== decoded[t]) out.push(t);
  return out;
}

/**
 * The line under a melody slot: "Comes back 32/32 steps · code refined in 0.3 s (12 steps, rebuilt
 * exactly)". A code the encoder already got exactly right needed no refining, and says so.
 */
export function fidelityLine(f: FidelityInfo, ms: number | undefined): string {
  const base = `Comes back ${f.matchingSteps}/${f.totalSteps} steps`;
  if (!f.refined) return `${base} from the encoder's guess alone (not refined)`;
  if (f.steps === 0 && f.stopped === 'exact') return `${base}: the encoder's guess was already exact (nothing to refine)`;
  const why = f.stopped === 'exact' ? ', rebuilt exactly' : f.stopped === 'plateau' ? ', no longer improving' : '';
  const steps = f.steps === undefined ? '' : `${f.steps} step${f.steps === 1 ? '' : 's'}${why}`;
  const time = ms !== undefined && ms > 0 ? ` in ${(ms / 1000).toFixed(1)} s` : '';
  return `${base} · code refined${time}${steps ? ` (${steps})` : ''}`;
}

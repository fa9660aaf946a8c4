/**
 * The timbre lab's classroom entry (entry kind "timbre"): the chosen step of the morph from A to B
 * as a WAV (one note, 16-bit, 16 kHz), its code, and the choices that made it — what the classroom's
 * timbre-blend challenge checks (A and B, a step strictly between them, the lab's ranges).
 */
import { encodeWav } from '../audio/wav';
import type { LabEntryResult } from '../domains/types';
import { SAMPLE_RATE } from './spec';

export interface TimbreMorphForEntry {
  a: string;
  b: string;
  steps: number;
  mode: string;
  pitch: number;
  clips: readonly Float32Array[];
  codes: readonly (readonly number[])[];
  titles: { a: string; b: string };
}

/** The entry for step `step` (0-based) of `morph`, or what to do first. */
export function timbreEntry(morph: TimbreMorphForEntry | undefined, step: number | undefined): LabEntryResult {
  if (!morph || morph.clips.length === 0) return { problem: 'Wait for the morph from A to B: your entry is one of its steps.' };
  if (step === undefined) return { problem: 'Click the step of the morph you want to submit (one between A and B).' };
  const clip = morph.clips[step];
  const code = morph.codes[step];
  if (!clip || !code) return { problem: `The morph has no step ${step + 1}; click one of its ${morph.clips.length} steps.` };
  return {
    kind: 'timbre',
    wav: encodeWav([clip], SAMPLE_RATE),
    latent: [...code],
    params: { a: morph.a, b: morph.b, steps: morph.steps, step, mode: morph.mode, pitch: morph.pitch },
    summary: `step ${step + 1} of ${morph.steps} of the morph ${morph.titles.a} → ${morph.titles.b}`,
  };
}

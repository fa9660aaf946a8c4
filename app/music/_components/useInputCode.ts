'use client';
/**
 * Refines the code of one of the user's inputs (melody A or B) as soon as it changes — not at the
 * click that needs it — in the model worker, which keeps the code for that click (see
 * lib/music/code-cache). Shows how faithfully the input comes back, with real progress while it is
 * refined; Cancel stops it (the click that needs the code then refines it itself).
 */
import { useEffect, useState } from 'react';
import { useWorkerCall, type CallProgress } from '@/app/_components/useWorkerCall';
import { describeError } from '@/lib/core/errors';
import type { MusicKind } from '@/lib/music/shipped';
import type { FidelityInfo } from '@/lib/music/protocol';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';

export interface InputCode {
  fidelity: FidelityInfo | undefined;
  /** The input the fidelity is for (an older one while a new input is being encoded). */
  forSeq: QuantizedNoteSequence | undefined;
  /** Time the worker spent on it (0 when it had the code already). */
  ms: number | undefined;
  running: boolean;
  progress: CallProgress | undefined;
  cancel(): void;
  error: string | undefined;
}

/** Waits this long after the last change (a note drawn, a slider moved) before refining. */
const SETTLE_MS = 150;

/**
 * `modelVersion` changes when another model is loaded (its codes are other codes); nothing runs
 * while `enabled` is false (no model yet).
 */
export function useInputCode(
  lab: MusicKind,
  seq: QuantizedNoteSequence,
  label: string,
  refineSteps: number,
  modelVersion: number,
  enabled: boolean,
): InputCode {
  const work = useWorkerCall();
  const [state, setState] = useState<{ fidelity?: FidelityInfo; ms?: number; error?: string; forSeq?: QuantizedNoteSequence }>({});
  const run = work.run;
  useEffect(() => {
    if (!enabled) return;
    const timer = setTimeout(() => {
      run({ type: 'music:encode', lab, seqs: [seq], labels: [label], refine: refineSteps > 0 ? { steps: refineSteps } : undefined }, 'music:encoded')
        .then((r) => r && setState({ fidelity: r.fidelity[0], ms: r.refineMs, forSeq: seq }))
        .catch((e: unknown) => setState({ error: e instanceof Error && e.name === 'CancelledError' ? 'Refining was cancelled.' : describeError(e) }));
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [run, lab, seq, label, refineSteps, modelVersion, enabled]);
  return {
    fidelity: state.fidelity,
    forSeq: state.forSeq,
    ms: state.ms,
    error: state.error,
    running: work.running,
    progress: work.progress,
    cancel: work.cancel,
  };
}

'use client';
/**
 * One long request to the model worker at a time, as the labs run them: the latest call wins (an
 * older answer arriving late is dropped, never shown), its progress messages are shown while it
 * runs, and Cancel stops it between steps. Returns undefined for a call that was superseded.
 */
import { useCallback, useRef, useState } from 'react';
import { cancelRequest, startCall, WorkerError, type RequestBody } from '@/app/_workers/client';
import type { WorkerResponse } from '@/app/_workers/protocol';

export interface CallProgress {
  /** 0..1, or undefined when the work cannot say how far it is. */
  fraction: number | undefined;
  label: string;
}

/** The progress a streamed worker message reports, if it is one. */
export function progressOf(event: WorkerResponse): CallProgress | undefined {
  switch (event.type) {
    case 'music:progress':
      return { fraction: event.fraction, label: event.label };
    case 'image:progress':
      return { fraction: event.fraction, label: event.label };
    case 'sound:progress':
      return { fraction: event.fraction, label: event.label };
    case 'timbre:progress':
      return { fraction: event.fraction, label: event.label };
    case 'compare:progress':
      return { fraction: event.total > 0 ? event.done / event.total : undefined, label: event.label };
    default:
      return undefined;
  }
}

export interface WorkerCall {
  /** Sends `body` (moving `transfer`, e.g. a take's samples); resolves with the answer of type `expected`, or undefined if a newer call replaced this one. */
  run<T extends WorkerResponse['type']>(body: RequestBody, expected: T, transfer?: Transferable[]): Promise<Extract<WorkerResponse, { type: T }> | undefined>;
  /** True while the latest call runs. */
  running: boolean;
  /** The latest call's progress, once it reported any. */
  progress: CallProgress | undefined;
  /** Stops the latest call (it then fails with a CancelledError). */
  cancel(): void;
}

export function useWorkerCall(): WorkerCall {
  const latest = useRef(0);
  const current = useRef<number | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<CallProgress>();
  const run = useCallback(async <T extends WorkerResponse['type']>(body: RequestBody, expected: T, transfer: Transferable[] = []) => {
    const ticket = ++latest.current;
    setRunning(true);
    setProgress(undefined);
    const call = startCall(
      body,
      (event) => {
        const p = progressOf(event);
        if (p && ticket === latest.current) setProgress(p);
      },
      transfer,
    );
    current.current = call.id;
    try {
      let r: WorkerResponse;
      try {
        r = await call.done;
      } catch (error) {
        // A superseded call's failure (often its cancellation) is nobody's business any more.
        if (ticket !== latest.current) return undefined;
        throw error;
      }
      if (ticket !== latest.current) return undefined;
      if (r.type !== expected) throw new WorkerError('WorkerError', `Unexpected worker answer "${r.type}" (expected "${expected}").`);
      return r as Extract<WorkerResponse, { type: T }>;
    } finally {
      if (ticket === latest.current) {
        setRunning(false);
        setProgress(undefined);
        current.current = undefined;
      }
    }
  }, []);
  const cancel = useCallback(() => {
    if (current.current !== undefined) cancelRequest(current.current);
  }, []);
  return { run, running, progress, cancel };
}

'use client';
/**
 * The fine-tuning panel's state and its calls to the model worker (`finetune:*`): the files read,
 * the run (progress, pause, stop, the live curve), the result, the saved models, and a run saved
 * as it went that can be resumed after the tab was closed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { cancelRequest, request, startCall } from '@/app/_workers/client';
import type { WorkerResponse } from '@/app/_workers/protocol';
import type { FineTuneCard } from '@/lib/music/finetune-card';
import type { FineTuneMode } from '@/lib/music/finetune-recipe';
import type { MusicModelSource } from '@/lib/music/protocol';

export type Prepared = Extract<WorkerResponse, { type: 'finetune:prepared' }>;
export type Progress = Extract<WorkerResponse, { type: 'finetune:progress' }>;
export type Trained = Extract<WorkerResponse, { type: 'finetune:trained' }>;
export type Compared = Extract<WorkerResponse, { type: 'finetune:compared' }>;
export type Checkpoint = NonNullable<Extract<WorkerResponse, { type: 'finetune:checkpoint-info' }>['checkpoint']>;
export interface CurvePoint {
  step: number;
  loss: number;
  accuracy: number;
}

/**
 * How often the page shows a running fine-tuning's progress and curves. Steps arrive several times a
 * second; redrawing two charts for each took main-thread time from the workers that train (on a
 * 2-core laptop, every core is training).
 */
export const PROGRESS_EVERY_MS = 400;

export function useFineTune(lab: 'melody' | 'drums', onError: (message: string) => void) {
  const [prepared, setPrepared] = useState<Prepared>();
  const [preparing, setPreparing] = useState(false);
  const [running, setRunning] = useState<number>();
  const [paused, setPaused] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [curve, setCurve] = useState<CurvePoint[]>([]);
  const [trained, setTrained] = useState<Trained>();
  const [compared, setCompared] = useState<Compared>();
  const [saved, setSaved] = useState<FineTuneCard[]>();
  const [checkpoint, setCheckpoint] = useState<Checkpoint>();
  // Progress and curve points received since the page last showed them (see PROGRESS_EVERY_MS).
  const pending = useRef<{ progress?: Progress; points: CurvePoint[] }>({ points: [] });
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flush = useCallback(() => {
    clearTimeout(flushTimer.current);
    flushTimer.current = undefined;
    const { progress: latest, points } = pending.current;
    pending.current = { points: [] };
    if (latest) setProgress(latest);
    if (points.length > 0) setCurve((c) => [...c, ...points]);
  }, []);
  useEffect(() => () => clearTimeout(flushTimer.current), []);
  const errorRef = useRef(onError);
  useEffect(() => {
    errorRef.current = onError;
  }, [onError]);
  const fail = useCallback((error: unknown) => errorRef.current(describeError(error)), []);

  const refreshSaved = useCallback(async () => {
    try {
      setSaved((await request({ type: 'finetune:list', lab }, 'finetune:saved')).models);
    } catch (error) {
      fail(error);
    }
  }, [lab, fail]);

  // A run this browser saved as it went (the tab was closed mid-training) is offered again.
  useEffect(() => {
    let live = true;
    request({ type: 'finetune:checkpoint', lab }, 'finetune:checkpoint-info')
      .then((r) => live && setCheckpoint(r.checkpoint))
      .catch(() => undefined);
    request({ type: 'finetune:list', lab }, 'finetune:saved')
      .then((r) => live && setSaved(r.models))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [lab]);

  const prepare = useCallback(
    async (files: { name: string; bytes: Uint8Array }[]) => {
      setPreparing(true);
      setPrepared(undefined);
      try {
        setPrepared(await request({ type: 'finetune:prepare', lab, files }, 'finetune:prepared'));
      } catch (error) {
        fail(error);
      } finally {
        setPreparing(false);
      }
    },
    [lab, fail],
  );

  const train = useCallback(
    async (options: { mode: FineTuneMode; base: MusicModelSource; steps: number; maxSeconds?: number; resume?: boolean }) => {
      setCurve([]);
      setTrained(undefined);
      setCompared(undefined);
      setPaused(false);
      setProgress(undefined);
      const call = startCall(
        {
          type: 'finetune:train',
          lab,
          mode: options.mode,
          base: options.base,
          steps: options.steps,
          resume: options.resume ?? false,
          ...(options.maxSeconds ? { maxSeconds: options.maxSeconds } : {}),
        },
        (event) => {
          if (event.type !== 'finetune:progress') return;
          pending.current.progress = event;
          if (event.phase === 'training') pending.current.points.push({ step: event.step, loss: event.loss, accuracy: event.accuracy });
          flushTimer.current ??= setTimeout(flush, PROGRESS_EVERY_MS);
        },
      );
      setRunning(call.id);
      try {
        const r = await call.done.finally(flush);
        if (r.type !== 'finetune:trained') throw new Error(`Unexpected worker answer "${r.type}".`);
        setTrained(r);
        setCheckpoint(undefined);
        setCompared(await request({ type: 'finetune:compare', lab, count: 4, temperature: 0.5, seed: 1 }, 'finetune:compared'));
      } catch (error) {
        fail(error);
      } finally {
        setRunning(undefined);
        setPaused(false);
        // Whatever happened, the worker's checkpoint says where the run can go on from.
        request({ type: 'finetune:checkpoint', lab }, 'finetune:checkpoint-info')
          .then((r) => setCheckpoint(r.checkpoint))
          .catch(() => undefined);
      }
    },
    [lab, fail, flush],
  );

  const pause = useCallback(
    async (p: boolean) => {
      try {
        await request({ type: 'finetune:pause', paused: p }, 'ok');
        setPaused(p);
      } catch (error) {
        fail(error);
      }
    },
    [fail],
  );

  const stop = useCallback(async () => {
    if (running === undefined) return;
    if (paused) await pause(false);
    cancelRequest(running);
  }, [running, paused, pause]);

  const save = useCallback(
    async (name: string) => {
      try {
        setSaved((await request({ type: 'finetune:save', lab, name }, 'finetune:saved')).models.filter((m) => m.kind === lab));
        setCheckpoint(undefined);
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    [lab, fail],
  );

  /** Deletes a saved model; true when the worker's list no longer holds it. */
  const remove = useCallback(
    async (name: string) => {
      try {
        const models = (await request({ type: 'finetune:delete', name }, 'finetune:saved')).models.filter((m) => m.kind === lab);
        setSaved(models);
        return !models.some((m) => m.name === name);
      } catch (error) {
        fail(error);
        return false;
      }
    },
    [lab, fail],
  );

  const exportFolder = useCallback(
    async (name: string) => {
      try {
        return await request({ type: 'finetune:export', name }, 'finetune:exported');
      } catch (error) {
        fail(error);
        return undefined;
      }
    },
    [fail],
  );

  const discard = useCallback(async () => {
    try {
      await request({ type: 'finetune:discard', lab }, 'ok');
      setCheckpoint(undefined);
    } catch (error) {
      fail(error);
    }
  }, [lab, fail]);

  return {
    prepared,
    preparing,
    prepare,
    running: running !== undefined,
    paused,
    progress,
    curve,
    trained,
    compared,
    saved,
    checkpoint,
    train,
    pause,
    stop,
    save,
    remove,
    exportFolder,
    discard,
    refreshSaved,
  };
}

'use client';
/**
 * One column of the Compare lab as the page sees it: load a model and its set in
 * the model worker (real progress: bytes, then items encoded out of N; cancellable), then ask for
 * each panel when what it depends on changes. Panel requests of a side run one after another;
 * answers for an older load or older settings are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { cancelRequest, startCall, type RequestBody } from '@/app/_workers/client';
import type { PanelResult, PanelSettings, SideInfo } from '@/lib/compare/protocol';
import type { WorkerResponse } from '@/app/_workers/protocol';
import type { CompareColumn } from '@/lib/compare/columns';
import { describeError } from '@/lib/core/errors';
import { COMPARE_PANELS, type ComparePanel } from '@/lib/latent/compare/options';

export interface Progress {
  label: string;
  done: number;
  total: number;
}

export interface PanelView {
  /** The settings key this view is for. */
  key: string;
  result?: PanelResult;
  seconds?: number;
  progress?: Progress;
  running: boolean;
  error?: string;
}

export interface CompareSideState {
  info: SideInfo | undefined;
  loading: Progress | undefined;
  loadError: string | undefined;
  panels: Partial<Record<ComparePanel, PanelView>>;
  /** Stops the running load or panel. */
  cancel(): void;
  /** Runs a panel again (e.g. after it was cancelled). */
  retry(panel: ComparePanel): void;
}

export interface PanelRequest {
  /** Changes whenever the panel must be computed again. */
  key: string;
  settings: PanelSettings;
}

const isCancelled = (error: unknown): boolean => error instanceof Error && error.name === 'CancelledError';

function progressOf(event: WorkerResponse): Progress | undefined {
  return event.type === 'compare:progress'
    ? { label: event.label, done: event.done, total: event.total }
    : event.type === 'music:progress'
      ? { label: event.label, done: event.fraction, total: 1 }
      : undefined;
}

export function useCompareSide(
  column: CompareColumn,
  load: { key: string; body: RequestBody } | undefined,
  panels: Record<ComparePanel, PanelRequest>,
  ready: boolean,
): CompareSideState {
  const [info, setInfo] = useState<SideInfo>();
  const [loading, setLoading] = useState<Progress>();
  const [loadError, setLoadError] = useState<string>();
  const [views, setViews] = useState<Partial<Record<ComparePanel, PanelView>>>({});
  const running = useRef<number | undefined>(undefined);
  /** The panel request in flight, if any (a new load cancels it: its answer would be dropped anyway). */
  const panelCall = useRef<number | undefined>(undefined);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const wanted = useRef<Partial<Record<ComparePanel, string>>>({});
  const [retries, setRetries] = useState(0);

  const loadKey = load?.key;
  const loadBody = useRef(load?.body);
  const latestPanels = useRef(panels);
  // Effects run in order: these copies are current when the effects below read them.
  useEffect(() => {
    loadBody.current = load?.body;
    latestPanels.current = panels;
  });
  useEffect(() => {
    if (!ready || loadKey === undefined || !loadBody.current) return;
    let live = true;
    if (panelCall.current !== undefined) cancelRequest(panelCall.current);
    const call = startCall(loadBody.current, (event) => {
      const p = progressOf(event);
      if (p && live) setLoading(p);
    });
    running.current = call.id;
    queueMicrotask(() => {
      if (!live) return;
      setLoading({ label: 'Starting…', done: 0, total: 1 });
      setLoadError(undefined);
    });
    call.done
      .then((r) => {
        if (!live || r.type !== 'compare:loaded') return;
        wanted.current = {};
        setViews({});
        setInfo(r.info);
      })
      .catch((error: unknown) => {
        if (live)
          setLoadError(
            isCancelled(error) ? 'Cancelled: the previous model (if any) is still shown. Change a setting or press Load again.' : describeError(error),
          );
      })
      .finally(() => {
        if (!live) return;
        setLoading(undefined);
        if (running.current === call.id) running.current = undefined;
      });
    return () => {
      live = false;
      cancelRequest(call.id);
    };
  }, [loadKey, ready]);

  const loadNo = info?.load;
  const keys = COMPARE_PANELS.map((p) => panels[p].key).join('\u0000');
  useEffect(() => {
    if (loadNo === undefined) return;
    for (const panel of COMPARE_PANELS) {
      const request = latestPanels.current[panel];
      const key = `${loadNo}|${request.key}`;
      if (wanted.current[panel] === key) continue;
      wanted.current[panel] = key;
      setViews((v) => ({ ...v, [panel]: { key, running: true, result: v[panel]?.result, seconds: v[panel]?.seconds } }));
      queue.current = queue.current.then(async () => {
        if (wanted.current[panel] !== key) return;
        const call = startCall({ type: 'compare:panel', column, panel, settings: request.settings }, (event) => {
          const p = progressOf(event);
          if (p && wanted.current[panel] === key) setViews((v) => ({ ...v, [panel]: { ...(v[panel] ?? { key, running: true }), progress: p } }));
        });
        running.current = call.id;
        panelCall.current = call.id;
        try {
          const r = await call.done;
          if (r.type !== 'compare:panel:done' || wanted.current[panel] !== key || r.load !== loadNo) return;
          setViews((v) => ({ ...v, [panel]: { key, result: r.result, seconds: r.seconds, running: false } }));
        } catch (error) {
          if (wanted.current[panel] !== key) return;
          if (isCancelled(error)) wanted.current[panel] = undefined;
          setViews((v) => ({
            ...v,
            [panel]: { key, running: false, result: v[panel]?.result, error: isCancelled(error) ? 'Cancelled.' : describeError(error) },
          }));
        } finally {
          if (running.current === call.id) running.current = undefined;
          if (panelCall.current === call.id) panelCall.current = undefined;
        }
      });
    }
  }, [loadNo, keys, retries, column]);

  const cancel = useCallback(() => {
    // Queued panels are dropped too; each says so and can be run again.
    for (const panel of COMPARE_PANELS) wanted.current[panel] = undefined;
    setViews((v) =>
      Object.fromEntries(
        Object.entries(v).map(([p, view]) => [p, view?.running ? { ...view, running: false, progress: undefined, error: 'Cancelled.' } : view]),
      ),
    );
    if (running.current !== undefined) cancelRequest(running.current);
  }, []);
  const retry = useCallback((panel: ComparePanel) => {
    wanted.current[panel] = undefined;
    setRetries((n) => n + 1);
  }, []);

  return { info, loading, loadError, panels: views, cancel, retry };
}

'use client';
/**
 * The music model of a lab, held by the model worker: the shipped one loads once the worker's
 * backend is up; users can switch to a checkpoint URL or a local folder. A failed load keeps the
 * previous model working and reports the error.
 */
import { describeError } from '@/lib/core/errors';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useBackendStore } from '@/app/_state/backend-store';
import { request } from '@/app/_workers/client';
import { drumLabUrl, melodyLabUrl } from '@/lib/music/lab-url';
import { sourceOfModelValue } from '@/lib/music/model-value';
import type { MusicModelInfo, MusicModelSource } from '@/lib/music/protocol';

export interface MusicModelState {
  info: MusicModelInfo | undefined;
  /** Counts successful loads (a new model, even from the same place, gives new results). */
  version: number;
  /** What the model is doing; `fraction` only when the worker can count it (bytes downloaded). */
  loading: { label: string; fraction?: number } | undefined;
  backend: string | undefined;
  /** The model worker is still starting TF.js (choosing and warming up a backend): no model can load yet. */
  starting: boolean;
  load(source: MusicModelSource): Promise<MusicModelInfo | undefined>;
}

export function useMusicModel(lab: 'melody' | 'drums', onError: (message: string) => void): MusicModelState {
  const backend = useBackendStore((s) => s.state);
  const startBackend = useBackendStore((s) => s.start);
  const [loaded, setLoaded] = useState<{ info: MusicModelInfo; version: number }>();
  const [loading, setLoading] = useState<{ label: string; fraction?: number }>();
  const started = useRef(false);
  const errorRef = useRef(onError);
  useEffect(() => {
    errorRef.current = onError;
  }, [onError]);

  useEffect(() => startBackend(), [startBackend]);

  const load = useCallback(
    async (source: MusicModelSource) => {
      await Promise.resolve();
      setLoading({
        label:
          source.kind === 'shipped'
            ? 'Loading the shipped model…'
            : source.kind === 'url'
              ? `Loading ${source.url}…`
              : source.kind === 'saved'
                ? `Loading your fine-tuned model "${source.name}"…`
                : `Loading the folder ${source.name}…`,
      });
      try {
        const r = await request({ type: 'music:load', lab, source }, 'music:loaded', (event) => {
          if (event.type === 'music:progress') setLoading({ label: event.label, fraction: event.fraction });
        });
        setLoaded((prev) => ({ info: r.info, version: (prev?.version ?? 0) + 1 }));
        return r.info;
      } catch (error) {
        errorRef.current(describeError(error));
        return undefined;
      } finally {
        setLoading(undefined);
      }
    },
    [lab],
  );

  // The first model is the link's (a classroom challenge's fine-tuned model, `model=saved:…|url:…`),
  // else the shipped one; a link's model that cannot load (not in this browser) falls back to it.
  useEffect(() => {
    if (backend.status !== 'ready' || started.current) return;
    started.current = true;
    const value = (lab === 'melody' ? melodyLabUrl : drumLabUrl).parse(new URLSearchParams(window.location.search)).state.model;
    const source = value ? sourceOfModelValue(value) : ({ kind: 'shipped' } as const);
    void load(source).then((info) => {
      if (!info && source.kind !== 'shipped') void load({ kind: 'shipped' });
    });
  }, [backend.status, load, lab]);

  return {
    info: loaded?.info,
    version: loaded?.version ?? 0,
    loading,
    backend: backend.status === 'ready' ? backend.info.backend : undefined,
    starting: backend.status === 'idle' || backend.status === 'starting',
    load,
  };
}

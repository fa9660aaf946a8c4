'use client';
/** The timbre lab's model in the model worker: the shipped one loads once the worker's backend is up. */
import { useEffect, useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import type { TimbreModelInfo } from '@/lib/timbre/protocol';
import { useBackendStore } from '@/app/_state/backend-store';
import { request } from '@/app/_workers/client';

export interface TimbreModelState {
  info: TimbreModelInfo | undefined;
  loading: string | undefined;
  backend: string | undefined;
  starting: boolean;
}

export function useTimbreModel(onError: (message: string) => void): TimbreModelState {
  const backend = useBackendStore((s) => s.state);
  const startBackend = useBackendStore((s) => s.start);
  const [info, setInfo] = useState<TimbreModelInfo>();
  const [loading, setLoading] = useState<string>();
  const started = useRef(false);
  const errorRef = useRef(onError);
  useEffect(() => {
    errorRef.current = onError;
  }, [onError]);
  useEffect(() => startBackend(), [startBackend]);
  useEffect(() => {
    if (backend.status !== 'ready' || started.current) return;
    started.current = true;
    const t = setTimeout(() => setLoading('Loading the timbre model…'), 0);
    request({ type: 'timbre:load', source: { kind: 'shipped' } }, 'timbre:loaded')
      .then((r) => setInfo(r.info))
      .catch((error: unknown) => errorRef.current(describeError(error)))
      .finally(() => {
        clearTimeout(t);
        setLoading(undefined);
      });
  }, [backend.status]);
  return {
    info,
    loading,
    backend: backend.status === 'ready' ? backend.info.backend : undefined,
    starting: backend.status === 'idle' || backend.status === 'starting',
  };
}

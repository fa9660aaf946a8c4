'use client';
/**
 * Runs `load` when `deps` change and keeps the newest answer; `loading` is true while the answer
 * for the current deps is still missing. Answers for stale deps are dropped. Options: `enabled`
 * (nothing runs while false, e.g. before the model is loaded) and `delayMs` (wait for the deps to
 * settle, e.g. while a slider moves; a change within the delay cancels the pending run). Dependencies
 * compare like React's: plain values by value, objects by identity (see ./deps-key).
 */
import { useEffect, useRef, useState, type DependencyList } from 'react';
import { describeError } from '@/lib/core/errors';
import { DepsKeys } from './deps-key';

export function useWorkerResult<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  onError: (m: string) => void,
  options: { enabled?: boolean; delayMs?: number } = {},
): { value: T | undefined; loading: boolean } {
  const [keys] = useState(() => new DepsKeys());
  const key = keys.key(deps);
  const [result, setResult] = useState<{ key: string; value: T | undefined }>({ key: '', value: undefined });
  const latest = useRef('');
  const enabled = options.enabled ?? true;
  const delayMs = options.delayMs ?? 0;
  useEffect(() => {
    if (!enabled) return;
    latest.current = key;
    const run = (): void => {
      load()
        .then((value) => {
          if (latest.current === key) setResult({ key, value });
        })
        .catch((error: unknown) => {
          if (latest.current !== key) return;
          setResult((r) => ({ key, value: r.value }));
          onError(describeError(error));
        });
    };
    if (delayMs <= 0) {
      run();
      return;
    }
    const timer = setTimeout(run, delayMs);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, enabled]);
  return { value: result.value, loading: result.key !== key };
}

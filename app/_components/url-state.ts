'use client';
/**
 * The lab's settings live in the URL (so a shared link reproduces a view): read with typed
 * parsers that fall back to defaults on bad values, and update with `replace` (no history spam).
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

export type Patch = Record<string, string | number | undefined>;

export function useUrlParams(): [URLSearchParams, (patch: Patch) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const update = useCallback(
    (patch: Patch) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      const q = next.toString();
      router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  return [new URLSearchParams(params.toString()), update];
}

/** A whole number from the URL within [min, max], else the fallback. */
export function intParam(params: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

/** A number from the URL within [min, max], else the fallback. */
export function numParam(params: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

/** One of `options` from the URL, else the fallback. */
export function enumParam<T extends string>(params: URLSearchParams, key: string, options: readonly T[], fallback: T): T {
  const raw = params.get(key);
  return raw !== null && (options as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

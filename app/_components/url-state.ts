'use client';
/**
 * Untyped access to the query string, for the classroom bar only: it sits on every lab and puts
 * back a challenge's settings (`temp`, `a`, `b`, `model`…) without knowing the lab. Labs read and
 * write their own keys through their typed state (useTypedUrlState + lib/<lab>/lab-url.ts).
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

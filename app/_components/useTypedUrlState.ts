'use client';
/**
 * A lab's typed URL state (lib/core/url-state) as a React hook: the parsed state, the keys whose
 * values in the link were invalid (so the page can say so with lib/core/url-state's ignoredNote), and a setter that writes a checked
 * patch with `replace` (no history spam).
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import type { UrlState } from '@/lib/core/url-state';

export function useTypedUrlState<S extends Record<string, unknown>>(
  def: UrlState<S>,
): { state: S; ignored: (keyof S & string)[]; set: (patch: { [K in keyof S]?: S[K] | undefined }) => void } {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const { state, ignored } = useMemo(() => def.parse(new URLSearchParams(query)), [def, query]);
  const set = useCallback(
    (patch: { [K in keyof S]?: S[K] | undefined }) => {
      const next = def.write(new URLSearchParams(window.location.search), patch).toString();
      router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
    },
    [def, router, pathname],
  );
  return { state, ignored, set };
}

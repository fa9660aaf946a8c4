'use client';
/**
 * The image lab's state from the URL (lib/image/lab-url.ts: one typed schema), and a setter that
 * writes changes back with `replace` (no history spam), so a shared link reproduces the view.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { imageLabUrl, type ImageLabKey, type ImageLabPatch, type ImageLabState } from '@/lib/image/lab-url';

export function useImageLabUrl(): { state: ImageLabState; ignored: ImageLabKey[]; set: (patch: ImageLabPatch) => void } {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const { state, ignored } = useMemo(() => imageLabUrl.parse(new URLSearchParams(query)), [query]);
  const set = useCallback(
    (patch: ImageLabPatch) => {
      // From the live URL: several changes in one event must not overwrite each other.
      const next = imageLabUrl.write(new URLSearchParams(window.location.search), patch).toString();
      router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  return { state, ignored, set };
}

'use client';

import Link from 'next/link';
import { useState, type ComponentProps } from 'react';

/**
 * A `next/link` that prefetches its page when the reader reaches for it (pointer over it, keyboard
 * focus, a touch), not as soon as it is on screen. The home page and the header link to every lab;
 * prefetching them all on sight made the home page load ~216 KB (gzip) of other pages' JavaScript
 * on top of its own ~181 KB (`npm run bench:load`). Navigation still feels instant: a hover comes
 * a few hundred milliseconds before the click.
 */
export function IntentLink({ onMouseEnter, onFocus, onTouchStart, ...props }: Omit<ComponentProps<typeof Link>, 'prefetch'>) {
  const [wanted, setWanted] = useState(false);
  return (
    <Link
      {...props}
      prefetch={wanted ? null : false}
      onMouseEnter={(event) => {
        setWanted(true);
        onMouseEnter?.(event);
      }}
      onFocus={(event) => {
        setWanted(true);
        onFocus?.(event);
      }}
      onTouchStart={(event) => {
        setWanted(true);
        onTouchStart?.(event);
      }}
    />
  );
}

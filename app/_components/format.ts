/** Small text formatters shared by the labs' components (no React, testable in Node). */

/** "12 s", "3 min 5 s"; with `zero`, 0 s shows as "0 s" instead of "1 s". */
export function formatSeconds(s: number, options: { zero?: boolean } = {}): string {
  if (s < 60) return `${options.zero ? Math.round(s) : Math.max(1, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

'use client';
/** A labelled progress bar with an optional time-left estimate. */
export function ProgressBar({ label, fraction, etaSeconds, testId }: { label: string; fraction: number; etaSeconds?: number; testId?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  const eta = etaSeconds !== undefined && Number.isFinite(etaSeconds) && fraction > 0 && fraction < 1 ? ` · about ${formatSeconds(etaSeconds)} left` : '';
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-label">
        {label} — {pct}%{eta}
      </div>
      <progress max={100} value={pct} aria-label={label} />
    </div>
  );
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

'use client';
/**
 * A labelled progress bar. With a `fraction` (0..1) it shows real progress — percent and, when
 * given, an estimate of the time left. Without one the work cannot be counted: the bar is
 * indeterminate (a moving native `<progress>` with no value) and shows the time elapsed, so a
 * waiting learner sees that something is happening and for how long — never a made-up percentage.
 */
import { useEffect, useState } from 'react';
import { formatSeconds } from './format';

export { formatSeconds } from './format';

export interface ProgressBarProps {
  label: string;
  /** 0..1 when the work can be counted; leave out for an indeterminate bar. */
  fraction?: number;
  etaSeconds?: number;
  /** When the work started (`performance.now()` time); default: when the bar appeared. */
  since?: number;
  testId?: string;
}

/** Seconds since `since` (or since mount), updated every second. */
function useElapsed(since: number | undefined): number {
  const [start] = useState(() => since ?? performance.now());
  const origin = since ?? start;
  const [now, setNow] = useState(origin);
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, (now - origin) / 1000);
}

export function ProgressBar({ label, fraction, etaSeconds, since, testId }: ProgressBarProps) {
  const elapsed = useElapsed(since);
  if (fraction === undefined || !Number.isFinite(fraction)) {
    return (
      <div className="progress progress-indeterminate" data-testid={testId} data-indeterminate="true">
        <div className="progress-label">
          {label} — {formatSeconds(elapsed, { zero: true })} so far
        </div>
        <progress aria-label={label} />
      </div>
    );
  }
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

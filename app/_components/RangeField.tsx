'use client';
/** A labelled slider with its value shown beside it in words (the labs' temperature, similarity, σ …). */
import type { ReactNode } from 'react';

export interface RangeFieldProps {
  label: ReactNode;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange(value: number): void;
  /** The value in words ("0 (most likely notes)", "80%"); default: the number. */
  format?: (value: number) => string;
  title?: string;
  disabled?: boolean;
  'data-testid'?: string;
}

export function RangeField({ label, value, min, max, step, onChange, format, title, disabled, 'data-testid': testId }: RangeFieldProps) {
  return (
    <label title={title}>
      {label}{' '}
      <input
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.target.value))}
        data-testid={testId}
      />{' '}
      <span className="muted">{format ? format(value) : String(value)}</span>
    </label>
  );
}

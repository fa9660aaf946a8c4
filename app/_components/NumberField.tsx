'use client';
/**
 * A number input that lets people type freely: what they type is shown as typed, and only a value
 * inside [min, max] is committed (so typing "1" on the way to "12" does not snap back to a default).
 * Leaving the field shows the committed value again.
 */
import { useState, type InputHTMLAttributes } from 'react';

export interface NumberFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'min' | 'max' | 'type'> {
  value: number;
  min: number;
  max: number;
  integer?: boolean;
  onCommit: (value: number) => void;
}

export function NumberField({ value, min, max, integer = true, onCommit, onBlur, ...rest }: NumberFieldProps) {
  const [draft, setDraft] = useState<string>();
  return (
    <input
      {...rest}
      type="number"
      min={min}
      max={max}
      step={integer ? 1 : 'any'}
      value={draft ?? String(value)}
      aria-invalid={draft !== undefined && draft !== String(value) ? true : undefined}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        const n = Number(text);
        if (text.trim() !== '' && Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n))) onCommit(n);
      }}
      onBlur={(e) => {
        setDraft(undefined);
        onBlur?.(e);
      }}
    />
  );
}

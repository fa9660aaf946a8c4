'use client';
/**
 * A number input that lets people type freely and never replaces a number silently. What they type
 * is shown as typed; an in-range number is used at once; a number above the maximum is used as the
 * maximum, a fraction in a whole-number field rounded — and a note right next to the field says so
 * ("max 32 — using 32"), linked to the input for screen readers. A number below the minimum may be
 * the start of a valid one ("1" on the way to "12"), so it waits for Enter or leaving the field.
 * See `number-input.ts` for the rules.
 */
import { useId, useState, type InputHTMLAttributes } from 'react';
import { readNumber } from './number-input';

export interface NumberFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'min' | 'max' | 'type'> {
  value: number;
  min: number;
  max: number;
  integer?: boolean;
  onCommit: (value: number) => void;
  /** Also names the note: `<testid>-note`. */
  'data-testid'?: string;
}

export function NumberField({ value, min, max, integer = true, onCommit, onBlur, onKeyDown, className, 'data-testid': testId, ...rest }: NumberFieldProps) {
  const [draft, setDraft] = useState<string>();
  const [note, setNote] = useState<{ text: string; forValue: number | undefined }>();
  const noteId = useId();
  const limits = { min, max, integer };
  const finish = (text: string): void => {
    const r = readNumber(text, limits, value, true);
    if (r.commit !== undefined && r.commit !== value) onCommit(r.commit);
    setNote(r.note ? { text: r.note, forValue: r.commit ?? value } : undefined);
    setDraft(undefined);
  };
  // A note belongs to the value it explains: once the value changes from elsewhere (the URL, another control), it goes.
  const shownNote = note && (draft !== undefined || note.forValue === value) ? note.text : undefined;
  return (
    <span className={`number-field${className ? ` ${className}` : ''}`}>
      <input
        {...rest}
        data-testid={testId}
        type="number"
        min={min}
        max={max}
        step={integer ? 1 : 'any'}
        value={draft ?? String(value)}
        aria-invalid={shownNote !== undefined ? true : undefined}
        aria-describedby={shownNote ? noteId : undefined}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          const r = readNumber(text, limits, value, false);
          if (r.commit !== undefined && r.commit !== value) onCommit(r.commit);
          setNote(r.note ? { text: r.note, forValue: r.commit } : undefined);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && draft !== undefined) finish(draft);
          onKeyDown?.(e);
        }}
        onBlur={(e) => {
          if (draft !== undefined) finish(draft);
          onBlur?.(e);
        }}
      />
      {shownNote && (
        <span className="field-note" id={noteId} data-testid={testId ? `${testId}-note` : undefined}>
          {shownNote}
        </span>
      )}
    </span>
  );
}

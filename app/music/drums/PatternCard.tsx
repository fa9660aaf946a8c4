'use client';
/**
 * One sampled pattern: its editable step grid, loop button, "put in a corner" and MIDI export.
 * Memoised with stable callbacks, so while a pattern plays only its own card redraws each step.
 */
import { memo, useCallback } from 'react';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { DrumGrid } from '@/app/_components/media/DrumGrid';

export interface PatternCardProps {
  index: number;
  seq: QuantizedNoteSequence;
  edited: boolean;
  selected: boolean;
  playStep: number | undefined;
  cornerNames: readonly string[];
  onToggle: (index: number, drumClass: number, step: number) => void;
  onPlay: (index: number) => void;
  onCorner: (index: number, corner: number) => void;
  onMidi: (index: number) => void;
  /** Empties the pattern (to draw one from scratch). */
  onClear: (index: number) => void;
  /** Back to the sampled pattern (shown when edited). */
  onReset: (index: number) => void;
}

export const PatternCard = memo(function PatternCard({
  index,
  seq,
  edited,
  selected,
  playStep,
  cornerNames,
  onToggle,
  onPlay,
  onCorner,
  onMidi,
  onClear,
  onReset,
}: PatternCardProps) {
  const toggle = useCallback((c: number, s: number) => onToggle(index, c, s), [index, onToggle]);
  return (
    <section
      className={`card pattern${selected ? ' pattern-selected' : ''}`}
      aria-label={`Pattern ${index + 1}`}
      data-testid="drum-pattern"
      data-edited={edited ? '1' : undefined}
    >
      <div className="controls">
        <strong>Pattern {index + 1}</strong>
        {edited && <span className="chip">edited</span>}
        <button type="button" onClick={() => onPlay(index)} data-testid="play-pattern">
          ▶ Loop
        </button>
        <label>
          Put in{' '}
          <select value="" onChange={(e) => e.target.value !== '' && onCorner(index, Number(e.target.value))} data-testid="to-corner">
            <option value="">a corner…</option>
            {cornerNames.map((name, c) => (
              <option key={c} value={c}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="link-button" onClick={() => onMidi(index)}>
          MIDI
        </button>
        <button type="button" className="link-button" onClick={() => onClear(index)} data-testid="clear-pattern">
          Clear
        </button>
        {edited && (
          <button type="button" className="link-button" onClick={() => onReset(index)} data-testid="reset-pattern">
            Undo edits
          </button>
        )}
      </div>
      <DrumGrid seq={seq} label={`Pattern ${index + 1}`} onToggle={toggle} playStep={playStep} />
    </section>
  );
});

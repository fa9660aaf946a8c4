'use client';
/**
 * A drum pattern as a step grid: 9 rows (kick at the bottom of the kit list, shown top to bottom in
 * Magenta's class order), one column per 16th note. Editable grids are buttons (keyboard and screen
 * reader friendly: "Snare, step 5, on"); small ones are a plain picture.
 */
import { memo, useState, type KeyboardEvent } from 'react';
import { DRUM_CLASS_NAMES } from '@/lib/music/converters/drums';
import { drumGrid, encodeDrumClip } from '@/lib/music/clips';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';

export interface DrumGridProps {
  seq: QuantizedNoteSequence;
  label: string;
  /** Step where the playhead is, if this pattern is playing. */
  playStep?: number;
  onToggle?: (drumClass: number, step: number) => void;
  small?: boolean;
  testId?: string;
}

/** Short instrument names for the small pictures (the full names are in the tooltip and screen-reader label). */
const SHORT_NAMES = ['Kick', 'Snare', 'C.hat', 'O.hat', 'L.tom', 'M.tom', 'H.tom', 'Crash', 'Ride'] as const;

const MOVES: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

export const DrumGrid = memo(function DrumGrid({ seq, label, playStep, onToggle, small, testId }: DrumGridProps) {
  const grid = drumGrid(seq);
  // One Tab stop per grid; the arrow keys move between cells (Space/Enter toggles).
  const [focus, setFocus] = useState<[number, number]>([0, 0]);
  const steps = seq.totalQuantizedSteps;
  const hits = grid.reduce((n, row) => n + row.filter(Boolean).length, 0);
  if (!onToggle) {
    return (
      <div className={small ? 'drum-pic small' : 'drum-pic'}>
        <ol className="drum-pic-labels" aria-hidden="true">
          {grid.map((_, c) => (
            <li key={c} title={DRUM_CLASS_NAMES[c]}>
              {small ? SHORT_NAMES[c] : DRUM_CLASS_NAMES[c]}
            </li>
          ))}
        </ol>
        <svg
          className={small ? 'drum-grid-pic small' : 'drum-grid-pic'}
          viewBox={`0 0 ${steps * 4} ${grid.length * 4}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${label}: ${hits} hits`}
          data-testid={testId}
          data-hits={hits}
          data-clip={encodeDrumClip(seq)}
        >
          {Array.from({ length: steps / 4 }, (_, i) => (
            <rect key={i} x={i * 16} y={0} width={16} height={grid.length * 4} className={i % 2 === 0 ? 'dg-beat-a' : 'dg-beat-b'} />
          ))}
          {grid.map((row, c) =>
            row.map((hit, s) =>
              hit ? <rect key={`${c}-${s}`} x={s * 4 + 0.4} y={c * 4 + 0.4} width={3.2} height={3.2} rx={0.6} className={`dg-hit dg-c${c}`} /> : null,
            ),
          )}
          {playStep !== undefined && playStep >= 0 && <rect x={playStep * 4} y={0} width={4} height={grid.length * 4} className="dg-playhead" />}
        </svg>
      </div>
    );
  }
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, c: number, st: number) => {
    const m = MOVES[e.key];
    if (!m) return;
    e.preventDefault();
    const next: [number, number] = [Math.min(grid.length - 1, Math.max(0, c + m[0])), Math.min(steps - 1, Math.max(0, st + m[1]))];
    setFocus(next);
    e.currentTarget.parentElement?.querySelector<HTMLButtonElement>(`[data-cell="${next[0]}-${next[1]}"]`)?.focus();
  };
  return (
    <div
      className="drum-grid"
      role="group"
      aria-label={`${label}: ${hits} hits`}
      data-testid={testId}
      data-hits={hits}
      data-clip={encodeDrumClip(seq)}
      style={{ gridTemplateColumns: `6.5em repeat(${steps}, 1fr)` }}
    >
      {grid.map((row, c) => [
        <span key={`l${c}`} className="dg-label">
          {DRUM_CLASS_NAMES[c]}
        </span>,
        ...row.map((hit, s) => (
          <button
            key={`${c}-${s}`}
            type="button"
            className={`dg-cell${hit ? ` dg-on dg-c${c}` : ''}${s % 4 === 0 ? ' dg-downbeat' : ''}${playStep === s ? ' dg-now' : ''}`}
            aria-pressed={hit}
            aria-label={`${DRUM_CLASS_NAMES[c]}, step ${s + 1}`}
            tabIndex={focus[0] === c && focus[1] === s ? 0 : -1}
            data-cell={`${c}-${s}`}
            onKeyDown={(e) => onKey(e, c, s)}
            onFocus={() => setFocus([c, s])}
            onClick={() => onToggle(c, s)}
          />
        )),
      ])}
    </div>
  );
});

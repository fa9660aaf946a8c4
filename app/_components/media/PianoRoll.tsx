'use client';
/**
 * A piano roll: time runs left to right in 16th-note steps, pitch bottom to top. Optionally
 * editable (press on an empty cell and drag to draw a note, press on a note to remove it), with a
 * playhead, and with a highlighted 2-bar window that can be picked by clicking (for imports).
 */
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';

export interface PitchSpan {
  min: number;
  max: number;
}

const NOTE_NAMES = ['C', 'C♯', 'D', 'D♯', 'E', 'F', 'F♯', 'G', 'G♯', 'A', 'A♯', 'B'];
const BLACK = new Set([1, 3, 6, 8, 10]);

/** The note name of a MIDI pitch, e.g. 60 → "C4". */
export function pitchName(pitch: number): string {
  return `${NOTE_NAMES[pitch % 12] ?? '?'}${Math.floor(pitch / 12) - 1}`;
}

/** A pitch span covering every sequence's notes, at least `minSpan` semitones, padded by 2. */
export function pitchSpanOf(seqs: readonly QuantizedNoteSequence[], minSpan = 12): PitchSpan {
  const pitches = seqs.flatMap((s) => s.notes.map((n) => n.pitch));
  let min = pitches.length ? Math.min(...pitches) - 2 : 58;
  let max = pitches.length ? Math.max(...pitches) + 2 : 70;
  while (max - min < minSpan) {
    min--;
    max++;
  }
  return { min: Math.max(0, min), max: Math.min(127, max) };
}

/** A note's tooltip: "E4 · step 11" for one step, "E4 · steps 11–14" for more. */
export function noteTitle(pitch: number, start: number, end: number): string {
  return end - start <= 1 ? `${pitchName(pitch)} · step ${start + 1}` : `${pitchName(pitch)} · steps ${start + 1}–${end}`;
}

export interface PianoRollProps {
  seq: QuantizedNoteSequence;
  span?: PitchSpan;
  /** Step (within this roll) where the playhead is, if playing. */
  playStep?: number;
  /** Draw/remove notes. */
  onPlace?: (pitch: number, start: number, end: number) => void;
  onRemove?: (pitch: number, step: number) => void;
  /** A highlighted window (e.g. the 2 bars to import); clicking picks the bar under the pointer. */
  window?: { start: number; length: number; onPick: (bar: number) => void };
  /** Pixels per step and per semitone (the SVG scales to its box). */
  cell?: { w: number; h: number };
  /** Steps marked as wrong (e.g. where a reconstruction differs from its input), shaded and named. */
  marks?: readonly number[];
  /** The meter's grid: steps per beat and per bar (default 4/4 in sixteenths: 4 and 16). */
  meter?: { stepsPerBeat: number; stepsPerBar: number };
  label: string;
  testId?: string;
  className?: string;
}

export function PianoRoll({
  seq,
  span,
  playStep,
  onPlace,
  onRemove,
  window: win,
  cell = { w: 10, h: 6 },
  marks,
  meter = { stepsPerBeat: 4, stepsPerBar: 16 },
  label,
  testId,
  className,
}: PianoRollProps) {
  const s = span ?? pitchSpanOf([seq]);
  const rows = s.max - s.min + 1;
  const steps = seq.totalQuantizedSteps;
  const keyW = onPlace ? 26 : 0;
  const width = keyW + steps * cell.w;
  const height = rows * cell.h;
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ pitch: number; start: number; end: number }>();
  const editable = onPlace !== undefined;
  // Keyboard editing: a cursor cell moved with the arrow keys (shown while the roll has focus).
  const [cursor, setCursor] = useState<{ pitch: number; step: number }>({ pitch: Math.round((s.min + s.max) / 2), step: 0 });
  const [focused, setFocused] = useState(false);
  const cur = { pitch: Math.min(s.max, Math.max(s.min, cursor.pitch)), step: Math.min(steps - 1, Math.max(0, cursor.step)) };
  const noteAt = (pitch: number, step: number) => seq.notes.find((n) => n.pitch === pitch && n.quantizedStartStep <= step && n.quantizedEndStep > step);

  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    if (!editable) return;
    const note = noteAt(cur.pitch, cur.step);
    const move = (dp: number, ds: number) =>
      setCursor({ pitch: Math.min(s.max, Math.max(s.min, cur.pitch + dp)), step: Math.min(steps - 1, Math.max(0, cur.step + ds)) });
    if (e.shiftKey && (e.key === 'ArrowRight' || e.key === 'ArrowLeft') && note) {
      // Lengthen or shorten the note under the cursor by one step.
      const end = note.quantizedEndStep + (e.key === 'ArrowRight' ? 1 : -1);
      if (end > note.quantizedStartStep && end <= steps) {
        onPlace?.(note.pitch, note.quantizedStartStep, end);
        setCursor({ pitch: cur.pitch, step: end - 1 });
      }
    } else if (e.key === 'ArrowUp') move(1, 0);
    else if (e.key === 'ArrowDown') move(-1, 0);
    else if (e.key === 'ArrowLeft') move(0, -1);
    else if (e.key === 'ArrowRight') move(0, 1);
    else if (e.key === ' ' || e.key === 'Enter') {
      if (note) onRemove?.(note.pitch, cur.step);
      else onPlace?.(cur.pitch, cur.step, cur.step + 1);
    } else return;
    e.preventDefault();
  };

  const cellAt = (e: PointerEvent<SVGSVGElement>): { pitch: number; step: number } | undefined => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || box.width === 0 || box.height === 0) return undefined;
    const x = ((e.clientX - box.left) / box.width) * width - keyW;
    const y = ((e.clientY - box.top) / box.height) * height;
    const step = Math.floor(x / cell.w);
    const pitch = s.max - Math.floor(y / cell.h);
    if (step < 0 || step >= steps || pitch < s.min || pitch > s.max) return undefined;
    return { pitch, step };
  };

  const onDown = (e: PointerEvent<SVGSVGElement>) => {
    const at = cellAt(e);
    if (!at) return;
    if (win) {
      win.onPick(Math.floor(at.step / meter.stepsPerBar));
      return;
    }
    if (!editable) return;
    const existing = seq.notes.find((n) => n.pitch === at.pitch && n.quantizedStartStep <= at.step && n.quantizedEndStep > at.step);
    if (existing) {
      onRemove?.(at.pitch, at.step);
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ pitch: at.pitch, start: at.step, end: at.step });
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    const at = cellAt(e);
    if (at && at.step >= drag.start) setDrag({ ...drag, end: at.step });
  };
  const onUp = () => {
    if (!drag) return;
    onPlace?.(drag.pitch, drag.start, drag.end + 1);
    setDrag(undefined);
  };

  return (
    <svg
      ref={svg}
      className={`piano-roll${editable ? ' piano-roll-edit' : ''}${win ? ' piano-roll-pick' : ''}${className ? ' ' + className : ''}`}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role={editable ? 'application' : 'img'}
      tabIndex={editable ? 0 : undefined}
      aria-roledescription={editable ? 'piano roll editor' : undefined}
      aria-label={
        editable
          ? `${label}: ${seq.notes.length} notes. Arrow keys move, Space adds or removes a note, Shift+Right/Left lengthens or shortens it. Cursor: ${pitchName(cur.pitch)}, step ${cur.step + 1}${noteAt(cur.pitch, cur.step) ? ', on a note' : ''}.`
          : `${label}: ${seq.notes.length} notes over ${steps / meter.stepsPerBar} bars${marks && marks.length > 0 ? `; ${marks.length} step${marks.length === 1 ? '' : 's'} differ from the input` : ''}`
      }
      onKeyDown={onKey}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      data-testid={testId}
      data-notes={seq.notes.length}
      data-pitches={seq.notes.map((n) => n.pitch).join(' ')}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={() => setDrag(undefined)}
    >
      {Array.from({ length: rows }, (_, i) => {
        const pitch = s.max - i;
        return (
          <rect key={pitch} x={keyW} y={i * cell.h} width={steps * cell.w} height={cell.h} className={BLACK.has(pitch % 12) ? 'pr-row-black' : 'pr-row'} />
        );
      })}
      {marks?.map((step) => (
        <rect key={`m${step}`} x={keyW + step * cell.w} y={0} width={cell.w} height={height} className="pr-mark" data-testid="roll-mark" data-step={step}>
          <title>{`step ${step + 1} differs from the input`}</title>
        </rect>
      ))}
      {Array.from({ length: Math.floor(steps / meter.stepsPerBeat) + 1 }, (_, i) => {
        const x = keyW + i * meter.stepsPerBeat * cell.w;
        return <line key={i} x1={x} x2={x} y1={0} y2={height} className={(i * meter.stepsPerBeat) % meter.stepsPerBar === 0 ? 'pr-bar' : 'pr-beat'} />;
      })}
      {editable &&
        Array.from({ length: rows }, (_, i) => {
          const pitch = s.max - i;
          return pitch % 12 === 0 ? (
            <text key={pitch} x={2} y={(i + 1) * cell.h - 1} className="pr-key">
              {pitchName(pitch)}
            </text>
          ) : null;
        })}
      {win && <rect x={keyW + win.start * cell.w} y={0} width={win.length * cell.w} height={height} className="pr-window" />}
      {seq.notes.map((n, i) =>
        n.pitch < s.min || n.pitch > s.max ? null : (
          <rect
            key={i}
            x={keyW + n.quantizedStartStep * cell.w + 0.5}
            y={(s.max - n.pitch) * cell.h + 0.5}
            width={Math.max(1, (n.quantizedEndStep - n.quantizedStartStep) * cell.w - 1)}
            height={cell.h - 1}
            rx={1.5}
            className="pr-note"
          >
            <title>{noteTitle(n.pitch, n.quantizedStartStep, n.quantizedEndStep)}</title>
          </rect>
        ),
      )}
      {editable && focused && (
        <rect x={keyW + cur.step * cell.w} y={(s.max - cur.pitch) * cell.h} width={cell.w} height={cell.h} className="pr-cursor" data-testid="roll-cursor" />
      )}
      {drag && (
        <rect
          x={keyW + drag.start * cell.w}
          y={(s.max - drag.pitch) * cell.h}
          width={(drag.end - drag.start + 1) * cell.w}
          height={cell.h}
          className="pr-note pr-note-draft"
        />
      )}
      {playStep !== undefined && playStep >= 0 && playStep < steps && (
        <line
          x1={keyW + (playStep + 0.5) * cell.w}
          x2={keyW + (playStep + 0.5) * cell.w}
          y1={0}
          y2={height}
          className="pr-playhead"
          data-testid="playhead"
          data-step={playStep}
        />
      )}
    </svg>
  );
}

'use client';
/**
 * Beat-Blender-style blend square: four patterns in the corners, a puck to drag (or move with
 * the arrow keys). The grid of blends is decoded ahead, so moving the puck only picks the
 * nearest pre-decoded pattern and the sound changes at the next step without a stutter.
 */
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { nearestGridCell } from '@/lib/latent/grid';

export interface BlendPadProps {
  size: number;
  x: number;
  y: number;
  /** Called while dragging (cheap: picks a pre-decoded cell). */
  onMove: (x: number, y: number) => void;
  /** Called when the drag ends (e.g. to store the position in the URL). */
  onRelease: (x: number, y: number) => void;
  cornerLabels: readonly [string, string, string, string];
  disabled?: boolean;
  /** The blends for the current corners are decoded (for tests and the screen-reader text). */
  ready?: boolean;
}

export function BlendPad({ size, x, y, onMove, onRelease, cornerLabels, disabled, ready }: BlendPadProps) {
  const box = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState(false);
  const at = (e: PointerEvent<HTMLDivElement>): [number, number] | undefined => {
    const r = box.current?.getBoundingClientRect();
    if (!r || r.width === 0) return undefined;
    return [Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (e.clientY - r.top) / r.height))];
  };
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    const d = 1 / (size - 1);
    const moves: Record<string, [number, number]> = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, -d], ArrowDown: [0, d] };
    const m = moves[e.key];
    if (!m || disabled) return;
    e.preventDefault();
    const nx = Math.min(1, Math.max(0, x + m[0]));
    const ny = Math.min(1, Math.max(0, y + m[1]));
    onMove(nx, ny);
    onRelease(nx, ny);
  };
  const cell = nearestGridCell(size, x, y);
  return (
    <div
      ref={box}
      className={`blend-pad${disabled ? ' blend-disabled' : ''}`}
      role="slider"
      tabIndex={disabled ? -1 : 0}
      aria-label="Blend position: drag the puck, or use the arrow keys"
      aria-valuemin={1}
      aria-valuemax={size * size}
      aria-valuenow={cell + 1}
      aria-valuetext={`column ${(cell % size) + 1} of ${size}, row ${Math.floor(cell / size) + 1} of ${size}`}
      data-ready={ready ? '1' : undefined}
      aria-disabled={disabled}
      data-testid="blend-pad"
      data-cell={cell}
      onKeyDown={key}
      onPointerDown={(e) => {
        if (disabled) return;
        const p = at(e);
        if (!p) return;
        // No text selection and no native drag-and-drop may start here: after a first drag selected the
        // corner labels, later drags became native text drags and were cancelled (the puck moved one cell).
        e.preventDefault();
        e.currentTarget.focus();
        e.currentTarget.setPointerCapture(e.pointerId);
        setDragging(true);
        onMove(p[0], p[1]);
      }}
      onPointerMove={(e) => {
        if (!dragging) return;
        const p = at(e);
        if (p) onMove(p[0], p[1]);
      }}
      onPointerUp={(e) => {
        if (!dragging) return;
        setDragging(false);
        const p = at(e);
        if (p) onRelease(p[0], p[1]);
      }}
      onPointerCancel={() => setDragging(false)}
      onDragStart={(e) => e.preventDefault()}
      style={{ backgroundSize: `${100 / (size - 1)}% ${100 / (size - 1)}%` }}
    >
      {cornerLabels.map((label, i) => (
        <span key={i} className={`blend-corner blend-corner-${i}`}>
          {label}
        </span>
      ))}
      <span className="blend-puck" data-testid="blend-puck" style={{ left: `${x * 100}%`, top: `${y * 100}%` }} />
    </div>
  );
}

'use client';
/** The blend square's pad (drag the puck), its Loop button and the pattern at the puck. */
import { DrumGrid } from '@/app/_components/media/DrumGrid';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { BLEND_SIZE } from '@/lib/music/lab-url';
import { BlendPad } from './BlendPad';

export interface BlendSideProps {
  x: number;
  y: number;
  /** The square is decoded for the current corners. */
  ready: boolean;
  blended: QuantizedNoteSequence | undefined;
  /** The grid cell under the puck. */
  cell: number;
  playStep: number | undefined;
  onMove(x: number, y: number): void;
  onRelease(x: number, y: number): void;
  onPlay(): void;
}

export function BlendSide({ x, y, ready, blended, cell, playStep, onMove, onRelease, onPlay }: BlendSideProps) {
  return (
    <div className="blend-side">
      <BlendPad size={BLEND_SIZE} x={x} y={y} disabled={!ready} ready={ready} cornerLabels={['1', '2', '3', '4']} onMove={onMove} onRelease={onRelease} />
      <div className="controls">
        <button type="button" onClick={onPlay} disabled={!blended} data-testid="play-blend">
          ▶ Loop the blend
        </button>
        {!ready && <span className="muted">Decoding the square between the corners…</span>}
      </div>
      {blended && (
        <figure className="corner">
          <figcaption>
            <strong>The blend at the puck</strong> (cell {cell + 1} of {BLEND_SIZE * BLEND_SIZE})
          </figcaption>
          <DrumGrid seq={blended} label="Blend at the puck" playStep={playStep} testId="blend-pattern" />
        </figure>
      )}
    </div>
  );
}

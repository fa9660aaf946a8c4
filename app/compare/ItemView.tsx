'use client';
/**
 * Items as a learner sees them: digits as pictures, melodies as piano rolls, drum patterns as step
 * grids. Music items are buttons that play themselves.
 */
import { DigitCanvas, imageAt } from '@/app/_components/DigitCanvas';
import { DrumGrid } from '@/app/music/_components/DrumGrid';
import { PianoRoll, pitchSpanOf } from '@/app/music/_components/PianoRoll';
import type { DisplayItems } from '@/app/_workers/compare-protocol';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';

export interface ItemViewProps {
  items: DisplayItems;
  /** Caption under each item (e.g. "step 3", "#12 · 7"). */
  captions?: readonly string[];
  /** Plays a music item (by index). */
  onPlay?: (seq: QuantizedNoteSequence, index: number) => void;
  /** Index of the item that is sounding. */
  playing?: number;
  /** Items per row (keeps strips like A … B on one line). */
  columns?: number;
  testId?: string;
  label: string;
}

export function ItemView({ items, captions, onPlay, playing, columns, testId, label }: ItemViewProps) {
  const count = items.kind === 'image' ? items.count : items.sequences.length;
  const style = columns ? { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` } : undefined;
  const span = items.kind === 'music' ? pitchSpanOf(items.sequences) : undefined;
  return (
    <div className={`item-grid item-grid-${items.kind}`} style={style} role="group" aria-label={label} data-testid={testId} data-count={count}>
      {Array.from({ length: count }, (_, i) => {
        const caption = captions?.[i];
        if (items.kind === 'image') {
          return (
            <figure key={i} className="item">
              <DigitCanvas pixels={imageAt(items.pixels, i)} display={48} title={caption ?? `${label} ${i + 1}`} />
              {caption && <figcaption>{caption}</figcaption>}
            </figure>
          );
        }
        const seq = items.sequences[i] as QuantizedNoteSequence;
        const picture =
          items.music === 'drums' ? (
            <DrumGrid seq={seq} label={caption ?? `${label} ${i + 1}`} small />
          ) : (
            <PianoRoll seq={seq} span={span} cell={{ w: 4, h: 3 }} label={caption ?? `${label} ${i + 1}`} />
          );
        return (
          <figure key={i} className={`item${playing === i ? ' item-playing' : ''}`}>
            {onPlay ? (
              <button
                type="button"
                className="roll-button"
                onClick={() => onPlay(seq, i)}
                aria-label={`Play ${caption ?? `${label} ${i + 1}`}`}
                data-testid={testId ? `${testId}-play` : undefined}
              >
                {picture}
              </button>
            ) : (
              picture
            )}
            {caption && <figcaption>{caption}</figcaption>}
          </figure>
        );
      })}
    </div>
  );
}

'use client';
/**
 * Items as a learner sees them, by media kind (not by domain): grey images as pictures, melodies
 * as piano rolls, drum patterns as step grids, sounds as waveforms, anything else as a small bar
 * chart of its numbers. Items that can be heard are buttons that play themselves.
 */
import type { DisplayItems } from '@/lib/compare/protocol';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { DigitCanvas } from './DigitCanvas';
import { DrumGrid } from './DrumGrid';
import { PianoRoll, pitchSpanOf } from './PianoRoll';
import { Waveform } from './Waveform';

export interface ItemViewProps {
  items: DisplayItems;
  /** Caption under each item (e.g. "step 3", "#12 · 7"). */
  captions?: readonly string[];
  /** Plays item `index` (items that can be heard). */
  onPlay?: (index: number) => void;
  /** Index of the item that is sounding. */
  playing?: number;
  /** Items per row (keeps strips like A … B on one line). */
  columns?: number;
  testId?: string;
  label: string;
}

/** How many items a display holds. */
export function itemCount(items: DisplayItems): number {
  switch (items.kind) {
    case 'image':
    case 'vector':
      return items.count;
    case 'sequence':
      return items.sequences.length;
    case 'audio':
      return items.clips.length;
  }
}

/** True when the items can be heard. */
export function isAudible(items: DisplayItems): boolean {
  return items.kind === 'sequence' || items.kind === 'audio';
}

function VectorBars({ values, title }: { values: Float32Array; title: string }) {
  const max = Math.max(1e-9, ...Array.from(values, Math.abs));
  const w = 64;
  const h = 32;
  const step = w / Math.max(1, values.length);
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={title}>
      <title>{title}</title>
      <line x1={0} x2={w} y1={h / 2} y2={h / 2} stroke="currentColor" strokeOpacity={0.3} />
      {Array.from(values, (v, i) => (
        <rect key={i} x={i * step} width={Math.max(1, step - 0.5)} y={v >= 0 ? h / 2 - (v / max) * (h / 2) : h / 2} height={(Math.abs(v) / max) * (h / 2)} />
      ))}
    </svg>
  );
}

export function ItemView({ items, captions, onPlay, playing, columns, testId, label }: ItemViewProps) {
  const count = itemCount(items);
  const style = columns ? { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` } : undefined;
  const span = items.kind === 'sequence' ? pitchSpanOf(items.sequences) : undefined;
  return (
    <div className={`item-grid item-grid-${items.kind}`} style={style} role="group" aria-label={label} data-testid={testId} data-count={count}>
      {Array.from({ length: count }, (_, i) => {
        const caption = captions?.[i];
        const title = caption ?? `${label} ${i + 1}`;
        let picture;
        switch (items.kind) {
          case 'image': {
            const size = items.width * items.height;
            picture = <DigitCanvas pixels={items.pixels.subarray(i * size, (i + 1) * size)} size={items.width} display={48} title={title} />;
            break;
          }
          case 'vector':
            picture = <VectorBars values={items.values.subarray(i * items.dims, (i + 1) * items.dims)} title={title} />;
            break;
          case 'audio':
            picture = <Waveform samples={items.clips[i] ?? new Float32Array()} width={96} height={36} title={items.titles?.[i] ?? title} />;
            break;
          case 'sequence': {
            const seq = items.sequences[i] as QuantizedNoteSequence;
            picture =
              items.music === 'drums' ? <DrumGrid seq={seq} label={title} small /> : <PianoRoll seq={seq} span={span} cell={{ w: 4, h: 3 }} label={title} />;
            break;
          }
        }
        const audible = isAudible(items) && onPlay;
        return (
          <figure key={i} className={`item${playing === i ? ' item-playing' : ''}`}>
            {audible ? (
              <button
                type="button"
                className="roll-button"
                onClick={() => onPlay(i)}
                aria-label={`Play ${title}`}
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

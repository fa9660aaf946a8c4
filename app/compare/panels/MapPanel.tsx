'use client';
/** The Map panel: the codes in 2-D (PCA or UMAP), hover to see or hear an item, click for its nearest neighbours. */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';
import { NumberField } from '@/app/_components/NumberField';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { mapNumbers, num, pct } from '@/lib/compare/numbers';
import type { DisplayItems } from '@/lib/compare/protocol';
import { columnKeys } from '@/lib/compare/url-state';
import { ItemView } from '@/app/_components/media/ItemView';
import { SideCard, type SideContext } from './shared';

export interface MapInteraction {
  hovered: number | undefined;
  selected: number | undefined;
  neighbours: number[];
  onHover: (index: number) => void;
  onSelect: (index: number) => void;
}

export function MapSide({ ctx, interaction }: { ctx: SideContext; interaction: MapInteraction }) {
  const labels = ctx.info.labels;
  // The figure's listeners outlive renders: they call the latest handlers through this ref.
  const handlers = useRef(interaction);
  useEffect(() => {
    handlers.current = interaction;
  });
  const distinct = new Set(labels).size;
  return (
    <SideCard panel="map" ctx={ctx} numbers={mapNumbers}>
      {(r) => {
        const umap = ctx.url.proj === 'umap' ? r.umap : null;
        const points = umap ?? r.pca;
        const axes = umap
          ? ['UMAP 1', 'UMAP 2']
          : r.report.axes === 'code'
            ? ['z₁', 'z₂']
            : [`PC 1 (${pct(r.report.explained[0])})`, `PC 2 (${pct(r.report.explained[1])})`];
        const data = labels.map((label, i) => ({ i, x: points[i * 2] ?? 0, y: points[i * 2 + 1] ?? 0, label }));
        const marked = [interaction.selected, ...interaction.neighbours]
          .filter((i): i is number => i !== undefined)
          .map((i) => data[i])
          .filter((d) => d !== undefined);
        return (
          <>
            {ctx.url.proj === 'umap' && !r.umap && <p className="muted">Computing the UMAP layout…</p>}
            <PlotFigure
              label={`Map of the ${ctx.info.itemName} codes, coloured by ${ctx.info.header.data.labelName}`}
              testId={`figure-map-${ctx.column}`}
              deps={[points, interaction.selected, interaction.neighbours.join(',')]}
              render={() => {
                const figure = Plot.plot({
                  width: 460,
                  height: 400,
                  x: { label: axes[0] },
                  y: { label: axes[1] },
                  color: { type: 'categorical', scheme: 'observable10', legend: distinct <= 12, label: ctx.info.header.data.labelName },
                  marks: [
                    Plot.dot(data, { x: 'x', y: 'y', fill: 'label', r: 2.2, fillOpacity: 0.7 }),
                    Plot.dot(marked, { x: 'x', y: 'y', r: 6, stroke: 'currentColor', strokeWidth: 1.5 }),
                    Plot.dot(data, Plot.pointer({ x: 'x', y: 'y', r: 8, stroke: 'currentColor', strokeWidth: 2 })),
                  ],
                });
                const current = (): number | undefined => {
                  const v: unknown = (figure as unknown as { value: unknown }).value;
                  return v && typeof v === 'object' && 'i' in v && typeof v.i === 'number' ? v.i : undefined;
                };
                figure.addEventListener('input', () => {
                  const i = current();
                  if (i !== undefined) handlers.current.onHover(i);
                });
                figure.addEventListener('click', () => {
                  const i = current();
                  if (i !== undefined) handlers.current.onSelect(i);
                });
                return figure;
              }}
            />
          </>
        );
      }}
    </SideCard>
  );
}

/** The hover box and nearest-neighbour list under the map of a side. */
export function MapDetails({
  ctx,
  hovered,
  neighbours,
  onSelect,
}: {
  ctx: SideContext;
  hovered: { index: number; items: DisplayItems } | undefined;
  neighbours: { index: number; indices: number[]; distances: number[]; items: DisplayItems } | undefined;
  onSelect: (index: number) => void;
}) {
  const labels = ctx.info.labels;
  const selected = ctx.url[columnKeys(ctx.column).select];
  return (
    <div className="map-details">
      <div className="controls">
        <label>
          Neighbours of {ctx.info.itemName} #{' '}
          <NumberField value={selected ?? 0} min={0} max={labels.length - 1} onCommit={onSelect} data-testid={`select-${ctx.column}`} />
        </label>
        <span className="muted small">0–{labels.length - 1}; or click a dot</span>
      </div>
      <div className="hover-box" data-testid={`hover-${ctx.column}`} data-index={hovered?.index}>
        {hovered ? (
          <>
            <ItemView items={hovered.items} label="Hovered item" onPlay={() => ctx.play(hovered.items, `hover-${ctx.column}`, 0)} />
            <span className="muted">
              #{hovered.index}, {ctx.info.header.data.labelName} {labels[hovered.index]}
            </span>
          </>
        ) : (
          <span className="muted">Hover a dot to {ctx.audible ? 'see and hear' : 'see'} the item; click it for its nearest neighbours.</span>
        )}
      </div>
      {neighbours && (
        <div data-testid={`neighbours-${ctx.column}`} data-index={neighbours.index}>
          <p className="small">
            Nearest to #{neighbours.index} ({labels[neighbours.index]}) by {ctx.url.metric} distance in z — the first is the item itself:
          </p>
          <ItemView
            items={neighbours.items}
            label="Nearest neighbours"
            captions={[`#${neighbours.index} itself`, ...neighbours.indices.map((i, k) => `#${i} · ${labels[i]} · ${num(neighbours.distances[k], 2)}`)]}
            onPlay={(i) => ctx.play(neighbours.items, `neighbours-${ctx.column}`, i)}
            playing={ctx.playing?.group === `neighbours-${ctx.column}` ? ctx.playing.index : undefined}
            testId={`items-neighbours-${ctx.column}`}
          />
        </div>
      )}
    </div>
  );
}

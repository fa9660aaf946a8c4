'use client';
/** The Compare lab's panels, one section each: learner text, controls, and one card per column. */
import type { ReactNode } from 'react';
import type { CompareColumn } from '@/lib/compare/columns';
import type { DisplayItems } from '@/lib/compare/protocol';
import { columnKeys, type CompareUrlState } from '@/lib/compare/url-state';
import { COMPARE_PANELS, type ComparePanel } from '@/lib/latent/compare/options';
import { AttributesSide } from './panels/AttributesPanel';
import { HolesSide } from './panels/HolesPanel';
import { MapDetails, MapSide } from './panels/MapPanel';
import { PathsSide } from './panels/PathsPanel';
import type { SideContext } from './panels/shared';
import { UnitsSide } from './panels/UnitsPanel';
import { PANEL_TEXTS, PANEL_TITLES } from './texts';
import type { ColumnState } from './useColumn';

type Neighbours = { index: number; indices: number[]; distances: number[]; items: DisplayItems };

export interface ComparePanelsProps {
  columns: readonly ColumnState[];
  url: CompareUrlState;
  setParams(patch: Partial<CompareUrlState>): void;
  onError(message: string): void;
  play(items: DisplayItems, group: string, index: number): void;
  playing: { group: string; index: number } | undefined;
  hovered: Partial<Record<CompareColumn, { index: number; items: DisplayItems }>>;
  neighbours: Partial<Record<CompareColumn, Neighbours>>;
  onHover(column: CompareColumn, index: number): void;
  controls(panel: ComparePanel): ReactNode;
}

export function ComparePanels(p: ComparePanelsProps) {
  const ctx = (c: ColumnState, panel: ComparePanel): SideContext | undefined => {
    const info = c.side.info;
    if (!info) return undefined;
    return {
      column: c.column,
      title: c.domain.compare?.title ?? c.domain.title,
      info,
      view: c.side.panels[panel],
      url: p.url,
      setParams: p.setParams,
      onError: p.onError,
      onRetry: () => c.side.retry(panel),
      onCancel: c.side.cancel,
      audible: c.domain.compare?.media === 'sequence' || c.domain.compare?.media === 'audio',
      play: p.play,
      playing: p.playing,
    };
  };
  return (
    <>
      {COMPARE_PANELS.map((panel) => (
        <section key={panel} className="compare-panel" aria-labelledby={`h-${panel}`} data-testid={`panel-${panel}`}>
          <h2 id={`h-${panel}`}>{PANEL_TITLES[panel]}</h2>
          <div className="learner-text">
            {PANEL_TEXTS[panel].map((t) => (
              <p key={t}>{t}</p>
            ))}
          </div>
          {p.controls(panel)}
          <div className="compare-columns">
            {p.columns.map((c) => {
              const side = ctx(c, panel);
              if (!side)
                return (
                  <div key={c.column} className="card compare-side muted">
                    {c.side.loading ? 'Loading…' : 'No model loaded yet.'}
                  </div>
                );
              const selected = p.url[columnKeys(c.column).select];
              const near = selected !== undefined && p.neighbours[c.column]?.index === selected ? p.neighbours[c.column] : undefined;
              const select = (i: number) => p.setParams({ [columnKeys(c.column).select]: i });
              switch (panel) {
                case 'map':
                  return (
                    <div key={c.column}>
                      <MapSide
                        ctx={side}
                        interaction={{
                          hovered: p.hovered[c.column]?.index,
                          selected,
                          neighbours: near?.indices ?? [],
                          onHover: (i) => p.onHover(c.column, i),
                          onSelect: select,
                        }}
                      />
                      <MapDetails ctx={side} hovered={p.hovered[c.column]} neighbours={near} onSelect={select} />
                    </div>
                  );
                case 'units':
                  return <UnitsSide key={c.column} ctx={side} />;
                case 'paths':
                  return <PathsSide key={c.column} ctx={side} />;
                case 'holes':
                  return <HolesSide key={c.column} ctx={side} />;
                case 'attributes':
                  return <AttributesSide key={c.column} ctx={side} />;
              }
            })}
          </div>
        </section>
      ))}
    </>
  );
}

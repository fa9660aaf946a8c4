'use client';
/** The controls above a Compare panel: map projection and metric, walks, and each column's attribute groups. */
import { COMPARE_COLUMNS } from '@/lib/compare/columns';
import { columnKeys, formatGroups, parseGroups, type CompareUrlState } from '@/lib/compare/url-state';
import { MAP_PROJECTIONS, NEIGHBOUR_METRICS, PATH_MODES, type ComparePanel } from '@/lib/latent/compare/options';
import type { ColumnState } from './useColumn';

export interface PanelControlsProps {
  panel: ComparePanel;
  url: CompareUrlState;
  setParams(patch: Partial<CompareUrlState>): void;
  columns: readonly ColumnState[];
  /** The map's "play on hover" switch and the sound state, shown with the map's controls. */
  sound: React.ReactNode;
}

function GroupsControl({ state, url, setParams }: { state: ColumnState; url: CompareUrlState; setParams: PanelControlsProps['setParams'] }) {
  const info = state.side.info;
  if (!info) return null;
  const key = columnKeys(state.column).groups;
  const current = url[key] ?? formatGroups(info.defaultGroups);
  const labels = [...new Set(info.labels)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const parsed = parseGroups(current);
  const pair = parsed?.kind === 'label' ? parsed : undefined;
  const title = state.domain.compare?.title ?? state.domain.title;
  return (
    <fieldset className="controls group-picker">
      <legend>
        {state.column.toUpperCase()} · {title}: groups
      </legend>
      <select
        value={parsed?.kind === 'attribute' ? parsed.id : 'label'}
        onChange={(e) => setParams({ [key]: e.target.value === 'label' ? `${labels[0] ?? ''}:${labels[1] ?? ''}` : e.target.value })}
        aria-label={`${title} groups by`}
        data-testid={`groups-${state.column}`}
      >
        {info.attributes.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}: low → high
          </option>
        ))}
        <option value="label">two {info.header.data.labelName}s</option>
      </select>
      {pair &&
        labels.length <= 200 &&
        (['a', 'b'] as const).map((which) => (
          <select
            key={which}
            value={pair[which]}
            onChange={(e) => setParams({ [key]: which === 'a' ? `${e.target.value}:${pair.b}` : `${pair.a}:${e.target.value}` })}
            aria-label={`${title} group ${which.toUpperCase()}`}
          >
            {labels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        ))}
    </fieldset>
  );
}

export function PanelControls({ panel, url, setParams, columns, sound }: PanelControlsProps) {
  switch (panel) {
    case 'map':
      return (
        <div className="controls">
          <label>
            Picture{' '}
            <select value={url.proj} onChange={(e) => setParams({ proj: MAP_PROJECTIONS.find((p) => p === e.target.value) })} data-testid="map-projection">
              {MAP_PROJECTIONS.map((p) => (
                <option key={p} value={p}>
                  {p === 'pca' ? 'PCA (a flat shadow, fast)' : 'UMAP (keeps neighbours, slower)'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Neighbours by{' '}
            <select value={url.metric} onChange={(e) => setParams({ metric: NEIGHBOUR_METRICS.find((m) => m === e.target.value) })} data-testid="map-metric">
              {NEIGHBOUR_METRICS.map((m) => (
                <option key={m} value={m}>
                  {m === 'cosine' ? 'cosine (direction)' : 'Euclidean (straight line)'}
                </option>
              ))}
            </select>
          </label>
          {sound}
        </div>
      );
    case 'paths':
      return (
        <div className="controls">
          <label>
            Show{' '}
            <select value={url.mode} onChange={(e) => setParams({ mode: PATH_MODES.find((m) => m === e.target.value) })} data-testid="paths-mode">
              {PATH_MODES.map((m) => (
                <option key={m} value={m}>
                  {m === 'lerp' ? 'lerp (straight line)' : 'slerp (along the sphere)'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Walks{' '}
            <select value={url.pairs} onChange={(e) => setParams({ pairs: Number(e.target.value) })} data-testid="paths-pairs">
              {[8, 16, 24, 32, 48, 64].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
      );
    case 'attributes':
      return (
        <div className="controls">
          {COMPARE_COLUMNS.map((c) => {
            const state = columns.find((s) => s.column === c);
            return state ? <GroupsControl key={c} state={state} url={url} setParams={setParams} /> : null;
          })}
        </div>
      );
    default:
      return null;
  }
}

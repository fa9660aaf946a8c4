'use client';
/**
 * The Compare lab: two columns, each a domain's model on its data (images beside melodies by
 * default; any domain with a Compare side — see lib/domains), through the same analyses
 * (lib/latent/compare, run in the model worker). Settings live in the URL (lib/compare/url-state);
 * uploaded files, which cannot, are kept on the page and said so.
 */
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { downloadFile } from '@/app/_components/download';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { isAudible } from '@/app/_components/media/ItemView';
import { usePlayer } from '@/app/_components/media/usePlayer';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { useBackendStore } from '@/app/_state/backend-store';
import { request } from '@/app/_workers/client';
import type { CompareColumn } from '@/lib/compare/columns';
import type { DisplayItems, PanelSettings } from '@/lib/compare/protocol';
import { columnKeys, columnValue, compareUrl, parseGroups, readCompareUrl, type CompareUrlState } from '@/lib/compare/url-state';
import { describeError } from '@/lib/core/errors';
import { domainById } from '@/lib/domains';
import { COMPARE_PANELS, type ComparePanel } from '@/lib/latent/compare/options';
import { compareReportCsv, compareReportSchema, type CompareReport, type SideReport } from '@/lib/latent/compare/report';
import { emptyQuantizedSequence } from '@/lib/music/note-sequence';
import { ComparePanels } from './ComparePanels';
import { PanelControls } from './PanelControls';
import { ColumnSetup } from './setup/ColumnSetup';
import { useCatalog } from './useCatalog';
import { useColumn, type ColumnState } from './useColumn';
import type { CompareSideState, PanelRequest } from './useCompareSide';

/** What each panel's computation depends on, for one column. */
function panelRequests(url: CompareUrlState, groups: string | undefined): Record<ComparePanel, PanelRequest> {
  const parsed = groups ? parseGroups(groups) : undefined;
  const settings: PanelSettings = { seed: url.seed, k: url.k, umap: url.proj === 'umap', pairs: url.pairs, ...(parsed ? { groups: parsed } : {}) };
  return {
    map: { key: `${url.k}|${url.proj}|${url.seed}`, settings },
    units: { key: '', settings },
    paths: { key: `${url.pairs}|${url.seed}`, settings },
    holes: { key: `${url.seed}`, settings },
    attributes: { key: `${groups ?? ''}|${url.seed}`, settings },
  };
}

/** The report of one column as far as its panels have been computed; `side` names it (domain, or domain-b when both show one domain). */
function sideReport(state: CompareSideState, side: string): SideReport | null {
  const info = state.info;
  if (!info) return null;
  const report: Record<string, unknown> = { ...info.header, side, seconds: { encode: info.encodeSeconds } };
  for (const panel of COMPARE_PANELS) {
    const view = state.panels[panel];
    if (view?.result && !view.running) {
      report[panel] = view.result.report;
      if (view.seconds !== undefined) (report.seconds as Record<string, number>)[panel] = view.seconds;
    }
  }
  return report as SideReport;
}

export function CompareApp() {
  const { state: url, set } = useTypedUrlState(compareUrl);
  const search = useSearchParams().toString();
  const problems = useMemo(() => readCompareUrl(new URLSearchParams(search)).problems, [search]);
  const backend = useBackendStore((s) => s.state);
  const startBackend = useBackendStore((s) => s.start);
  useEffect(() => startBackend(), [startBackend]);
  const ready = backend.status === 'ready';
  // Leaving the page frees the comparison's models and codes in the worker (the labs keep theirs).
  useEffect(() => () => void request({ type: 'compare:dispose' }, 'ok').catch(() => undefined), []);
  const [error, setError] = useState<string>();
  const onError = useCallback((m: string) => setError(m), []);
  /** Writes settings to the URL; a value the link cannot hold (e.g. a malformed checkpoint URL) is said, not thrown. */
  const setParams = useCallback(
    (patch: Partial<CompareUrlState>) => {
      try {
        set(patch);
      } catch (e) {
        const issues = e instanceof Error && 'issues' in e && Array.isArray(e.issues) ? (e.issues[0] as { message?: unknown } | undefined) : undefined;
        setError(`That ${Object.keys(patch).join(', ')} cannot be used (${issues ? String(issues.message ?? '') : describeError(e)}).`);
      }
    },
    [set],
  );
  const catalog = useCatalog(onError);
  const player = usePlayer(onError);
  const [playing, setPlaying] = useState<{ group: string; index: number }>();
  const [soundOnHover, setSoundOnHover] = useState(false);

  const a = useColumn('a', url, panelRequests(url, url.agroups), ready);
  const b = useColumn('b', url, panelRequests(url, url.bgroups), ready);
  const columns: readonly ColumnState[] = [a, b];
  const sideName = (c: ColumnState): string => (a.domain.id === b.domain.id && c.column === 'b' ? `${c.domain.id}-b` : c.domain.id);

  const play = useCallback(
    (items: DisplayItems, group: string, index: number) => {
      if (items.kind !== 'sequence') return;
      const seq = items.sequences[index];
      if (!seq) return;
      setPlaying({ group, index });
      void player.play(group, [seq], { kind: items.music, qpm: 120, loop: false });
    },
    [player],
  );

  // ---- hover and selection ----
  const [hovered, setHovered] = useState<Partial<Record<CompareColumn, { index: number; items: DisplayItems }>>>({});
  const [neighbours, setNeighbours] = useState<Partial<Record<CompareColumn, { index: number; indices: number[]; distances: number[]; items: DisplayItems }>>>(
    {},
  );
  const hover = useCallback(
    (column: CompareColumn, index: number) => {
      if (hovered[column]?.index === index) return;
      request({ type: 'compare:items', column, indices: [index] }, 'compare:items:done')
        .then((r) => {
          setHovered((h) => ({ ...h, [column]: { index, items: r.items } }));
          if (soundOnHover && player.audio === 'running' && isAudible(r.items)) play(r.items, `hover-${column}`, 0);
        })
        .catch(() => undefined);
    },
    [hovered, soundOnHover, player.audio, play],
  );
  const loadNos = `${a.side.info?.load}|${b.side.info?.load}`;
  useEffect(() => {
    for (const c of columns) {
      const index = url[columnKeys(c.column).select];
      const info = c.side.info;
      if (index === undefined || !info || index >= info.header.data.items) continue;
      request({ type: 'compare:neighbours', column: c.column, index, metric: url.metric, k: url.k }, 'compare:neighbours:done')
        .then((r) => setNeighbours((n) => ({ ...n, [c.column]: r })))
        .catch((e: unknown) => setError(describeError(e)));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url.asel, url.bsel, url.metric, url.k, loadNos]);

  // ---- exports ----
  const exportAll = (format: 'json' | 'csv') => {
    try {
      const report: CompareReport = compareReportSchema.parse({
        format: 'latent-lab-compare',
        version: 2,
        createdAt: new Date().toISOString(),
        seed: url.seed,
        backend: backend.status === 'ready' ? backend.info.backend : 'unknown',
        sides: columns.flatMap((c) => sideReport(c.side, sideName(c)) ?? []),
      });
      if (format === 'json') downloadFile(JSON.stringify(report, null, 2) + '\n', 'latent-lab-compare.json', 'application/json');
      else downloadFile(compareReportCsv(report), 'latent-lab-compare.csv', 'text/csv');
    } catch (e) {
      setError(`Could not export: ${describeError(e)}`);
    }
  };
  const allReady = COMPARE_PANELS.every((p) => columns.every((c) => c.side.panels[p]?.result && !c.side.panels[p]?.running));
  const anyInfo = columns.some((c) => c.side.info);

  const sound = (
    <>
      <label>
        <input
          type="checkbox"
          checked={soundOnHover}
          onChange={(e) => setSoundOnHover(e.target.checked)}
          onClick={() => !soundOnHover && void player.play('hover-start', [emptyQuantizedSequence(32)], { kind: 'melody', qpm: 120, loop: false })}
          data-testid="sound-on-hover"
        />{' '}
        Play on hover
      </label>
      <span
        className="muted small"
        data-testid="audio-state"
        data-state={player.audio}
        data-ticks={player.playing?.ticks ?? 0}
        data-group={player.playing?.group ?? ''}
      >
        {player.audio === 'blocked'
          ? 'This browser blocked sound: click again to allow it.'
          : player.audio === 'running'
            ? 'Sound on.'
            : 'Sound starts with a click.'}
      </span>
    </>
  );

  return (
    <div className="compare-lab">
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      {problems.length > 0 && (
        <div className="notice" data-testid="url-problems">
          This link had settings that could not be used: {problems.map((p) => p.message).join(' ')}
        </div>
      )}
      {!ready && backend.status !== 'error' && <p className="muted">Starting TF.js in the model worker…</p>}
      {backend.status === 'error' && (
        <p role="alert" className="notice notice-error">
          The model worker could not start: {backend.message}
        </p>
      )}
      <div className="compare-columns">
        {columns.map((c) => {
          const keys = columnKeys(c.column);
          const side = c.domain.compare;
          if (!side) return null;
          return (
            <ColumnSetup
              key={c.column}
              column={c.column}
              domainId={c.domain.id}
              side={side}
              catalog={catalog[c.domain.id] ?? []}
              model={c.model}
              count={c.count}
              extra={c.extra}
              ready={ready}
              onDomain={(id) => {
                const next = domainById(id);
                if (!next?.compare) return;
                c.setExtra(undefined);
                setParams({
                  [keys.model]: columnValue(id, next.compare.defaultModel),
                  [keys.count]: undefined,
                  [keys.select]: undefined,
                  [keys.groups]: undefined,
                });
              }}
              onModel={(model) => {
                if (model !== 'files' && model !== 'folder') c.setExtra(undefined);
                setParams({ [keys.model]: columnValue(c.domain.id, model), [keys.select]: undefined, [keys.groups]: undefined });
              }}
              onCount={(n) => setParams({ [keys.count]: n, [keys.select]: undefined })}
              onExtra={(extra, model) => {
                c.setExtra(extra);
                setParams({ ...(model ? { [keys.model]: columnValue(c.domain.id, model) } : {}), [keys.select]: undefined, [keys.groups]: undefined });
              }}
              onError={onError}
              info={c.side.info}
              loading={c.side.loading}
              loadError={c.side.loadError}
              onCancel={c.side.cancel}
            />
          );
        })}
      </div>

      <div className="card controls export-all">
        <strong>All numbers</strong>
        <button type="button" onClick={() => exportAll('json')} disabled={!anyInfo} data-testid="export-json">
          JSON
        </button>
        <button type="button" onClick={() => exportAll('csv')} disabled={!anyInfo} data-testid="export-csv">
          CSV
        </button>
        <span className="muted small" data-testid="compare-status" data-ready={allReady ? '1' : '0'}>
          {allReady ? 'Every panel is computed for both columns.' : 'Panels appear as they are computed; the files hold what is ready.'} The same numbers come
          from <code>npm run compare</code>.
        </span>
      </div>

      <ComparePanels
        columns={columns}
        url={url}
        setParams={setParams}
        onError={onError}
        play={play}
        playing={playing}
        hovered={hovered}
        neighbours={neighbours}
        onHover={hover}
        controls={(panel) => <PanelControls panel={panel} url={url} setParams={setParams} columns={columns} sound={sound} />}
      />
    </div>
  );
}

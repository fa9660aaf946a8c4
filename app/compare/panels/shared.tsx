'use client';
/**
 * What every Compare panel's column card shares: the context it gets, the card (title, progress,
 * error, figure, numbers table, SVG/PNG/CSV export).
 */
import { useRef, type ReactNode } from 'react';
import { downloadFile } from '@/app/_components/download';
import { ProgressBar } from '@/app/_components/ProgressBar';
import type { CompareColumn } from '@/lib/compare/columns';
import type { NumberRow } from '@/lib/compare/numbers';
import type { DisplayItems, PanelResult, SideInfo } from '@/lib/compare/protocol';
import type { CompareUrlState } from '@/lib/compare/url-state';
import { describeError } from '@/lib/core/errors';
import type { ComparePanel } from '@/lib/latent/compare/options';
import { reportRows, rowsToCsv, type SideReport } from '@/lib/latent/compare/report';
import { downloadFigure } from '../figure-export';
import type { PanelView } from '../useCompareSide';

/** What every side panel gets. */
export interface SideContext {
  /** The column (a, b): test ids and file names use it. */
  column: CompareColumn;
  /** The column's heading ("Images", "Melodies"). */
  title: string;
  info: SideInfo;
  view: PanelView | undefined;
  url: CompareUrlState;
  setParams: (patch: Partial<CompareUrlState>) => void;
  onError: (message: string) => void;
  onRetry: () => void;
  /** Stops the panel that is computing. */
  onCancel: () => void;
  /** True when the column's items can be heard (note sequences, sounds). */
  audible: boolean;
  /** Plays item `index` of `items`; `group` + `index` say which picture is sounding. */
  play: (items: DisplayItems, group: string, index: number) => void;
  playing: { group: string; index: number } | undefined;
}

export type ResultOf<P extends ComparePanel> = Extract<PanelResult, { panel: P }>;

/** The side's report with one panel's numbers (for the panel's CSV). */
function sideReportWith(info: SideInfo, result: PanelResult, seconds: number | undefined): SideReport {
  return { ...info.header, [result.panel]: result.report, seconds: seconds === undefined ? {} : { [result.panel]: seconds } } as SideReport;
}

export function NumbersTable({ rows, testId }: { rows: NumberRow[]; testId: string }) {
  return (
    <table className="numbers" data-testid={testId}>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A side's card within a panel: title, progress, error, figure, numbers, exports. */
export function SideCard<P extends ComparePanel>({
  panel,
  ctx,
  numbers,
  children,
}: {
  panel: P;
  ctx: SideContext;
  numbers: (r: ResultOf<P>) => NumberRow[];
  children: (r: ResultOf<P>) => ReactNode;
}) {
  const host = useRef<HTMLDivElement>(null);
  const { view, info, column: side, title: sideTitle } = ctx;
  const result = view?.result?.panel === panel ? (view.result as ResultOf<P>) : undefined;
  const name = `compare-${panel}-${side}-${info.header.model.name}`;
  const title = `${sideTitle} · ${info.header.model.name} — ${panel}`;
  const save = (format: 'svg' | 'png') => downloadFigure(host.current, name, title, format).catch((e: unknown) => ctx.onError(describeError(e)));
  return (
    <div className={`card compare-side compare-side-${info.domain}`} data-testid={`panel-${panel}-${side}`} data-ready={result && !view?.running ? '1' : '0'}>
      <h3>
        {sideTitle} <span className="muted">· {info.header.model.name}</span>
      </h3>
      {view?.running && (
        <div className="controls">
          <div className="grow">
            <ProgressBar
              label={
                view.progress
                  ? `${view.progress.label} (${view.progress.done.toLocaleString('en')} of ${view.progress.total.toLocaleString('en')})`
                  : 'Waiting for the model worker…'
              }
              fraction={view.progress ? view.progress.done / Math.max(1, view.progress.total) : 0}
            />
          </div>
          <button type="button" onClick={ctx.onCancel} data-testid={`cancel-${panel}-${side}`}>
            Cancel
          </button>
        </div>
      )}
      {view?.error && (
        <div role="alert" className="notice notice-error">
          {view.error}{' '}
          <button type="button" className="link-button" onClick={ctx.onRetry}>
            Run again
          </button>
        </div>
      )}
      {result && (
        <>
          <div ref={host} className={view?.running ? 'stale' : undefined}>
            {children(result)}
          </div>
          <NumbersTable rows={numbers(result)} testId={`numbers-${panel}-${side}`} />
          <div className="controls export-row">
            <span className="muted">Save:</span>
            <button type="button" onClick={() => void save('svg')} data-testid={`export-svg-${panel}-${side}`}>
              SVG
            </button>
            <button type="button" onClick={() => void save('png')} data-testid={`export-png-${panel}-${side}`}>
              PNG
            </button>
            <button
              type="button"
              onClick={() => downloadFile(rowsToCsv(reportRows(sideReportWith(info, result, view?.seconds), panel)), `${name}.csv`, 'text/csv')}
              data-testid={`export-csv-${panel}-${side}`}
            >
              CSV
            </button>
            {view?.seconds !== undefined && <span className="muted small">computed in {view.seconds.toFixed(1)} s</span>}
          </div>
        </>
      )}
    </div>
  );
}

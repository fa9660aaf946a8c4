'use client';
/**
 * One Compare column's setup: which domain it shows (any domain with a Compare side), that domain's
 * own setup (or the generic one), and the loaded model with real progress and a Cancel button.
 */
import type { ComponentType } from 'react';
import { ProgressBar } from '@/app/_components/ProgressBar';
import type { SideInfo } from '@/lib/compare/protocol';
import { DOMAINS } from '@/lib/domains';
import type { Progress } from '../useCompareSide';
import { GenericSetup } from './GenericSetup';
import { ImageSetup } from './ImageSetup';
import { MusicSetup } from './MusicSetup';
import type { SetupProps } from './types';

/** Domains with a setup of their own; any other domain gets {@link GenericSetup}. */
const SETUPS: Readonly<Record<string, ComponentType<SetupProps>>> = { image: ImageSetup, melody: MusicSetup, drums: MusicSetup };

function Status({
  info,
  loading,
  loadError,
  onCancel,
  column,
}: {
  info?: SideInfo;
  loading?: Progress;
  loadError?: string;
  onCancel: () => void;
  column: string;
}) {
  return (
    <>
      {loading && (
        <div className="controls">
          <div className="grow">
            <ProgressBar
              label={`${loading.label}${loading.total > 1 ? ` (${loading.done.toLocaleString('en')} of ${loading.total.toLocaleString('en')})` : ''}`}
              fraction={loading.done / Math.max(1, loading.total)}
              testId={`loading-${column}`}
            />
          </div>
          <button type="button" onClick={onCancel} data-testid={`cancel-${column}`}>
            Cancel
          </button>
        </div>
      )}
      {loadError && (
        <p role="alert" className="notice notice-error" data-testid={`load-error-${column}`}>
          {loadError}
        </p>
      )}
      {info && (
        <div className="small" data-testid={`info-${column}`} data-domain={info.domain} data-model={info.header.model.name} data-items={info.header.data.items}>
          <strong>{info.header.model.name}</strong> — {info.header.model.description}. Code: {info.header.model.zDims} numbers
          {info.header.model.hasSigma ? ' with σ' : ', no σ'} · {info.source}.
          <br />
          <span className="muted">
            Data: {info.header.data.name} — {info.header.data.items.toLocaleString('en')} {info.itemsName}, labelled by {info.header.data.labelName} (
            {info.header.data.labels} kinds). Encoded in {info.encodeSeconds.toFixed(1)} s.
          </span>
          {info.notes.length > 0 && (
            <details>
              <summary>{info.notes.length === 1 ? '1 note' : `${info.notes.length} notes`} about the data</summary>
              <ul className="small">
                {info.notes.slice(0, 30).map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </>
  );
}

export interface ColumnSetupProps extends SetupProps {
  /** Shows another domain in this column (its default model). */
  onDomain(domainId: string): void;
  info?: SideInfo;
  loading?: Progress;
  loadError?: string;
  onCancel(): void;
}

export function ColumnSetup(p: ColumnSetupProps) {
  const Setup = SETUPS[p.domainId] ?? GenericSetup;
  return (
    <section className="card setup" aria-labelledby={`setup-${p.column}`} data-testid={`setup-${p.column}`}>
      <h2 id={`setup-${p.column}`}>
        <label>
          <span className="visually-hidden">Column {p.column.toUpperCase()} shows </span>
          <select value={p.domainId} onChange={(e) => p.onDomain(e.target.value)} data-testid={`domain-${p.column}`} className="heading-select">
            {DOMAINS.filter((d) => d.compare).map((d) => (
              <option key={d.id} value={d.id}>
                {d.compare?.title}
              </option>
            ))}
          </select>
        </label>
      </h2>
      <Setup key={p.domainId} {...p} />
      <Status info={p.info} loading={p.loading} loadError={p.loadError} onCancel={p.onCancel} column={p.column} />
      {p.extra?.note && <p className="muted small">{p.extra.note}</p>}
    </section>
  );
}

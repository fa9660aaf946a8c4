'use client';
/**
 * A Compare column as the page holds it: the domain and model from the URL (`a=image:vae`), the
 * files or choices kept on the page, and the load and panels of useCompareSide.
 */
import { useMemo, useState } from 'react';
import type { RequestBody } from '@/app/_workers/client';
import type { CompareColumn } from '@/lib/compare/columns';
import { columnKeys, columnValue, compareUrl, parseColumnValue, type CompareUrlState } from '@/lib/compare/url-state';
import type { DomainDescriptor } from '@/lib/domains/types';
import type { ColumnExtra } from './setup/types';
import { useCompareSide, type CompareSideState, type PanelRequest } from './useCompareSide';
import type { ComparePanel } from '@/lib/latent/compare/options';

export interface ColumnState {
  column: CompareColumn;
  domain: DomainDescriptor;
  model: string;
  count: number;
  extra: ColumnExtra | undefined;
  setExtra(extra: ColumnExtra | undefined): void;
  side: CompareSideState;
}

export function useColumn(column: CompareColumn, url: CompareUrlState, panels: Record<ComparePanel, PanelRequest>, ready: boolean): ColumnState {
  const keys = columnKeys(column);
  // The URL reader only lets valid values through; the default is the fallback of last resort.
  const parsed = parseColumnValue(url[keys.model]) ?? parseColumnValue(compareUrl.defaults[keys.model]);
  if (!parsed) throw new Error(`The default of column ${column} is not a valid column value.`);
  const { domain, model } = parsed;
  // A domain's set may be smaller than the URL's count (111 timbre notes): its own limit applies.
  const count = Math.min(url[keys.count], domain.compare?.count.max ?? url[keys.count]);
  const [held, setHeld] = useState<{ domain: string; extra: ColumnExtra } | undefined>();
  // Files picked for another domain are not this domain's.
  const extra = held?.domain === domain.id ? held.extra : undefined;
  const load = useMemo((): { key: string; body: RequestBody } | undefined => {
    if (extra && !extra.ready) return undefined;
    return {
      key: `${columnValue(domain.id, model)}|${count}|${url.seed}|${extra?.key ?? ''}`,
      body: { type: 'compare:load', column, load: { domain: domain.id, model, count, seed: url.seed, ...(extra ? { extra: extra.value } : {}) } },
    };
  }, [column, domain.id, model, count, url.seed, extra]);
  const side = useCompareSide(column, load, panels, ready);
  return { column, domain, model, count, extra, setExtra: (e) => setHeld(e ? { domain: domain.id, extra: e } : undefined), side };
}

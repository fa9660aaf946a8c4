/**
 * What a Compare column's setup (one per domain, or the generic one) gets and gives: the model in
 * the URL, the count, and the files or choices that cannot be in a link ("extra", kept on the page).
 */
import type { CompareColumn } from '@/lib/compare/columns';
import type { CompareSideInfo } from '@/lib/domains/types';
import type { CatalogEntry } from '../useCatalog';

/** Page-held choices of a column: sent with its load request; `key` changes when they change. */
export interface ColumnExtra {
  value: unknown;
  key: string;
  /** False while the user still has to pick something (e.g. "My MIDI files" chosen, no file yet). */
  ready: boolean;
  /** Said under the setup, e.g. that uploaded files stay on this page. */
  note?: string;
}

export interface SetupProps {
  column: CompareColumn;
  domainId: string;
  side: CompareSideInfo;
  catalog: readonly CatalogEntry[];
  /** The model part of the column's URL value. */
  model: string;
  count: number;
  extra: ColumnExtra | undefined;
  /** True once the model worker runs (setups may ask it things, e.g. saved models). */
  ready: boolean;
  onModel(model: string): void;
  onCount(n: number): void;
  /** New page-held choices; `model` also changes the URL's model (e.g. to "files"). */
  onExtra(extra: ColumnExtra | undefined, model?: string): void;
  onError(message: string): void;
}

'use client';
/**
 * The shipped models each domain can show in a Compare column, from models/manifest.json (each
 * domain's descriptor says which manifest kinds are its own). Before the manifest arrives, each
 * domain offers its default model.
 */
import { useEffect, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { manifestSchema } from '@/lib/core/model-manifest';
import { DOMAINS } from '@/lib/domains';

export interface CatalogEntry {
  /** The model's value in a column (the manifest id without the domain's folder, e.g. "vae"). */
  id: string;
  title: string;
  zDims: number;
}

export type Catalog = Readonly<Record<string, readonly CatalogEntry[]>>;

function fallback(): Catalog {
  return Object.fromEntries(DOMAINS.flatMap((d) => (d.compare ? [[d.id, [{ id: d.compare.defaultModel, title: d.compare.defaultModel, zDims: 0 }]]] : [])));
}

export function useCatalog(onError: (m: string) => void): Catalog {
  const [catalog, setCatalog] = useState<Catalog>(fallback);
  useEffect(() => {
    fetch('/models/manifest.json')
      .then(async (r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const m = manifestSchema.parse(await r.json());
        setCatalog(
          Object.fromEntries(
            DOMAINS.map((d) => [
              d.id,
              m.models
                .filter((e) => (d.manifestKinds as readonly string[]).includes(e.kind))
                .map((e) => ({ id: e.id.replace(new RegExp(`^${d.id}/`), ''), title: e.title, zDims: e.zDims })),
            ]),
          ),
        );
      })
      .catch((e: unknown) => onError(`Could not read the list of shipped models (models/manifest.json): ${describeError(e)}`));
  }, [onError]);
  return catalog;
}

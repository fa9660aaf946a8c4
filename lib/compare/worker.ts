/**
 * The Compare lab's worker part. Each column (a, b) holds its own model, data adapter and encoded
 * set — separate from the labs' models, so the labs and the comparison never dispose each other's
 * work. A column is loaded by the Compare side of the domain it shows (found among the router's
 * worker parts: any domain that has one can be compared, with no change here). Every panel is
 * lib/latent/compare's, run on request with real progress and cancellation; answers carry the load
 * they belong to.
 */
import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { InvalidInputError } from '../core/errors';
import type { LatentModel } from '../core/latent-model';
import { defineWorkerPart, typedPost } from '../domains/router';
import type { CompareSideLoader, HandlerContext, WorkerPart } from '../domains/types';
import { attributesPanel } from '../latent/compare/attributes';
import type { CompareDomain } from '../latent/compare/domain';
import { encodeSet, type CompareProgress, type EncodedSet } from '../latent/compare/encode';
import { holesPanel } from '../latent/compare/holes';
import { mapPanel, nearestNeighbours } from '../latent/compare/map';
import { COMPARE_LIMITS } from '../latent/compare/options';
import { pathsPanel } from '../latent/compare/paths';
import { sideHeader } from '../latent/compare/run';
import { unitsPanel } from '../latent/compare/units';
import type { CompareColumn } from './columns';
import { compareProtocol, displayItemsSchema, type CompareLoad, type DisplayItems, type PanelResult, type SideInfo } from './protocol';

type CompareRequest = z.output<(typeof compareProtocol.requests)[number]>;
type CompareResponse = z.output<(typeof compareProtocol.responses)[number]> | { id: number; type: 'ok' };
type Post = (message: CompareResponse, transfer?: Transferable[]) => void;

interface SideState {
  load: number;
  model: LatentModel<tf.Tensor>;
  domain: CompareDomain<tf.Tensor, unknown>;
  set: EncodedSet;
  /** Turns items into what the page shows. */
  display(items: readonly unknown[]): DisplayItems;
  /** Requests still running on this state; a replaced state is disposed when the last one ends. */
  inUse: number;
  replaced: boolean;
}

const columns = new Map<CompareColumn, SideState>();
let loads = 0;

/** Makes `state` the column's current one (or empties it); the old model is disposed once no request uses it. */
function replaceColumn(column: CompareColumn, state: SideState | undefined): void {
  const old = columns.get(column);
  if (state) columns.set(column, state);
  else columns.delete(column);
  if (!old) return;
  old.replaced = true;
  if (old.inUse === 0) old.model.dispose();
}

async function withColumn<T>(column: CompareColumn, work: (state: SideState) => Promise<T>): Promise<T> {
  const state = columns.get(column);
  if (!state) throw new InvalidInputError(`No model is loaded in column ${column.toUpperCase()} of the comparison yet.`);
  state.inUse++;
  try {
    return await work(state);
  } finally {
    state.inUse--;
    if (state.replaced && state.inUse === 0) state.model.dispose();
  }
}

/** The Compare side of `domain` among the router's worker parts. */
function sideLoader(parts: readonly WorkerPart[], domain: string): CompareSideLoader {
  for (const part of parts) {
    const loader = part.compare?.[domain];
    if (loader) return loader;
  }
  const known = parts.flatMap((p) => Object.keys(p.compare ?? {}));
  throw new InvalidInputError(`"${domain}" has no Compare side; the domains that can be compared are ${known.join(', ')}.`);
}

/** Loads a column: the domain's loader builds model and set, then the set is encoded once. */
async function loadColumn(column: CompareColumn, request: CompareLoad, context: HandlerContext, progress: (p: CompareProgress) => void): Promise<SideInfo> {
  const loaded = await sideLoader(context.parts, request.domain).load(
    { model: request.model, count: request.count, seed: request.seed, extra: request.extra },
    progress,
    context.signal,
  );
  const { model, domain } = loaded;
  try {
    const t0 = performance.now();
    const set = await encodeSet(model, domain, { signal: context.signal, onProgress: progress, batchSize: 256 });
    const load = ++loads;
    const display = (items: readonly unknown[]): DisplayItems => displayItemsSchema.parse(loaded.display(items));
    replaceColumn(column, { load, model, domain, set, display, inUse: 0, replaced: false });
    return {
      column,
      domain: request.domain,
      load,
      header: sideHeader(request.domain, model, domain, loaded.description),
      labels: domain.labels.slice(),
      attributes: domain.attributes.map((a) => ({ id: a.id, name: a.name })),
      defaultGroups: domain.defaultGroups,
      itemName: domain.itemName,
      itemsName: domain.itemsName,
      distanceName: domain.distanceName,
      source: loaded.source,
      notes: loaded.notes,
      encodeSeconds: (performance.now() - t0) / 1000,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

const DECODE_BATCH = 128;

async function runPanel(
  state: SideState,
  request: Extract<CompareRequest, { type: 'compare:panel' }>,
  progress: (p: CompareProgress) => void,
  signal: AbortSignal,
): Promise<{ result: PanelResult; transfer: Transferable[] }> {
  const { model, domain, set, display } = state;
  const s = request.settings;
  const work = { signal, onProgress: progress, batchSize: DECODE_BATCH };
  switch (request.panel) {
    case 'map': {
      const map = await mapPanel(set, domain.labels, { signal, onProgress: progress, k: s.k, umap: s.umap, seed: s.seed });
      return { result: { panel: 'map', report: map.report, pca: map.pca, umap: map.umap }, transfer: [map.pca.buffer, ...(map.umap ? [map.umap.buffer] : [])] };
    }
    case 'units':
      return { result: { panel: 'units', report: unitsPanel(set) }, transfer: [] };
    case 'paths': {
      const paths = await pathsPanel(model, domain, set, { ...work, pairs: s.pairs, seed: s.seed });
      const show = (items: unknown[] | null): DisplayItems | null => (items ? display(items) : null);
      return {
        result: { panel: 'paths', report: paths.report, roughest: { lerp: show(paths.roughest.lerp), slerp: show(paths.roughest.slerp) } },
        transfer: [],
      };
    }
    case 'holes': {
      const { priorDraws, decodedDraws, worst } = COMPARE_LIMITS;
      const holes = await holesPanel(model, domain, set, {
        ...work,
        priorDraws: priorDraws.default,
        decodedDraws: decodedDraws.default,
        worst: worst.default,
        seed: s.seed,
      });
      return {
        result: {
          panel: 'holes',
          report: holes.report,
          logQ: holes.logQ,
          nearest: holes.nearest,
          worst: display(holes.worstItems),
          real: display(holes.realItems),
        },
        transfer: [holes.logQ.prior.buffer, holes.logQ.real.buffer],
      };
    }
    case 'attributes': {
      const attributes = await attributesPanel(model, domain, set, s.groups ?? domain.defaultGroups, {
        ...work,
        seed: s.seed,
        items: COMPARE_LIMITS.attributeItems.default,
        consistencyPairs: COMPARE_LIMITS.consistencyPairs.default,
      });
      return { result: { panel: 'attributes', report: attributes.report, walks: display(attributes.walks) }, transfer: [] };
    }
  }
}

/** Handles one compare:* request; `context.signal` fires when the page cancels it. */
async function handleCompareRequest(request: CompareRequest, post: Post, context: HandlerContext): Promise<void> {
  const id = request.id;
  const signal = context.signal;
  const progress = (p: CompareProgress): void => post({ id, type: 'compare:progress', ...p });
  switch (request.type) {
    case 'compare:load': {
      const info = await loadColumn(request.column, request.load, context, progress);
      post({ id, type: 'compare:loaded', info });
      return;
    }
    case 'compare:panel':
      return withColumn(request.column, async (state) => {
        const t0 = performance.now();
        const { result, transfer } = await runPanel(state, request, progress, signal);
        post({ id, type: 'compare:panel:done', column: request.column, load: state.load, seconds: (performance.now() - t0) / 1000, result }, transfer);
      });
    case 'compare:neighbours':
      return withColumn(request.column, async ({ set, domain, display }) => {
        if (request.index >= set.count) throw new InvalidInputError(`Item ${request.index} does not exist (the set has ${set.count}).`);
        const k = Math.min(request.k, set.count - 1);
        const nn = await nearestNeighbours(set.mean, set.count, set.dims, k, request.metric, [request.index]);
        const indices = Array.from(nn.indices);
        post({
          id,
          type: 'compare:neighbours:done',
          column: request.column,
          index: request.index,
          indices,
          distances: Array.from(nn.distances),
          items: display([domain.item(request.index), ...indices.map((i) => domain.item(i))]),
        });
      });
    case 'compare:dispose':
      replaceColumn('a', undefined);
      replaceColumn('b', undefined);
      post({ id, type: 'ok' });
      return;
    case 'compare:items':
      return withColumn(request.column, async ({ set, domain, display }) => {
        const bad = request.indices.find((i) => i >= set.count);
        if (bad !== undefined) throw new InvalidInputError(`Item ${bad} does not exist (the set has ${set.count}).`);
        post({ id, type: 'compare:items:done', column: request.column, items: display(request.indices.map((i) => domain.item(i))) });
      });
  }
}

/** The Compare lab in the model worker. */
export const compareWorkerPart = defineWorkerPart({
  protocol: compareProtocol,
  handle: (request, context) => handleCompareRequest(request, typedPost<CompareResponse>(context.post), context),
  dispose() {
    replaceColumn('a', undefined);
    replaceColumn('b', undefined);
  },
});

/**
 * Every Compare panel for one side (a model and its data set), in order, with real progress and
 * timings: what `npm run compare`, `npm run bench:compare` and the model worker all call.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LatentModel } from '../../core/latent-model';
import { attributesPanel, type AttributesResult } from './attributes';
import type { CompareDomain } from './domain';
import { encodeSet, type EncodedSet, type WorkOptions } from './encode';
import { holesPanel, type HolesResult } from './holes';
import { mapPanel, type MapResult } from './map';
import { COMPARE_LIMITS, COMPARE_PANELS, type ComparePanel } from './options';
import { pathsPanel, type PathsResult } from './paths';
import type { AttributeGroups, SideReport } from './report';
import { unitsPanel } from './units';

/** Settings of every panel (defaults in {@link COMPARE_LIMITS}). */
export interface PanelOptions {
  seed: number;
  /** Neighbours per item for the map's agreement numbers. */
  k: number;
  /** Compute the UMAP picture (seconds for thousands of items). */
  umap: boolean;
  pairs: number;
  priorDraws: number;
  decodedDraws: number;
  worst: number;
  attributeItems: number;
  consistencyPairs: number;
  /** Attribute groups; default: the domain's. */
  groups?: AttributeGroups;
  /** Codes decoded at once (default 256; bigger batches are faster for recurrent decoders). */
  decodeBatch?: number;
  /** Items encoded at once. */
  encodeBatch?: number;
  /** Which panels to compute (default: all); the others are left out of the report. */
  panels?: readonly ComparePanel[];
}

/** The defaults of {@link PanelOptions}. */
export const DEFAULT_PANEL_OPTIONS: PanelOptions = {
  seed: COMPARE_LIMITS.seed.default,
  k: COMPARE_LIMITS.neighbours.default,
  umap: true,
  pairs: COMPARE_LIMITS.pairs.default,
  priorDraws: COMPARE_LIMITS.priorDraws.default,
  decodedDraws: COMPARE_LIMITS.decodedDraws.default,
  worst: COMPARE_LIMITS.worst.default,
  attributeItems: COMPARE_LIMITS.attributeItems.default,
  consistencyPairs: COMPARE_LIMITS.consistencyPairs.default,
};

export interface SideResult<Item> {
  report: SideReport;
  set: EncodedSet;
  /** Each panel's full result (pictures, decodes), when it was computed. */
  map?: MapResult;
  paths?: PathsResult<Item>;
  holes?: HolesResult<Item>;
  attributes?: AttributesResult<Item>;
}

/** The model as reports name it. */
export interface ModelDescription {
  name: string;
  description: string;
}

/** The header of a side's report (model and data), before any panel ran. */
export function sideHeader<X extends tf.Tensor, Item>(
  side: string,
  model: LatentModel<X>,
  domain: CompareDomain<X, Item>,
  description: ModelDescription,
): Omit<SideReport, 'seconds'> {
  return {
    side,
    model: { name: description.name, zDims: model.zDims, hasSigma: domain.posterior !== undefined, description: description.description },
    data: { name: domain.dataName, items: domain.count, labelName: domain.labelName, labels: new Set(domain.labels).size },
  };
}

/**
 * Encodes the set once, then runs map, units, paths, holes and attribute vectors (or the panels in
 * `options.panels`). `work.onEncoded` gets the codes as soon as they exist (e.g. to compute the map
 * elsewhere in parallel). `seconds` in the report holds each step's wall time. Cancel with
 * `work.signal`.
 */
export async function analyseSide<X extends tf.Tensor, Item>(
  side: string,
  model: LatentModel<X>,
  domain: CompareDomain<X, Item>,
  description: ModelDescription,
  options: PanelOptions = DEFAULT_PANEL_OPTIONS,
  work: WorkOptions & { onEncoded?: (set: EncodedSet) => void } = {},
): Promise<SideResult<Item>> {
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const out = await run();
    seconds[name] = (performance.now() - t0) / 1000;
    return out;
  };
  const decode = { batchSize: options.decodeBatch ?? domain.decodeBatch ?? 256 };
  const wanted = new Set(options.panels ?? COMPARE_PANELS);
  const set = await timed('encode', () => encodeSet(model, domain, { ...work, batchSize: options.encodeBatch ?? 256 }));
  work.onEncoded?.(set);
  const map = wanted.has('map')
    ? await timed('map', () => mapPanel(set, domain.labels, { ...work, k: options.k, umap: options.umap, seed: options.seed }))
    : undefined;
  const units = wanted.has('units') ? await timed('units', () => unitsPanel(set)) : undefined;
  const paths = wanted.has('paths')
    ? await timed('paths', () => pathsPanel(model, domain, set, { ...work, ...decode, pairs: options.pairs, seed: options.seed }))
    : undefined;
  const holes = wanted.has('holes')
    ? await timed('holes', () =>
        holesPanel(model, domain, set, {
          ...work,
          ...decode,
          priorDraws: options.priorDraws,
          decodedDraws: options.decodedDraws,
          worst: options.worst,
          seed: options.seed,
        }),
      )
    : undefined;
  const attributes = wanted.has('attributes')
    ? await timed('attributes', () =>
        attributesPanel(model, domain, set, options.groups ?? domain.defaultGroups, {
          ...work,
          ...decode,
          seed: options.seed,
          items: options.attributeItems,
          consistencyPairs: options.consistencyPairs,
        }),
      )
    : undefined;
  seconds.total = Object.values(seconds).reduce((a, b) => a + b, 0);
  return {
    report: {
      ...sideHeader(side, model, domain, description),
      ...(map ? { map: map.report } : {}),
      ...(units ? { units } : {}),
      ...(paths ? { paths: paths.report } : {}),
      ...(holes ? { holes: holes.report } : {}),
      ...(attributes ? { attributes: attributes.report } : {}),
      seconds,
    },
    set,
    ...(map ? { map } : {}),
    ...(paths ? { paths } : {}),
    ...(holes ? { holes } : {}),
    ...(attributes ? { attributes } : {}),
  };
}

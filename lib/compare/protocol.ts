/**
 * Compare-lab messages of the model worker, validated with zod on both sides. TF-free: the page
 * imports it. The lab has two columns, each showing one domain's model (any domain whose descriptor
 * has a Compare side: see lib/domains). Panel numbers travel as the report schemas of
 * lib/latent/compare/report (the same the command line writes); pictures as typed arrays; items as
 * one of a few media kinds every page can show (images, note sequences, sounds, plain vectors).
 */
import { z } from 'zod';
import { seedSchema as seed } from '../core/random';
import type { WorkerProtocol } from '../domains/types';
import { COMPARE_LIMITS, COMPARE_PANELS, NEIGHBOUR_METRICS } from '../latent/compare/options';
import {
  attributeGroupsSchema,
  attributesReportSchema,
  holesReportSchema,
  mapReportSchema,
  pathsReportSchema,
  sideReportSchema,
  unitsReportSchema,
} from '../latent/compare/report';
import { sequenceSchema } from '../music/protocol';
import { COMPARE_COLUMNS } from './columns';

const id = z.number().int();
const f32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const column = z.enum(COMPARE_COLUMNS);
const count = z.number().int().min(COMPARE_LIMITS.items.min).max(COMPARE_LIMITS.items.max);

/** What a column loads: a domain's model (its Compare side checks `model` and `extra` itself). */
export const compareLoadSchema = z.object({
  domain: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  model: z.string().min(1).max(2100),
  count,
  seed,
  /** Files or choices picked on the page (checked by the domain's loader). */
  extra: z.unknown().optional(),
});
export type CompareLoad = z.infer<typeof compareLoadSchema>;

/** Settings of one panel request (only the ones that panel reads matter). */
export const panelSettingsSchema = z.object({
  seed,
  k: z.number().int().min(COMPARE_LIMITS.neighbours.min).max(COMPARE_LIMITS.neighbours.max),
  umap: z.boolean(),
  pairs: z.number().int().min(COMPARE_LIMITS.pairs.min).max(COMPARE_LIMITS.pairs.max),
  groups: attributeGroupsSchema.optional(),
});
export type PanelSettings = z.infer<typeof panelSettingsSchema>;

export const compareRequestSchemas = [
  z.object({ id, type: z.literal('compare:load'), column, load: compareLoadSchema }),
  z.object({ id, type: z.literal('compare:panel'), column, panel: z.enum(COMPARE_PANELS), settings: panelSettingsSchema }),
  z.object({
    id,
    type: z.literal('compare:neighbours'),
    column,
    index: z.number().int().min(0),
    metric: z.enum(NEIGHBOUR_METRICS),
    k: z.number().int().min(1).max(COMPARE_LIMITS.neighbours.max),
  }),
  z.object({ id, type: z.literal('compare:items'), column, indices: z.array(z.number().int().min(0)).min(1).max(64) }),
  /** The page is left: free both columns' models and codes (answered with "ok"). */
  z.object({ id, type: z.literal('compare:dispose') }),
] as const;

/**
 * Decoded or data items, ready to show, as one of a few media kinds (not domains): grey images as
 * pixels, note sequences (with the kind, for the player), sounds as samples, anything else as plain
 * vectors (a new domain is shown before it has views of its own).
 */
export const displayItemsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), pixels: f32, count: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }),
  z.object({ kind: z.literal('sequence'), music: z.enum(['melody', 'drums']), sequences: z.array(sequenceSchema) }),
  z.object({
    kind: z.literal('audio'),
    sampleRate: z.number().int().min(8000).max(96000),
    clips: z.array(f32).max(64),
    titles: z.array(z.string()).optional(),
  }),
  z.object({ kind: z.literal('vector'), values: f32, count: z.number().int(), dims: z.number().int().positive() }),
]);
export type DisplayItems = z.infer<typeof displayItemsSchema>;

/** A side once loaded: the report header, per-item labels, what can be grouped. */
export const sideInfoSchema = z.object({
  column,
  /** The domain this column shows. */
  domain: z.string(),
  /** Bumped on every load in this worker: panel answers name the load they belong to. */
  load: z.number().int(),
  header: sideReportSchema.omit({ seconds: true, map: true, units: true, paths: true, holes: true, attributes: true }),
  labels: z.array(z.string()),
  attributes: z.array(z.object({ id: z.string(), name: z.string() })),
  defaultGroups: attributeGroupsSchema,
  itemName: z.string(),
  itemsName: z.string(),
  distanceName: z.string(),
  source: z.string(),
  notes: z.array(z.string()),
  encodeSeconds: z.number(),
});
export type SideInfo = z.infer<typeof sideInfoSchema>;

const panelResult = z.discriminatedUnion('panel', [
  z.object({ panel: z.literal('map'), report: mapReportSchema, pca: f32, umap: f32.nullable() }),
  z.object({ panel: z.literal('units'), report: unitsReportSchema }),
  z.object({
    panel: z.literal('paths'),
    report: pathsReportSchema,
    roughest: z.object({ lerp: displayItemsSchema.nullable(), slerp: displayItemsSchema.nullable() }),
  }),
  z.object({
    panel: z.literal('holes'),
    report: holesReportSchema,
    logQ: z.object({ prior: f32, real: f32 }),
    nearest: z.object({ prior: z.array(z.number()), real: z.array(z.number()) }),
    worst: displayItemsSchema,
    real: displayItemsSchema,
  }),
  z.object({ panel: z.literal('attributes'), report: attributesReportSchema, walks: displayItemsSchema }),
]);
export type PanelResult = z.infer<typeof panelResult>;

export const compareResponseSchemas = [
  /** Streamed while a request runs: `done` of `total` (items encoded, codes decoded, epochs…). */
  z.object({ id, type: z.literal('compare:progress'), phase: z.string(), label: z.string(), done: z.number(), total: z.number() }),
  z.object({ id, type: z.literal('compare:loaded'), info: sideInfoSchema }),
  z.object({ id, type: z.literal('compare:panel:done'), column, load: z.number().int(), seconds: z.number(), result: panelResult }),
  z.object({
    id,
    type: z.literal('compare:neighbours:done'),
    column,
    index: z.number().int(),
    indices: z.array(z.number().int()),
    distances: z.array(z.number()),
    items: displayItemsSchema,
  }),
  z.object({ id, type: z.literal('compare:items:done'), column, items: displayItemsSchema }),
] as const;

/** The Compare lab's worker messages (served by lib/compare/worker). */
export const compareProtocol = {
  id: 'compare',
  requests: compareRequestSchemas,
  responses: compareResponseSchemas,
  streamed: ['compare:progress'],
} as const satisfies WorkerProtocol;

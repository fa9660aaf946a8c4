/**
 * Compare-lab messages of the model worker, validated with zod on both sides. TF-free: the page
 * imports it. Panel numbers travel as the report schemas of lib/latent/compare/report (the same
 * the command line writes); pictures as typed arrays; decoded items as images or sequences.
 */
import { z } from 'zod';
import { COMPARE_LIMITS, COMPARE_PANELS, COMPARE_SIDES, NEIGHBOUR_METRICS } from '@/lib/latent/compare/options';
import {
  attributeGroupsSchema,
  attributesReportSchema,
  holesReportSchema,
  mapReportSchema,
  pathsReportSchema,
  sideReportSchema,
  unitsReportSchema,
} from '@/lib/latent/compare/report';
import { sequenceSchema } from './music-protocol';

const id = z.number().int();
const f32 = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const u8 = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');
const side = z.enum(COMPARE_SIDES);
const seed = z.number().int().min(COMPARE_LIMITS.seed.min).max(COMPARE_LIMITS.seed.max);
const count = z.number().int().min(COMPARE_LIMITS.items.min).max(COMPARE_LIMITS.items.max);

/** Which image model: shipped (by id), saved in this browser, or the four downloaded files. */
export const compareImageSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shipped'), id: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
  z.object({ kind: z.literal('saved'), name: z.string().min(1).max(80) }),
  z.object({ kind: z.literal('files'), encoder: z.array(z.instanceof(File)).length(2), decoder: z.array(z.instanceof(File)).length(2) }),
]);
export type CompareImageSource = z.infer<typeof compareImageSourceSchema>;

/** Which MusicVAE: a shipped one, a Magenta checkpoint URL, or a checkpoint folder from this computer. */
export const compareMusicSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('shipped'), lab: z.enum(['melody', 'drums']) }),
  z.object({ kind: z.literal('url'), url: z.string().min(1).max(2000) }),
  z.object({ kind: z.literal('folder'), name: z.string().max(200), files: z.array(z.instanceof(File)).min(1).max(500) }),
]);
export type CompareMusicSource = z.infer<typeof compareMusicSourceSchema>;

export const FILE_LABEL_NAMES = ['file', 'folder', 'style', 'drummer'] as const;

/** Melody or drum windows: the built-in examples, or MIDI files the user picked (bytes). */
export const compareMusicDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('examples') }),
  z.object({
    kind: z.literal('files'),
    files: z
      .array(z.object({ name: z.string().max(500), bytes: u8.refine((b) => b.byteLength <= 8 * 1024 * 1024, 'MIDI files up to 8 MB') }))
      .min(1)
      .max(500),
    label: z.enum(FILE_LABEL_NAMES),
  }),
]);
export type CompareMusicData = z.infer<typeof compareMusicDataSchema>;

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
  z.object({ id, type: z.literal('compare:load-image'), source: compareImageSourceSchema, count }),
  z.object({ id, type: z.literal('compare:load-music'), source: compareMusicSourceSchema, data: compareMusicDataSchema, count, seed }),
  z.object({ id, type: z.literal('compare:panel'), side, panel: z.enum(COMPARE_PANELS), settings: panelSettingsSchema }),
  z.object({
    id,
    type: z.literal('compare:neighbours'),
    side,
    index: z.number().int().min(0),
    metric: z.enum(NEIGHBOUR_METRICS),
    k: z.number().int().min(1).max(COMPARE_LIMITS.neighbours.max),
  }),
  z.object({ id, type: z.literal('compare:items'), side, indices: z.array(z.number().int().min(0)).min(1).max(64) }),
  /** The page is left: free both sides' models and codes (answered with "ok"). */
  z.object({ id, type: z.literal('compare:dispose') }),
] as const;

/** Decoded or data items, ready to show: digits as pixels, music as sequences (with the kind, for the player). */
export const displayItemsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), pixels: f32, count: z.number().int() }),
  z.object({ kind: z.literal('music'), music: z.enum(['melody', 'drums']), sequences: z.array(sequenceSchema) }),
]);
export type DisplayItems = z.infer<typeof displayItemsSchema>;

/** A side once loaded: the report header, per-item labels, what can be grouped. */
export const sideInfoSchema = z.object({
  side,
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
  z.object({ id, type: z.literal('compare:panel:done'), side, load: z.number().int(), seconds: z.number(), result: panelResult }),
  z.object({
    id,
    type: z.literal('compare:neighbours:done'),
    side,
    index: z.number().int(),
    indices: z.array(z.number().int()),
    distances: z.array(z.number()),
    items: displayItemsSchema,
  }),
  z.object({ id, type: z.literal('compare:items:done'), side, items: displayItemsSchema }),
] as const;

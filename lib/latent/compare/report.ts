/**
 * The numbers of every Compare panel, as one typed, zod-checked report: the command line writes it,
 * the model worker sends its parts to the page, and the page exports it (JSON, or CSV in long form:
 * one row per number, named after the panel and field, e.g. `units.kl[3]` or `holes.share`).
 * TF-free, so page code can use it.
 */
import { z } from 'zod';
import { INTERPOLATION_MODES } from '../../core/latent-model';

const num = z.number();
/** A number that may be undefined for this model (e.g. KL without σ): null in JSON. */
const maybe = z.number().nullable();

/** Mean, median and largest value of a list (null when the list is empty). */
export const summarySchema = z.object({ mean: maybe, median: maybe, max: maybe, count: z.number().int() });
export type Summary = z.infer<typeof summarySchema>;

export const mapReportSchema = z.object({
  /** What the PCA figure's axes are: the code itself (2-D codes) or its two principal components. */
  axes: z.enum(['code', 'pca']),
  /** Share of the codes' total variance along each of the two axes, and both together. */
  explained: z.tuple([num, num]),
  explainedTotal: num,
  /** How many neighbours the agreement numbers look at. */
  k: z.number().int(),
  /** Share of each item's k nearest neighbours in z that have its label, per metric. */
  labelAgreement: z.object({ cosine: num, euclidean: num }),
  /** The same share for k random other items: what agreement means "no structure". */
  chance: num,
  /** Agreement of the 2-D pictures themselves (Euclidean in the plane): how much of z's neighbourhoods each keeps. */
  pictureAgreement: z.object({ pca: num, umap: maybe }),
});
export type MapReport = z.infer<typeof mapReportSchema>;

export const unitsReportSchema = z.object({
  zDims: z.number().int(),
  /** Units whose μ varies over the set (variance > threshold). */
  active: z.number().int(),
  threshold: num,
  /** False for plain autoencoders: they give no σ, so the KL is not defined. */
  hasSigma: z.boolean(),
  /** ½·mean(μ² + σ² − log σ² − 1) per unit, in nats; null without σ. */
  kl: z.array(num).nullable(),
  klTotal: maybe,
  /** Variance of μ over the set, per unit. */
  variance: z.array(num),
  /** Units from the most to the least used (by KL, or by variance without σ). */
  order: z.array(z.number().int()),
});
export type UnitsReport = z.infer<typeof unitsReportSchema>;

export const pathReportSchema = z.object({
  mode: z.enum(INTERPOLATION_MODES),
  a: z.number().int(),
  b: z.number().int(),
  /** Distance between each pair of neighbouring decodes (steps − 1 numbers). */
  stepDistances: z.array(num),
  /** Distance between the decodes of the two ends. */
  endToEnd: num,
  /** Largest step ÷ end-to-end distance: 1/(steps − 1) is perfectly even, 1 is one jump. Null when both ends decode alike. */
  smoothness: maybe,
});
export type PathReport = z.infer<typeof pathReportSchema>;

const modeSummary = z.object({ lerp: summarySchema, slerp: summarySchema });

export const pathsReportSchema = z.object({
  pairs: z.number().int(),
  steps: z.number().int(),
  distance: z.string(),
  smoothness: modeSummary,
  /** Paths whose two ends decode to the same item (no smoothness), per mode. */
  identicalEnds: z.object({ lerp: z.number().int(), slerp: z.number().int() }),
  /** Index into `paths` of the roughest path per mode (largest smoothness), or null. */
  roughest: z.object({ lerp: z.number().int().nullable(), slerp: z.number().int().nullable() }),
  paths: z.array(pathReportSchema),
});
export type PathsReport = z.infer<typeof pathsReportSchema>;

export const holeDrawSchema = z.object({
  /** Which prior draw (index into the decoded prior draws). */
  draw: z.number().int(),
  /** Distance of its decode to the nearest real item, which item that is, and its label. */
  distance: num,
  nearest: z.number().int(),
  nearestLabel: z.string(),
  logQ: num,
});

export const holesReportSchema = z.object({
  /** Share of prior draws N(0, I) where log q(z) is below the threshold. */
  share: num,
  /** Its 95% interval over the prior draws (Wilson). */
  shareInterval: z.tuple([num, num]),
  /** Real items the density comes from, and the code's size: too few items per dimension make most draws look like holes. */
  items: z.number().int(),
  dims: z.number().int(),
  /** At least ITEMS_PER_DIMENSION items per dimension (lib/latent/compare/holes). */
  enoughItems: z.boolean(),
  /** The percentile of log q on real codes used as the threshold, and its value. */
  percentile: num,
  threshold: num,
  priorDraws: z.number().int(),
  /** How q(z|x) was taken: the encoder's σ, or (plain autoencoders) a kernel of width `bandwidth` per unit. */
  density: z.enum(['posterior', 'kernel']),
  bandwidth: z.array(num).nullable(),
  logQ: z.object({ prior: summarySchema, real: summarySchema }),
  /** Distance of decoded prior draws and of decoded real codes to their nearest real item. */
  distance: z.string(),
  nearest: z.object({ prior: summarySchema, real: summarySchema }),
  worst: z.array(holeDrawSchema),
});
export type HolesReport = z.infer<typeof holesReportSchema>;

export const attributeGroupsSchema = z.discriminatedUnion('kind', [
  /** Two labels, e.g. digit 1 vs digit 7. */
  z.object({ kind: z.literal('label'), a: z.string().min(1).max(200), b: z.string().min(1).max(200) }),
  /** A measured attribute: its lowest quarter of the set vs its highest quarter. */
  z.object({ kind: z.literal('attribute'), id: z.string().regex(/^[a-z][a-z-]{0,30}$/) }),
]);
export type AttributeGroups = z.infer<typeof attributeGroupsSchema>;

export const attributesReportSchema = z.object({
  groups: attributeGroupsSchema,
  description: z.string(),
  a: z.object({ name: z.string(), count: z.number().int() }),
  b: z.object({ name: z.string(), count: z.number().int() }),
  /** Length of the vector (centroid of B − centroid of A). */
  vectorNorm: num,
  /** Mean cosine between the vector and the difference of random (A, B) pairs: 1 = every pair differs the same way. */
  consistency: num,
  /** Share of those pairs whose difference points the vector's way at all (cosine > 0). */
  agreeing: num,
  consistencyPairs: z.number().int(),
  /** Multiples of the vector added at each step. */
  alphas: z.array(num),
  /** The items walked along the vector. */
  items: z.array(z.number().int()),
  /** What is measured on every decode, its mean per step, and the two groups' means in the data. */
  measure: z.object({ name: z.string(), perStep: z.array(num), groupA: num, groupB: num }),
});
export type AttributesReport = z.infer<typeof attributesReportSchema>;

export const sideReportSchema = z.object({
  /** Which side: the domain it shows ("image", "melody"; "image-2" when both sides show one domain). */
  side: z.string().min(1).max(60),
  model: z.object({ name: z.string(), zDims: z.number().int(), hasSigma: z.boolean(), description: z.string() }),
  data: z.object({ name: z.string(), items: z.number().int(), labelName: z.string(), labels: z.number().int() }),
  map: mapReportSchema.optional(),
  units: unitsReportSchema.optional(),
  paths: pathsReportSchema.optional(),
  holes: holesReportSchema.optional(),
  attributes: attributesReportSchema.optional(),
  /** Wall time of each step, in seconds. */
  seconds: z.record(z.string(), num),
});
export type SideReport = z.infer<typeof sideReportSchema>;

/** Version 2: any domains, as a list of sides (version 1 had the fixed keys `image` and `music`). */
export const compareReportSchema = z.object({
  format: z.literal('latent-lab-compare'),
  version: z.literal(2),
  createdAt: z.string(),
  seed: z.number().int(),
  backend: z.string(),
  sides: z.array(sideReportSchema),
});
export type CompareReport = z.infer<typeof compareReportSchema>;

/** One number of a report, named by its path (e.g. `paths.smoothness.lerp.mean`, `units.kl[3]`). */
export interface ReportRow {
  side: string;
  field: string;
  value: number | string | boolean | null;
}

/** Flattens any JSON-like value into named rows (numbers, strings, booleans, nulls). */
export function flattenValue(value: unknown, prefix: string, out: { field: string; value: number | string | boolean | null }[] = []): typeof out {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    out.push({ field: prefix, value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => flattenValue(v, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) flattenValue(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Every number of a side report (or one panel of it) as rows. */
export function reportRows(report: SideReport, panel?: string): ReportRow[] {
  const { side, seconds: _seconds, ...rest } = report;
  const source = panel ? { [panel]: (rest as Record<string, unknown>)[panel] } : rest;
  return flattenValue(source, '').map((r) => ({ side, ...r }));
}

function csvCell(v: number | string | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV (header `side,field,value`) of rows. */
export function rowsToCsv(rows: readonly ReportRow[]): string {
  return ['side,field,value', ...rows.map((r) => [r.side, r.field, r.value].map(csvCell).join(','))].join('\n') + '\n';
}

/** CSV of a whole report: every side, every panel. */
export function compareReportCsv(report: CompareReport): string {
  const rows = report.sides.flatMap((s) => reportRows(s));
  return rowsToCsv(rows);
}

/**
 * The numbers each Compare panel shows under its figure, as label/value rows (the page's tables;
 * the same text a report reader sees). Pure functions of the panel reports (lib/latent/compare/
 * report), so they are tested in Node and shared by every column.
 */
import type { AttributesReport, HolesReport, MapReport, PathsReport, UnitsReport } from '../latent/compare/report';

/** A label and its formatted value. */
export type NumberRow = [string, string];

/** A share as a percentage with one decimal ("—" when not a number). */
export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)}%`);
/** A number with `digits` decimals ("—" when not a number). */
export const num = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/** Map: variance kept by the picture, label agreement of neighbours in z and in the picture, chance. */
export const mapNumbers = (r: { report: MapReport }): NumberRow[] => [
  [
    r.report.axes === 'code' ? 'variance along z₁ + z₂' : 'variance explained by PC 1 + PC 2',
    `${pct(r.report.explained[0])} + ${pct(r.report.explained[1])} = ${pct(r.report.explainedTotal)}`,
  ],
  [`label agreement, ${r.report.k} neighbours (cosine / Euclidean)`, `${pct(r.report.labelAgreement.cosine)} / ${pct(r.report.labelAgreement.euclidean)}`],
  ['chance agreement', pct(r.report.chance)],
  ['kept by the picture (PCA / UMAP)', `${pct(r.report.pictureAgreement.pca)} / ${pct(r.report.pictureAgreement.umap)}`],
];

/** Units: how many are active, the KL to the prior, the most used. */
export const unitsNumbers = (r: { report: UnitsReport }): NumberRow[] => [
  ['active units (variance of μ > 0.01)', `${r.report.active} of ${r.report.zDims}`],
  ['KL to the prior, all units', r.report.klTotal === null ? 'no σ (plain autoencoder)' : `${num(r.report.klTotal)} nats`],
  [
    'most used units',
    r.report.order
      .slice(0, 4)
      .map((u) => `#${u}`)
      .join(', '),
  ],
];

/** Paths: smoothness of lerp and slerp walks. */
export const pathsNumbers = (r: { report: PathsReport }): NumberRow[] => {
  const s = r.report.smoothness;
  return [
    ['smoothness, lerp (mean / median / worst)', `${num(s.lerp.mean, 3)} / ${num(s.lerp.median, 3)} / ${num(s.lerp.max, 3)}`],
    ['smoothness, slerp (mean / median / worst)', `${num(s.slerp.mean, 3)} / ${num(s.slerp.median, 3)} / ${num(s.slerp.max, 3)}`],
    ['walks whose ends decode alike', `${r.report.identicalEnds.lerp} of ${r.report.pairs} (lerp)`],
    ['distance between decodes', r.report.distance],
  ];
};

/** Holes: share of prior draws in thin regions, log q and distances. */
export const holesNumbers = (r: { report: HolesReport }): NumberRow[] => [
  [
    'prior draws in thin regions (≈1% = no holes)',
    `${pct(r.report.share)} (95% interval ${pct(r.report.shareInterval[0])}–${pct(r.report.shareInterval[1])} over ${r.report.priorDraws.toLocaleString('en')} draws)`,
  ],
  [
    'based on',
    `${r.report.items.toLocaleString('en')} real items in ${r.report.dims} dimensions${r.report.enoughItems ? '' : ' — too few to tell where codes are dense (read the share as a rough upper bound)'}`,
  ],
  ['median log q: prior draws / real codes', `${num(r.report.logQ.prior.median, 1)} / ${num(r.report.logQ.real.median, 1)}`],
  ['median distance to the nearest real item: prior / real', `${num(r.report.nearest.prior.median)} / ${num(r.report.nearest.real.median)}`],
  ['how q(z|x) was taken', r.report.density === 'posterior' ? 'the encoder’s σ' : 'a kernel (no σ)'],
];

/** Attribute vectors: the groups, consistency and the measure along the walk. */
export const attributesNumbers = (r: { report: AttributesReport }): NumberRow[] => [
  ['groups', `${r.report.a.name} (${r.report.a.count}) → ${r.report.b.name} (${r.report.b.count})`],
  ['consistency (mean cosine)', num(r.report.consistency, 3)],
  ['pairs that differ the vector’s way', pct(r.report.agreeing)],
  [
    'measure: first → last step (group A → B)',
    `${num(r.report.measure.perStep[0])} → ${num(r.report.measure.perStep.at(-1))} (${num(r.report.measure.groupA)} → ${num(r.report.measure.groupB)})`,
  ],
];

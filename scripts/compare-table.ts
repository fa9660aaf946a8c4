/** Plain-text tables of Compare reports, one per panel, image and music side by side (for the CLI and the bench). */
import type { SideReport, Summary } from '../lib/latent/compare/report';

const f = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)}%`);
const stats = (s: Summary | undefined): string => (s ? `${f(s.mean)} / ${f(s.median)} / ${f(s.max)}` : '—');

/** Rows of `[metric, value per side]` for each panel. */
export function panelTables(sides: readonly (SideReport | null)[]): { title: string; rows: string[][] }[] {
  const present = sides.filter((s): s is SideReport => s !== null);
  const col = (get: (s: SideReport) => string): string[] => present.map(get);
  const row = (metric: string, get: (s: SideReport) => string): string[] => [metric, ...col(get)];
  return [
    {
      title: 'Model and data',
      rows: [
        row('model', (s) => `${s.model.name} (z = ${s.model.zDims}${s.model.hasSigma ? ', with σ' : ', no σ'})`),
        row('data', (s) => `${s.data.items} items, ${s.data.labels} ${s.data.labelName}s`),
      ],
    },
    {
      title: 'Map',
      rows: [
        row('axes: variance explained', (s) =>
          s.map ? `${s.map.axes} ${pct(s.map.explained[0])} + ${pct(s.map.explained[1])} = ${pct(s.map.explainedTotal)}` : '—',
        ),
        row('label agreement (cosine / Euclidean)', (s) =>
          s.map ? `${pct(s.map.labelAgreement.cosine)} / ${pct(s.map.labelAgreement.euclidean)} (k = ${s.map.k})` : '—',
        ),
        row('chance', (s) => pct(s.map?.chance)),
        row('kept by the picture (PCA / UMAP)', (s) => (s.map ? `${pct(s.map.pictureAgreement.pca)} / ${pct(s.map.pictureAgreement.umap)}` : '—')),
      ],
    },
    {
      title: 'Units',
      rows: [
        row('active units (var μ > 0.01)', (s) => (s.units ? `${s.units.active} of ${s.units.zDims}` : '—')),
        row('KL total (nats)', (s) => f(s.units?.klTotal, 2)),
        row('top units by use', (s) =>
          s.units
            ? s.units.order
                .slice(0, 5)
                .map((u) => `${u}${s.units?.kl ? ` (${f(s.units.kl[u], 2)})` : ''}`)
                .join(', ')
            : '—',
        ),
      ],
    },
    {
      title: 'Paths (smoothness = largest step ÷ end-to-end; 0.1 is even)',
      rows: [
        row('lerp mean / median / max', (s) => stats(s.paths?.smoothness.lerp)),
        row('slerp mean / median / max', (s) => stats(s.paths?.smoothness.slerp)),
        row('paths with identical ends (lerp)', (s) => (s.paths ? `${s.paths.identicalEnds.lerp} of ${s.paths.pairs}` : '—')),
      ],
    },
    {
      title: 'Holes',
      rows: [
        row('share of prior draws in thin regions', (s) =>
          s.holes
            ? `${pct(s.holes.share)} (${pct(s.holes.shareInterval[0])}–${pct(s.holes.shareInterval[1])}; ${s.holes.items} items, ${s.holes.dims}-D${s.holes.enoughItems ? '' : ', too few'})`
            : '—',
        ),
        row('median log q: prior / real', (s) => (s.holes ? `${f(s.holes.logQ.prior.median, 1)} / ${f(s.holes.logQ.real.median, 1)}` : '—')),
        row('median distance to nearest real: prior / real', (s) =>
          s.holes ? `${f(s.holes.nearest.prior.median, 2)} / ${f(s.holes.nearest.real.median, 2)} (${s.holes.distance})` : '—',
        ),
      ],
    },
    {
      title: 'Attribute vectors',
      rows: [
        row('groups', (s) => s.attributes?.description ?? '—'),
        row('consistency (mean cosine) / agreeing pairs', (s) => (s.attributes ? `${f(s.attributes.consistency)} / ${pct(s.attributes.agreeing)}` : '—')),
        row('measure: step 0 → step 7 (A → B)', (s) =>
          s.attributes
            ? `${f(s.attributes.measure.perStep[0], 2)} → ${f(s.attributes.measure.perStep.at(-1), 2)} (${f(s.attributes.measure.groupA, 2)} → ${f(s.attributes.measure.groupB, 2)})`
            : '—',
        ),
      ],
    },
    {
      title: 'Seconds',
      rows: ['encode', 'map', 'units', 'paths', 'holes', 'attributes', 'total'].map((k) => row(k, (s) => f(s.seconds[k], 2))),
    },
  ];
}

/** A Markdown-style table. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Prints every panel's table to stderr. */
export function printSideTables(sides: readonly (SideReport | null)[]): void {
  const present = sides.filter((s): s is SideReport => s !== null);
  for (const t of panelTables(sides)) {
    console.error(`\n${t.title}`);
    console.error(formatTable(['', ...present.map((s) => `${s.side}: ${s.model.name}`)], t.rows));
  }
}

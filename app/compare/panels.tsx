'use client';
/**
 * The Compare lab's panels, drawn the same way for both sides: each gets one side's panel result
 * and draws its figure(s) with Observable Plot, its decoded items and its key numbers, with
 * exports (SVG, PNG, CSV).
 */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, type ReactNode } from 'react';
import { downloadFile } from '@/app/_components/download';
import { NumberField } from '@/app/_components/NumberField';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { ProgressBar } from '@/app/_components/ProgressBar';
import type { DisplayItems, PanelResult, SideInfo } from '@/app/_workers/compare-protocol';
import { describeError } from '@/lib/core/errors';
import type { ComparePanel, CompareSide } from '@/lib/latent/compare/options';
import { reportRows, rowsToCsv, type SideReport } from '@/lib/latent/compare/report';
import type { CompareUrlState } from '@/lib/latent/compare/url-state';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { downloadFigure } from './figure-export';
import { ItemView } from './ItemView';
import type { PanelView } from './useCompareSide';

/** What every side panel gets. */
export interface SideContext {
  side: CompareSide;
  info: SideInfo;
  view: PanelView | undefined;
  url: CompareUrlState;
  setParams: (patch: Partial<CompareUrlState>) => void;
  onError: (message: string) => void;
  onRetry: () => void;
  /** Stops the panel that is computing. */
  onCancel: () => void;
  /** Plays a music item; `group` + `index` say which picture is sounding. */
  play: (seq: QuantizedNoteSequence, group: string, index: number) => void;
  playing: { group: string; index: number } | undefined;
}

type ResultOf<P extends ComparePanel> = Extract<PanelResult, { panel: P }>;

const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const SIDE_NAMES: Record<CompareSide, string> = { image: 'Images', music: 'Music' };

/** The side's report with one panel's numbers (for the panel's CSV). */
function sideReportWith(info: SideInfo, result: PanelResult, seconds: number | undefined): SideReport {
  return { ...info.header, [result.panel]: result.report, seconds: seconds === undefined ? {} : { [result.panel]: seconds } } as SideReport;
}

function NumbersTable({ rows, testId }: { rows: [string, string][]; testId: string }) {
  return (
    <table className="numbers" data-testid={testId}>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A side's card within a panel: title, progress, error, figure, numbers, exports. */
function SideCard<P extends ComparePanel>({
  panel,
  ctx,
  numbers,
  children,
}: {
  panel: P;
  ctx: SideContext;
  numbers: (r: ResultOf<P>) => [string, string][];
  children: (r: ResultOf<P>) => ReactNode;
}) {
  const host = useRef<HTMLDivElement>(null);
  const { view, info, side } = ctx;
  const result = view?.result?.panel === panel ? (view.result as ResultOf<P>) : undefined;
  const name = `compare-${panel}-${side}-${info.header.model.name}`;
  const title = `${SIDE_NAMES[side]} · ${info.header.model.name} — ${panel}`;
  const save = (format: 'svg' | 'png') => downloadFigure(host.current, name, title, format).catch((e: unknown) => ctx.onError(describeError(e)));
  return (
    <div className={`card compare-side compare-side-${side}`} data-testid={`panel-${panel}-${side}`} data-ready={result && !view?.running ? '1' : '0'}>
      <h3>
        {SIDE_NAMES[side]} <span className="muted">· {info.header.model.name}</span>
      </h3>
      {view?.running && (
        <div className="controls">
          <div className="grow">
            <ProgressBar
              label={
                view.progress
                  ? `${view.progress.label} (${view.progress.done.toLocaleString('en')} of ${view.progress.total.toLocaleString('en')})`
                  : 'Waiting for the model worker…'
              }
              fraction={view.progress ? view.progress.done / Math.max(1, view.progress.total) : 0}
            />
          </div>
          <button type="button" onClick={ctx.onCancel} data-testid={`cancel-${panel}-${side}`}>
            Cancel
          </button>
        </div>
      )}
      {view?.error && (
        <div role="alert" className="notice notice-error">
          {view.error}{' '}
          <button type="button" className="link-button" onClick={ctx.onRetry}>
            Run again
          </button>
        </div>
      )}
      {result && (
        <>
          <div ref={host} className={view?.running ? 'stale' : undefined}>
            {children(result)}
          </div>
          <NumbersTable rows={numbers(result)} testId={`numbers-${panel}-${side}`} />
          <div className="controls export-row">
            <span className="muted">Save:</span>
            <button type="button" onClick={() => void save('svg')} data-testid={`export-svg-${panel}-${side}`}>
              SVG
            </button>
            <button type="button" onClick={() => void save('png')} data-testid={`export-png-${panel}-${side}`}>
              PNG
            </button>
            <button
              type="button"
              onClick={() => downloadFile(rowsToCsv(reportRows(sideReportWith(info, result, view?.seconds), panel)), `${name}.csv`, 'text/csv')}
              data-testid={`export-csv-${panel}-${side}`}
            >
              CSV
            </button>
            {view?.seconds !== undefined && <span className="muted small">computed in {view.seconds.toFixed(1)} s</span>}
          </div>
        </>
      )}
    </div>
  );
}

// ---- Map ----------------------------------------------------------------------------------------

export interface MapInteraction {
  hovered: number | undefined;
  selected: number | undefined;
  neighbours: number[];
  onHover: (index: number) => void;
  onSelect: (index: number) => void;
}

export function MapSide({ ctx, interaction }: { ctx: SideContext; interaction: MapInteraction }) {
  const labels = ctx.info.labels;
  // The figure's listeners outlive renders: they call the latest handlers through this ref.
  const handlers = useRef(interaction);
  useEffect(() => {
    handlers.current = interaction;
  });
  const distinct = new Set(labels).size;
  return (
    <SideCard
      panel="map"
      ctx={ctx}
      numbers={(r) => [
        [
          r.report.axes === 'code' ? 'variance along z₁ + z₂' : 'variance explained by PC 1 + PC 2',
          `${pct(r.report.explained[0])} + ${pct(r.report.explained[1])} = ${pct(r.report.explainedTotal)}`,
        ],
        [
          `label agreement, ${r.report.k} neighbours (cosine / Euclidean)`,
          `${pct(r.report.labelAgreement.cosine)} / ${pct(r.report.labelAgreement.euclidean)}`,
        ],
        ['chance agreement', pct(r.report.chance)],
        ['kept by the picture (PCA / UMAP)', `${pct(r.report.pictureAgreement.pca)} / ${pct(r.report.pictureAgreement.umap)}`],
      ]}
    >
      {(r) => {
        const umap = ctx.url.proj === 'umap' ? r.umap : null;
        const points = umap ?? r.pca;
        const axes = umap
          ? ['UMAP 1', 'UMAP 2']
          : r.report.axes === 'code'
            ? ['z₁', 'z₂']
            : [`PC 1 (${pct(r.report.explained[0])})`, `PC 2 (${pct(r.report.explained[1])})`];
        const data = labels.map((label, i) => ({ i, x: points[i * 2] ?? 0, y: points[i * 2 + 1] ?? 0, label }));
        const marked = [interaction.selected, ...interaction.neighbours]
          .filter((i): i is number => i !== undefined)
          .map((i) => data[i])
          .filter((d) => d !== undefined);
        return (
          <>
            {ctx.url.proj === 'umap' && !r.umap && <p className="muted">Computing the UMAP layout…</p>}
            <PlotFigure
              label={`Map of the ${ctx.info.itemName} codes, coloured by ${ctx.info.header.data.labelName}`}
              testId={`figure-map-${ctx.side}`}
              deps={[points, interaction.selected, interaction.neighbours.join(',')]}
              render={() => {
                const figure = Plot.plot({
                  width: 460,
                  height: 400,
                  x: { label: axes[0] },
                  y: { label: axes[1] },
                  color: { type: 'categorical', scheme: 'observable10', legend: distinct <= 12, label: ctx.info.header.data.labelName },
                  marks: [
                    Plot.dot(data, { x: 'x', y: 'y', fill: 'label', r: 2.2, fillOpacity: 0.7 }),
                    Plot.dot(marked, { x: 'x', y: 'y', r: 6, stroke: 'currentColor', strokeWidth: 1.5 }),
                    Plot.dot(data, Plot.pointer({ x: 'x', y: 'y', r: 8, stroke: 'currentColor', strokeWidth: 2 })),
                  ],
                });
                const current = (): number | undefined => {
                  const v: unknown = (figure as unknown as { value: unknown }).value;
                  return v && typeof v === 'object' && 'i' in v && typeof v.i === 'number' ? v.i : undefined;
                };
                figure.addEventListener('input', () => {
                  const i = current();
                  if (i !== undefined) handlers.current.onHover(i);
                });
                figure.addEventListener('click', () => {
                  const i = current();
                  if (i !== undefined) handlers.current.onSelect(i);
                });
                return figure;
              }}
            />
          </>
        );
      }}
    </SideCard>
  );
}

// ---- Units --------------------------------------------------------------------------------------

export function UnitsSide({ ctx }: { ctx: SideContext }) {
  return (
    <SideCard
      panel="units"
      ctx={ctx}
      numbers={(r) => [
        ['active units (variance of μ > 0.01)', `${r.report.active} of ${r.report.zDims}`],
        ['KL to the prior, all units', r.report.klTotal === null ? 'no σ (plain autoencoder)' : `${num(r.report.klTotal)} nats`],
        [
          'most used units',
          r.report.order
            .slice(0, 4)
            .map((u) => `#${u}`)
            .join(', '),
        ],
      ]}
    >
      {(r) => {
        const { kl, variance, order, threshold } = r.report;
        const data = order.map((unit, rank) => ({
          rank,
          unit: `#${unit}`,
          kl: kl?.[unit] ?? null,
          variance: variance[unit] ?? 0,
          active: (variance[unit] ?? 0) > threshold ? 'active' : 'inactive',
        }));
        const colors = { domain: ['active', 'inactive'], range: ['#3b2f8f', '#c9c4dc'], legend: true, label: 'unit' };
        return (
          <PlotFigure
            label="Use of each latent unit, most used first"
            testId={`figure-units-${ctx.side}`}
            deps={[r]}
            render={() => {
              const wrap = document.createElement('div');
              if (kl) {
                wrap.appendChild(
                  Plot.plot({
                    width: 460,
                    height: 200,
                    x: { label: 'units, most used first', tickFormat: () => '', tickSize: 0 },
                    y: { label: 'KL to the prior (nats)', grid: true },
                    color: colors,
                    marks: [
                      Plot.barY(data, { x: 'rank', y: 'kl', fill: 'active', title: (d: { unit: string; kl: number }) => `${d.unit}: ${d.kl.toFixed(3)} nats` }),
                      Plot.ruleY([0]),
                    ],
                  }),
                );
              }
              wrap.appendChild(
                Plot.plot({
                  width: 460,
                  height: kl ? 170 : 220,
                  x: { label: 'units, most used first', tickFormat: () => '', tickSize: 0 },
                  y: { label: 'variance of μ', type: 'symlog', grid: true },
                  color: colors,
                  marks: [
                    Plot.barY(data, {
                      x: 'rank',
                      y: 'variance',
                      fill: 'active',
                      title: (d: { unit: string; variance: number }) => `${d.unit}: ${d.variance.toFixed(4)}`,
                    }),
                    Plot.ruleY([threshold], { stroke: '#b3261e', strokeDasharray: '4 3' }),
                  ],
                }),
              );
              return wrap;
            }}
          />
        );
      }}
    </SideCard>
  );
}

// ---- Paths --------------------------------------------------------------------------------------

export function PathsSide({ ctx }: { ctx: SideContext }) {
  const mode = ctx.url.mode;
  return (
    <SideCard
      panel="paths"
      ctx={ctx}
      numbers={(r) => {
        const s = r.report.smoothness;
        return [
          ['smoothness, lerp (mean / median / worst)', `${num(s.lerp.mean, 3)} / ${num(s.lerp.median, 3)} / ${num(s.lerp.max, 3)}`],
          ['smoothness, slerp (mean / median / worst)', `${num(s.slerp.mean, 3)} / ${num(s.slerp.median, 3)} / ${num(s.slerp.max, 3)}`],
          ['walks whose ends decode alike', `${r.report.identicalEnds.lerp} of ${r.report.pairs} (lerp)`],
          ['distance between decodes', r.report.distance],
        ];
      }}
    >
      {(r) => {
        const rough = r.report.roughest[mode];
        const data = r.report.paths.flatMap((p, i) =>
          p.mode !== mode || p.endToEnd <= 0 ? [] : p.stepDistances.map((d, step) => ({ path: i, step: step + 1, share: d / p.endToEnd, rough: i === rough })),
        );
        const roughPath = rough === null ? undefined : r.report.paths[rough];
        const items = r.roughest[mode];
        return (
          <>
            <PlotFigure
              label={`Step sizes along ${mode} walks`}
              testId={`figure-paths-${ctx.side}`}
              deps={[r, mode]}
              render={() =>
                Plot.plot({
                  width: 460,
                  height: 260,
                  x: { label: 'step along the walk', ticks: 10 },
                  y: { label: 'step ÷ end-to-end distance', grid: true },
                  marks: [
                    Plot.line(
                      data.filter((d) => !d.rough),
                      { x: 'step', y: 'share', z: 'path', stroke: '#8d86ad', strokeOpacity: 0.45 },
                    ),
                    Plot.line(
                      data.filter((d) => d.rough),
                      { x: 'step', y: 'share', stroke: '#b3261e', strokeWidth: 2.5 },
                    ),
                    Plot.ruleY([0.1], { stroke: '#0f7a64', strokeDasharray: '4 3' }),
                    Plot.text([{ x: 10, y: 0.1 }], { x: 'x', y: 'y', text: () => 'even (0.1)', dy: -6, textAnchor: 'end', fill: '#0f7a64' }),
                  ],
                })
              }
            />
            {items && roughPath && (
              <>
                <p className="muted small">
                  Roughest {mode} walk: {ctx.info.itemName} #{roughPath.a} ({ctx.info.labels[roughPath.a]}) → #{roughPath.b} ({ctx.info.labels[roughPath.b]}),
                  smoothness {num(roughPath.smoothness, 2)}.
                </p>
                <ItemView
                  items={items}
                  columns={11}
                  label={`Roughest ${mode} walk`}
                  captions={Array.from({ length: 11 }, (_, i) => (i === 0 ? 'A' : i === 10 ? 'B' : `${num(roughPath.stepDistances[i - 1], 1)}`))}
                  onPlay={(seq, i) => ctx.play(seq, `paths-${ctx.side}`, i)}
                  playing={ctx.playing?.group === `paths-${ctx.side}` ? ctx.playing.index : undefined}
                  testId={`items-paths-${ctx.side}`}
                />
              </>
            )}
          </>
        );
      }}
    </SideCard>
  );
}

// ---- Holes --------------------------------------------------------------------------------------

export function HolesSide({ ctx }: { ctx: SideContext }) {
  return (
    <SideCard
      panel="holes"
      ctx={ctx}
      numbers={(r) => [
        ['prior draws in thin regions (≈1% = no holes)', pct(r.report.share)],
        ['median log q: prior draws / real codes', `${num(r.report.logQ.prior.median, 1)} / ${num(r.report.logQ.real.median, 1)}`],
        ['median distance to the nearest real item: prior / real', `${num(r.report.nearest.prior.median)} / ${num(r.report.nearest.real.median)}`],
        ['how q(z|x) was taken', r.report.density === 'posterior' ? 'the encoder’s σ' : 'a kernel (no σ)'],
      ]}
    >
      {(r) => {
        const logs = [...Array.from(r.logQ.prior, (v) => ({ kind: 'prior draws', v })), ...Array.from(r.logQ.real, (v) => ({ kind: 'real codes', v }))];
        const near = [...r.nearest.prior.map((v) => ({ kind: 'prior draws', v })), ...r.nearest.real.map((v) => ({ kind: 'real codes', v }))];
        const colors = { domain: ['prior draws', 'real codes'], range: ['#b3261e', '#0f7a64'], legend: true };
        return (
          <>
            <PlotFigure
              label="Density of real codes around prior draws and real codes, and distance of their decodes to the nearest real item"
              testId={`figure-holes-${ctx.side}`}
              deps={[r]}
              render={() => {
                const wrap = document.createElement('div');
                wrap.className = 'figure-row';
                wrap.appendChild(
                  Plot.plot({
                    width: 300,
                    height: 230,
                    x: { label: 'log q(z)' },
                    y: { label: 'draws', grid: true },
                    color: colors,
                    marks: [
                      Plot.rectY(logs, Plot.binX<Plot.RectYOptions>({ y: 'count' }, { x: 'v', fill: 'kind', fillOpacity: 0.6, thresholds: 30 })),
                      Plot.ruleX([r.report.threshold], { strokeDasharray: '4 3' }),
                    ],
                  }),
                );
                wrap.appendChild(
                  Plot.plot({
                    width: 300,
                    height: 150,
                    marginLeft: 80,
                    x: { label: `distance to the nearest real item (${r.report.distance})`, grid: true },
                    y: { label: null },
                    color: colors,
                    marks: [
                      Plot.tickX(near, { x: 'v', y: 'kind', stroke: 'kind', strokeOpacity: 0.5 }),
                      Plot.tickX(near, Plot.groupY({ x: 'median' }, { x: 'v', y: 'kind', strokeWidth: 3, stroke: 'currentColor' })),
                    ],
                  }),
                );
                return wrap;
              }}
            />
            <p className="muted small">Worst prior draws (farthest from any real {ctx.info.itemName}):</p>
            <ItemView
              items={r.worst}
              label="Worst prior draws"
              captions={r.report.worst.map((w) => `${num(w.distance, 1)} from #${w.nearest}`)}
              onPlay={(seq, i) => ctx.play(seq, `holes-${ctx.side}`, i)}
              playing={ctx.playing?.group === `holes-${ctx.side}` ? ctx.playing.index : undefined}
              testId={`items-holes-${ctx.side}`}
            />
          </>
        );
      }}
    </SideCard>
  );
}

// ---- Attributes ---------------------------------------------------------------------------------

export function AttributesSide({ ctx }: { ctx: SideContext }) {
  return (
    <SideCard
      panel="attributes"
      ctx={ctx}
      numbers={(r) => [
        ['groups', `${r.report.a.name} (${r.report.a.count}) → ${r.report.b.name} (${r.report.b.count})`],
        ['consistency (mean cosine)', num(r.report.consistency, 3)],
        ['pairs that differ the vector’s way', pct(r.report.agreeing)],
        [
          'measure: first → last step (group A → B)',
          `${num(r.report.measure.perStep[0])} → ${num(r.report.measure.perStep.at(-1))} (${num(r.report.measure.groupA)} → ${num(r.report.measure.groupB)})`,
        ],
      ]}
    >
      {(r) => {
        const m = r.report.measure;
        const data = r.report.alphas.map((alpha, k) => ({ alpha, value: m.perStep[k] ?? 0 }));
        const steps = r.report.alphas.length;
        return (
          <>
            <PlotFigure
              label={`${m.name} along the attribute vector`}
              testId={`figure-attributes-${ctx.side}`}
              deps={[r]}
              render={() =>
                Plot.plot({
                  width: 460,
                  height: 230,
                  x: { label: 'multiple of the vector added' },
                  y: { label: m.name.length > 40 ? `${m.name.slice(0, 38)}…` : m.name, grid: true },
                  marks: [
                    Plot.ruleY([m.groupA], { stroke: '#8d86ad', strokeDasharray: '4 3' }),
                    Plot.ruleY([m.groupB], { stroke: '#0f7a64', strokeDasharray: '4 3' }),
                    Plot.text(
                      [
                        { y: m.groupA, t: r.report.a.name },
                        { y: m.groupB, t: r.report.b.name },
                      ],
                      { x: 0, y: 'y', text: 't', dy: -6, textAnchor: 'start', fill: 'currentColor' },
                    ),
                    Plot.line(data, { x: 'alpha', y: 'value', stroke: '#3b2f8f', strokeWidth: 2 }),
                    Plot.dot(data, { x: 'alpha', y: 'value', fill: '#3b2f8f' }),
                  ],
                })
              }
            />
            <ItemView
              items={r.walks}
              columns={steps}
              label="Decodes along the attribute vector"
              captions={r.report.items.flatMap((item) => r.report.alphas.map((a, k) => (k === 0 ? `#${item}` : `+${a.toFixed(2)}`)))}
              onPlay={(seq, i) => ctx.play(seq, `attributes-${ctx.side}`, i)}
              playing={ctx.playing?.group === `attributes-${ctx.side}` ? ctx.playing.index : undefined}
              testId={`items-attributes-${ctx.side}`}
            />
          </>
        );
      }}
    </SideCard>
  );
}

/** The hover box and nearest-neighbour list under the map of a side. */
export function MapDetails({
  ctx,
  hovered,
  neighbours,
  onSelect,
}: {
  ctx: SideContext;
  hovered: { index: number; items: DisplayItems } | undefined;
  neighbours: { index: number; indices: number[]; distances: number[]; items: DisplayItems } | undefined;
  onSelect: (index: number) => void;
}) {
  const labels = ctx.info.labels;
  const selected = ctx.side === 'image' ? ctx.url.isel : ctx.url.msel;
  return (
    <div className="map-details">
      <div className="controls">
        <label>
          Neighbours of {ctx.info.itemName} #{' '}
          <NumberField value={selected ?? 0} min={0} max={labels.length - 1} onCommit={onSelect} data-testid={`select-${ctx.side}`} />
        </label>
        <span className="muted small">0–{labels.length - 1}; or click a dot</span>
      </div>
      <div className="hover-box" data-testid={`hover-${ctx.side}`} data-index={hovered?.index}>
        {hovered ? (
          <>
            <ItemView items={hovered.items} label="Hovered item" onPlay={(seq) => ctx.play(seq, `hover-${ctx.side}`, 0)} />
            <span className="muted">
              #{hovered.index}, {ctx.info.header.data.labelName} {labels[hovered.index]}
            </span>
          </>
        ) : (
          <span className="muted">Hover a dot to {ctx.side === 'music' ? 'see and hear' : 'see'} the item; click it for its nearest neighbours.</span>
        )}
      </div>
      {neighbours && (
        <div data-testid={`neighbours-${ctx.side}`} data-index={neighbours.index}>
          <p className="small">
            Nearest to #{neighbours.index} ({labels[neighbours.index]}) by {ctx.url.metric} distance in z — the first is the item itself:
          </p>
          <ItemView
            items={neighbours.items}
            label="Nearest neighbours"
            captions={[`#${neighbours.index} itself`, ...neighbours.indices.map((i, k) => `#${i} · ${labels[i]} · ${num(neighbours.distances[k], 2)}`)]}
            onPlay={(seq, i) => ctx.play(seq, `neighbours-${ctx.side}`, i)}
            playing={ctx.playing?.group === `neighbours-${ctx.side}` ? ctx.playing.index : undefined}
            testId={`items-neighbours-${ctx.side}`}
          />
        </div>
      )}
    </div>
  );
}

'use client';
/** The Holes panel: how dense real codes are around prior draws, and the worst draws decoded. */
import * as Plot from '@observablehq/plot';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { holesNumbers, num } from '@/lib/compare/numbers';
import { ItemView } from '@/app/_components/media/ItemView';
import { SideCard, type SideContext } from './shared';

export function HolesSide({ ctx }: { ctx: SideContext }) {
  return (
    <SideCard panel="holes" ctx={ctx} numbers={holesNumbers}>
      {(r) => {
        const logs = [...Array.from(r.logQ.prior, (v) => ({ kind: 'prior draws', v })), ...Array.from(r.logQ.real, (v) => ({ kind: 'real codes', v }))];
        const near = [...r.nearest.prior.map((v) => ({ kind: 'prior draws', v })), ...r.nearest.real.map((v) => ({ kind: 'real codes', v }))];
        const colors = { domain: ['prior draws', 'real codes'], range: ['#b3261e', '#0f7a64'], legend: true };
        return (
          <>
            <PlotFigure
              label="Density of real codes around prior draws and real codes, and distance of their decodes to the nearest real item"
              testId={`figure-holes-${ctx.column}`}
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
              onPlay={(i) => ctx.play(r.worst, `holes-${ctx.column}`, i)}
              playing={ctx.playing?.group === `holes-${ctx.column}` ? ctx.playing.index : undefined}
              testId={`items-holes-${ctx.column}`}
            />
          </>
        );
      }}
    </SideCard>
  );
}

'use client';
/** The Units panel: the KL to the prior and the variance of μ of every latent unit, most used first. */
import * as Plot from '@observablehq/plot';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { unitsNumbers } from '@/lib/compare/numbers';
import { SideCard, type SideContext } from './shared';

export function UnitsSide({ ctx }: { ctx: SideContext }) {
  return (
    <SideCard panel="units" ctx={ctx} numbers={unitsNumbers}>
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
            testId={`figure-units-${ctx.column}`}
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

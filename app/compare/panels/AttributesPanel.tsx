'use client';
/** The Attribute vectors panel: a measured attribute along the vector between two groups, and the decodes. */
import * as Plot from '@observablehq/plot';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { attributesNumbers } from '@/lib/compare/numbers';
import { ItemView } from '@/app/_components/media/ItemView';
import { SideCard, type SideContext } from './shared';

export function AttributesSide({ ctx }: { ctx: SideContext }) {
  return (
    <SideCard panel="attributes" ctx={ctx} numbers={attributesNumbers}>
      {(r) => {
        const m = r.report.measure;
        const data = r.report.alphas.map((alpha, k) => ({ alpha, value: m.perStep[k] ?? 0 }));
        const steps = r.report.alphas.length;
        return (
          <>
            <PlotFigure
              label={`${m.name} along the attribute vector`}
              testId={`figure-attributes-${ctx.column}`}
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
              onPlay={(i) => ctx.play(r.walks, `attributes-${ctx.column}`, i)}
              playing={ctx.playing?.group === `attributes-${ctx.column}` ? ctx.playing.index : undefined}
              testId={`items-attributes-${ctx.column}`}
            />
          </>
        );
      }}
    </SideCard>
  );
}

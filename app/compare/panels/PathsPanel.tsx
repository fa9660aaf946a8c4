'use client';
/** The Paths panel: step sizes along lerp and slerp walks between random pairs; the roughest walk decoded. */
import * as Plot from '@observablehq/plot';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { num, pathsNumbers } from '@/lib/compare/numbers';
import { ItemView } from '@/app/_components/media/ItemView';
import { SideCard, type SideContext } from './shared';

export function PathsSide({ ctx }: { ctx: SideContext }) {
  const mode = ctx.url.mode;
  return (
    <SideCard panel="paths" ctx={ctx} numbers={pathsNumbers}>
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
              testId={`figure-paths-${ctx.column}`}
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
                  onPlay={(i) => ctx.play(items, `paths-${ctx.column}`, i)}
                  playing={ctx.playing?.group === `paths-${ctx.column}` ? ctx.playing.index : undefined}
                  testId={`items-paths-${ctx.column}`}
                />
              </>
            )}
          </>
        );
      }}
    </SideCard>
  );
}

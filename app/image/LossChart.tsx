'use client';
/** The image lab's live training chart: the loss of every batch and the test loss of every epoch. */
import * as Plot from '@observablehq/plot';
import { PlotFigure } from '@/app/_components/PlotFigure';

export type LossPoint = { x: number; loss: number; series: 'train (batch)' | 'test (epoch)' };

export function LossChart({ points, variational }: { points: readonly LossPoint[]; variational: boolean }) {
  return (
    <PlotFigure
      label="Loss per batch and per epoch"
      testId="loss-chart"
      deps={[points]}
      render={() =>
        points.length === 0
          ? null
          : Plot.plot({
              height: 220,
              marginLeft: 55,
              x: { label: 'epoch', grid: true },
              y: { label: variational ? 'loss (784·MSE + KL)' : 'loss (BCE per pixel)', grid: true },
              color: { legend: true, domain: ['train (batch)', 'test (epoch)'], range: ['#8b83c7', '#0f7a64'] },
              marks: [
                Plot.line(
                  points.filter((p) => p.series === 'train (batch)'),
                  { x: 'x', y: 'loss', stroke: 'series' },
                ),
                Plot.line(
                  points.filter((p) => p.series === 'test (epoch)'),
                  { x: 'x', y: 'loss', stroke: 'series', strokeWidth: 2 },
                ),
                Plot.dot(
                  points.filter((p) => p.series === 'test (epoch)'),
                  { x: 'x', y: 'loss', fill: 'series', r: 4, tip: true },
                ),
              ],
            })
      }
    />
  );
}

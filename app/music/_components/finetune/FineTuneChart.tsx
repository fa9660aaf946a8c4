'use client';
/** The live curves of a fine-tuning: loss and teacher-forced accuracy on each step's batch. */
import * as Plot from '@observablehq/plot';
import { PlotFigure } from '@/app/_components/PlotFigure';
import type { CurvePoint } from './useFineTune';

function curvePlot(points: readonly { step: number; value: number }[], label: string, color: string): SVGElement | HTMLElement | null {
  if (points.length === 0) return null;
  return Plot.plot({
    height: 170,
    width: 320,
    marginLeft: 45,
    x: { label: 'step', grid: true },
    y: { label, grid: true },
    marks: [Plot.line(points, { x: 'step', y: 'value', stroke: color }), Plot.dot(points.slice(-1), { x: 'step', y: 'value', fill: color, tip: true })],
  });
}

export function FineTuneChart({ curve }: { curve: readonly CurvePoint[] }) {
  const loss = curve.map((p) => ({ step: p.step, value: p.loss })).filter((p) => Number.isFinite(p.value));
  const accuracy = curve.map((p) => ({ step: p.step, value: p.accuracy })).filter((p) => Number.isFinite(p.value));
  return (
    <div className="controls finetune-charts">
      <PlotFigure label="Loss per step" testId="finetune-loss-chart" deps={[curve]} render={() => curvePlot(loss, 'loss', '#8b83c7')} />
      <PlotFigure
        label="Teacher-forced accuracy per step"
        testId="finetune-accuracy-chart"
        deps={[curve]}
        render={() => curvePlot(accuracy, 'accuracy', '#0f7a64')}
      />
    </div>
  );
}

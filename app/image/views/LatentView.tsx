'use client';
/** The latent scatter of the test digits (projected for codes above 2-D), hover to see a digit, and the drawing pad. */
import * as Plot from '@observablehq/plot';
import { useState } from 'react';
import { DigitCanvas } from '@/app/_components/media/DigitCanvas';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { useWorkerResult } from '@/app/_components/useWorkerResult';
import { request } from '@/app/_workers/client';
import type { WorkerResponse } from '@/app/_workers/protocol';
import { describeError } from '@/lib/core/errors';
import { DrawPad } from './DrawPad';
import type { ViewProps } from './types';

type Scatter = Extract<WorkerResponse, { type: 'image:scatter:done' }>;

export function LatentView({ model, version, url, setUrl, onError, training }: ViewProps) {
  const method = url.proj;
  const [progress, setProgress] = useState<{ label: string; fraction?: number; since: number }>();
  const [hovered, setHovered] = useState<{ index: number; pixels: Float32Array }>();
  const [drawn, setDrawn] = useState<Extract<WorkerResponse, { type: 'image:drawn:done' }>>();
  const scatter = useWorkerResult<Scatter>(
    async () => {
      const since = performance.now();
      setProgress({ label: `Placing ${model.zDims > 2 ? 'and projecting ' : ''}the test digits' codes`, since });
      try {
        return await request({ type: 'image:scatter', method }, 'image:scatter:done', (e) => {
          if (e.type === 'image:progress') setProgress({ label: e.label, fraction: e.fraction, since });
        });
      } finally {
        setProgress(undefined);
      }
    },
    [version, method, model.id, training ? 0 : 1],
    onError,
  );
  const value = scatter.value;
  const data = value
    ? Array.from({ length: value.count }, (_, i) => ({
        i,
        x: value.points[i * 2] ?? 0,
        y: value.points[i * 2 + 1] ?? 0,
        digit: String(value.labels[i] ?? '?'),
      }))
    : [];
  const axis = value?.method === 'code' ? ['z₁', 'z₂'] : value?.method === 'umap' ? ['UMAP 1', 'UMAP 2'] : ['PC 1', 'PC 2'];
  const hover = (index: number | undefined) => {
    if (index === undefined || index === hovered?.index) return;
    request({ type: 'image:digits', indices: [index] }, 'image:images')
      .then((r) => setHovered({ index, pixels: r.images }))
      .catch(() => undefined);
  };
  return (
    <section aria-labelledby="lat-h">
      <h2 id="lat-h">Latent space</h2>
      <p className="muted">
        Each dot is one of the test digits, placed by its code
        {model.zDims > 2 ? ` (${model.zDims.toLocaleString('en')} numbers, projected to 2-D)` : ' (2 numbers: no projection needed)'} and coloured by what digit
        it really is. Hover a dot to see the digit; draw one on the pad to see where it lands.
      </p>
      {model.zDims > 2 && (
        <div className="controls">
          <label>
            Projection{' '}
            <select value={method} onChange={(e) => setUrl({ proj: e.target.value === 'umap' ? 'umap' : 'pca' })} data-testid="scatter-method">
              <option value="pca">PCA (linear, fast)</option>
              <option value="umap">UMAP (neighbourhoods, slower)</option>
            </select>
          </label>
        </div>
      )}
      {progress && <ProgressBar label={progress.label} fraction={progress.fraction} since={progress.since} testId="scatter-progress" />}
      <div className="latent-row">
        <PlotFigure
          label="Scatter plot of the test digits' codes"
          testId="scatter-plot"
          deps={[value, drawn?.point?.[0], drawn?.point?.[1]]}
          render={() => {
            if (!value) return null;
            const figure = Plot.plot({
              width: 520,
              height: 440,
              x: { label: axis[0] },
              y: { label: axis[1] },
              color: { type: 'categorical', scheme: 'tableau10', legend: true, label: 'digit', domain: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
              marks: [
                Plot.dot(data, { x: 'x', y: 'y', fill: 'digit', r: 2, fillOpacity: 0.7 }),
                Plot.dot(data, Plot.pointer({ x: 'x', y: 'y', r: 7, stroke: 'currentColor', strokeWidth: 2 })),
                ...(drawn?.point
                  ? [Plot.dot([{ x: drawn.point[0], y: drawn.point[1] }], { x: 'x', y: 'y', r: 9, symbol: 'star', fill: 'black', stroke: 'white' })]
                  : []),
              ],
            });
            figure.addEventListener('input', () => {
              const v: unknown = (figure as unknown as { value: unknown }).value;
              if (v && typeof v === 'object' && 'i' in v && typeof v.i === 'number') hover(v.i);
            });
            return figure;
          }}
        />
        <div className="latent-side">
          <div className="hover-box" data-testid="scatter-hover">
            {hovered ? (
              <>
                <DigitCanvas pixels={hovered.pixels} display={84} title={`test digit #${hovered.index}`} />
                <span className="muted">
                  #{hovered.index}, a {value?.labels[hovered.index]}
                </span>
              </>
            ) : (
              <span className="muted">Hover a dot</span>
            )}
          </div>
          <DrawPad
            onInk={(ink, w, h) =>
              request({ type: 'image:drawn', ink, width: w, height: h }, 'image:drawn:done')
                .then(setDrawn)
                .catch((e: unknown) => onError(describeError(e)))
            }
            onClear={() => setDrawn(undefined)}
          />
          {drawn && (
            <div className="drawn-row" data-testid="drawn-result">
              <figure>
                <DigitCanvas pixels={drawn.digit} title="your digit, MNIST-style" />
                <figcaption>you</figcaption>
              </figure>
              <figure>
                <DigitCanvas pixels={drawn.output} title="the model's reconstruction" testId="drawn-output" />
                <figcaption>model</figcaption>
              </figure>
              <span className="muted">
                code: [{Array.from(drawn.code.subarray(0, 4), (v) => v.toFixed(2)).join(', ')}
                {drawn.code.length > 4 ? ', …' : ''}]
              </span>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

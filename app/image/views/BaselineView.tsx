'use client';
/** The PCA baseline at the model's real bottleneck (lib/image/bottleneck.ts), with the classical baselines of corrupting models. */
import { useState } from 'react';
import { DigitCanvas, imageAt } from '@/app/_components/media/DigitCanvas';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { cancelRequest, startCall } from '@/app/_workers/client';
import type { WorkerResponse } from '@/app/_workers/protocol';
import { describeError } from '@/lib/core/errors';
import { bottleneckOf } from '@/lib/image/bottleneck';
import { imageModelSpec } from '@/lib/image/specs';
import type { ViewProps } from './types';

type Result = Extract<WorkerResponse, { type: 'image:baseline:done' }>;

export function BaselineView({ model, version, onError }: ViewProps) {
  const [answer, setAnswer] = useState<{ key: string; value: Result }>();
  const [running, setRunning] = useState<{ id: number; label: string; fraction?: number; since: number }>();
  const key = `${model.id}:${version}`;
  // A result for older weights is not shown.
  const result = answer?.key === key ? answer.value : undefined;
  const plan = bottleneckOf(imageModelSpec(model.id, model.corruption === 'noise' && model.noiseSigma !== undefined ? { noiseSigma: model.noiseSigma } : {}));
  const run = () => {
    const since = performance.now();
    const call = startCall({ type: 'image:baseline', count: 500 }, (e) => {
      if (e.type === 'image:progress') setRunning((r) => (r ? { ...r, label: e.label, fraction: e.fraction } : r));
    });
    setRunning({ id: call.id, label: 'Starting the comparison', since });
    call.done
      .then((value) => {
        if (value.type !== 'image:baseline:done') throw new Error(`Unexpected worker answer "${value.type}".`);
        setAnswer({ key, value });
      })
      .catch((e: unknown) => onError(describeError(e)))
      .finally(() => setRunning(undefined));
  };
  return (
    <section aria-labelledby="pca-h">
      <h2 id="pca-h">PCA baseline</h2>
      <p className="muted" data-testid="baseline-explanation">
        {result?.explanation ?? plan.explanation} Measured on 500 test digits
        {model.corruption === 'noise' ? ' (PCA projects the same noisy input: classic PCA denoising)' : ''}.
      </p>
      <div className="controls">
        <button type="button" onClick={run} disabled={running !== undefined} data-testid="baseline-run">
          {running ? 'Comparing…' : 'Compare with PCA'}
        </button>
        {running && (
          <button type="button" onClick={() => cancelRequest(running.id)} data-testid="baseline-cancel">
            Cancel
          </button>
        )}
      </div>
      {running && <ProgressBar label={running.label} fraction={running.fraction} since={running.since} testId="baseline-progress" />}
      {result && (
        <>
          <table className="baseline" data-testid="baseline-table">
            <thead>
              <tr>
                <th />
                <th>MSE</th>
                <th>BCE</th>
                <th>PSNR (dB)</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr key={row.label} data-role={row.role}>
                  <th>
                    {row.label}
                    {row.role === 'pca' && <span className="muted"> (keeps {(result.explained * 100).toFixed(1)}% of the variance)</span>}
                  </th>
                  <td>{row.mse.toFixed(4)}</td>
                  <td>{row.bce.toFixed(4)}</td>
                  <td>{row.psnr.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="baseline-rows">
            <div className="digit-grid">
              <span className="row-label">original</span>
              {Array.from({ length: 8 }, (_, i) => (
                <DigitCanvas key={i} pixels={imageAt(result.clean, i)} display={42} />
              ))}
            </div>
            {result.rows.map((row) => (
              <div key={row.label} className="digit-grid">
                <span className="row-label">{row.role === 'model' ? 'model' : row.role === 'pca' ? 'PCA' : row.role}</span>
                {Array.from({ length: 8 }, (_, i) => (
                  <DigitCanvas key={i} pixels={imageAt(row.images, i)} display={42} />
                ))}
              </div>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

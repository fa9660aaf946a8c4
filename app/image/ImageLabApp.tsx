'use client';
/**
 * The image lab: pick one of the lesson's models (pretrained weights load at once), look at it
 * through every view, train it further or from scratch in the browser. All model work runs in the
 * model worker; the settings live in the URL (lib/image/lab-url.ts).
 */
import { describeError } from '@/lib/core/errors';
import { ignoredNote } from '@/lib/core/url-state';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { ClassroomBar } from '@/app/_components/classroom/ClassroomBar';
import { digitEntry, digitEntryProblem } from '@/lib/image/entries';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { useBackendStore } from '@/app/_state/backend-store';
import { request } from '@/app/_workers/client';
import type { ImageModelSource, ModelInfo } from '@/lib/image/protocol';
import type { WorkerResponse } from '@/app/_workers/protocol';
import { IMAGE_LAB_VIEWS, imageLabUrl, type ImageLabView } from '@/lib/image/lab-url';
import { IMAGE_MODEL_IDS, imageModelSpec, type ImageModelId } from '@/lib/image/specs';
import { DataPanel } from './DataPanel';
import { TrainingPanel } from './TrainingPanel';
import { BaselineView } from './views/BaselineView';
import { GenerateView } from './views/GenerateView';
import { InterpolateView } from './views/InterpolateView';
import { LatentView } from './views/LatentView';
import { ManifoldView } from './views/ManifoldView';
import { ReconstructionsView } from './views/ReconstructionsView';
import type { ViewProps } from './views/types';

const VIEW_TITLES: Record<ImageLabView, string> = {
  reconstruct: 'Reconstructions',
  latent: 'Latent space + drawing pad',
  manifold: 'Manifold grid',
  generate: 'Generate',
  interpolate: 'Interpolate',
  baseline: 'PCA baseline',
};

type Loading = { label: string; fraction?: number; since: number };

export function ImageLabApp() {
  const { state: url, set: setUrl, ignored } = useTypedUrlState(imageLabUrl);
  const modelId = url.model;
  const view = url.view;
  const backend = useBackendStore((s) => s.state);
  const startBackend = useBackendStore((s) => s.start);
  const [data, setData] = useState<{ name: string; train: number; test: number; labels: Uint8Array }>();
  const [model, setModel] = useState<ModelInfo>();
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState<Loading>();
  const [error, setError] = useState<string>();
  const [training, setTraining] = useState(false);
  /** Set when a saved/uploaded model of another kind was loaded: the model switch must not replace it. */
  const external = useRef<ImageModelId | undefined>(undefined);

  useEffect(() => startBackend(), [startBackend]);

  /** Runs a loading request with its progress shown in the lab's head. */
  const withProgress = useCallback(async <T,>(label: string, work: (onEvent: (e: WorkerResponse) => void) => Promise<T>): Promise<T> => {
    // Loading labels are set after a tick, never synchronously inside the effect that starts this.
    await Promise.resolve();
    const since = performance.now();
    setLoading({ label, since });
    try {
      return await work((e) => {
        if (e.type === 'image:progress') setLoading({ label: e.label, fraction: e.fraction, since });
      });
    } finally {
      setLoading(undefined);
    }
  }, []);

  const loadData = useCallback(
    async (source: { kind: 'embedded' } | { kind: 'idx'; name: string; files: [Uint8Array, Uint8Array, Uint8Array, Uint8Array] }) => {
      const r = await withProgress(source.kind === 'embedded' ? 'Loading the embedded digits' : `Reading ${source.name}`, (onEvent) =>
        request({ type: 'image:data', source }, 'image:data:done', onEvent),
      );
      setData({ name: r.name, train: r.train, test: r.test, labels: r.testLabels });
      setVersion((v) => v + 1);
    },
    [withProgress],
  );

  useEffect(() => {
    if (backend.status !== 'ready' || data) return;
    Promise.resolve()
      .then(() => loadData({ kind: 'embedded' }))
      .catch((e: unknown) => setError(describeError(e)));
  }, [backend.status, data, loadData]);

  const load = useCallback(
    async (source: ImageModelSource) => {
      const r = await withProgress(source.kind === 'shipped' ? `Loading the pretrained ${imageModelSpec(source.id).title}` : 'Loading the model', (onEvent) =>
        request({ type: 'image:load', source }, 'image:loaded', onEvent),
      );
      setModel(r.info);
      setVersion((v) => v + 1);
      return r.info;
    },
    [withProgress],
  );

  useEffect(() => {
    if (!data) return;
    if (external.current === modelId) {
      external.current = undefined;
      return;
    }
    load({ kind: 'shipped', id: modelId }).catch(async (e: unknown) => {
      setError(`${describeError(e)} — loaded an untrained ${imageModelSpec(modelId).title} instead: train it below.`);
      await load({ kind: 'fresh', id: modelId }).catch((e2: unknown) => setError(describeError(e2)));
    });
  }, [data, modelId, load]);

  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const onError = useCallback((m: string) => setError(m), []);
  const onSource = useCallback((source: string) => setModel((m) => (m ? { ...m, source } : m)), []);
  const ready = model !== undefined && data !== undefined && model.id === modelId;
  const viewProps: ViewProps | undefined = ready
    ? { model, version, testCount: data.test, testLabels: data.labels, url, setUrl, onError, training }
    : undefined;

  return (
    <div className="image-lab">
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      <ClassroomBar
        lab="image"
        getEntry={async () => {
          const problem = digitEntryProblem({ model: ready ? model.id : undefined, zDims: ready ? model.zDims : undefined, z: url.z });
          if (problem || !ready || !url.z) return { problem: problem ?? 'Wait until the model has loaded.' };
          const r = await request({ type: 'image:decode', codes: Float32Array.from(url.z), count: 1 }, 'image:images');
          return digitEntry(model.id, url.z, r.images);
        }}
      />
      {ignored.length > 0 && (
        <p className="notice" role="status" data-testid="url-ignored">
          {ignoredNote(ignored)}
        </p>
      )}
      <section className="card lab-head">
        <div className="controls">
          <label>
            Model{' '}
            <select value={modelId} onChange={(e) => setUrl({ model: e.target.value as ImageModelId })} disabled={training} data-testid="image-model">
              {IMAGE_MODEL_IDS.map((id) => (
                <option key={id} value={id}>
                  {imageModelSpec(id).title}
                </option>
              ))}
            </select>
          </label>
          {backend.status === 'ready' && <span className="muted">running on {backend.info.backend.toUpperCase()}</span>}
        </div>
        {model && (
          <p data-testid="model-info">
            {model.lesson}{' '}
            <span className="muted">
              Code: {model.zDims.toLocaleString('en')} numbers · {model.parameters.toLocaleString('en')} weights ·{' '}
              <span data-testid="model-source">{model.source}</span>
            </span>
          </p>
        )}
        {data && (
          <p className="muted" data-testid="data-info">
            Data: {data.name} — {data.train.toLocaleString('en')} training / {data.test.toLocaleString('en')} test digits.
          </p>
        )}
        {loading && <ProgressBar label={loading.label} fraction={loading.fraction} since={loading.since} testId="lab-loading" />}
        {!data && !loading && backend.status !== 'error' && backend.status !== 'ready' && (
          <ProgressBar label="Starting TF.js in the model worker" testId="lab-starting" />
        )}
        {backend.status === 'error' && <p className="muted">The model worker could not start: {backend.message}</p>}
      </section>

      <nav className="tabs" aria-label="Views">
        {IMAGE_LAB_VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            className={v === view ? 'tab tab-active' : 'tab'}
            aria-pressed={v === view}
            onClick={() => setUrl({ view: v })}
            data-testid={`view-${v}`}
          >
            {VIEW_TITLES[v]}
          </button>
        ))}
      </nav>

      <div className="card view-card">
        {!viewProps && <p className="muted">Getting the model ready…</p>}
        {viewProps && view === 'reconstruct' && <ReconstructionsView {...viewProps} />}
        {viewProps && view === 'latent' && <LatentView {...viewProps} />}
        {viewProps && view === 'manifold' && <ManifoldView {...viewProps} />}
        {viewProps && view === 'generate' && <GenerateView {...viewProps} />}
        {viewProps && view === 'interpolate' && <InterpolateView {...viewProps} />}
        {viewProps && view === 'baseline' && <BaselineView {...viewProps} />}
      </div>

      {ready && (
        <TrainingPanel
          key={model.id}
          model={model}
          busy={loading !== undefined}
          onWeightsChanged={bump}
          onSourceChanged={onSource}
          onError={onError}
          onTrainingChange={setTraining}
          onFresh={async () => {
            await load({ kind: 'fresh', id: model.id });
          }}
          onLoadSaved={async (name) => {
            try {
              const info = await load({ kind: 'saved', name });
              if (info.id !== modelId) {
                external.current = info.id;
                setUrl({ model: info.id });
              }
            } catch (e) {
              setError(describeError(e));
            }
          }}
          onUploaded={async (files) => {
            const enc = files.filter((f) => f.name.includes('encoder'));
            const dec = files.filter((f) => f.name.includes('decoder'));
            const pair = (fs: File[]) => [fs.find((f) => f.name.endsWith('.json')), fs.find((f) => f.name.endsWith('.bin'))];
            const [ej, ew] = pair(enc);
            const [dj, dw] = pair(dec);
            if (!ej || !ew || !dj || !dw) {
              setError(
                'Choose all four files of a downloaded model: <id>-encoder.json, <id>-encoder.weights.bin, <id>-decoder.json, <id>-decoder.weights.bin.',
              );
              return;
            }
            try {
              const info = await load({ kind: 'files', encoder: [ej, ew], decoder: [dj, dw] });
              if (info.id !== modelId) {
                external.current = info.id;
                setUrl({ model: info.id });
              }
            } catch (e) {
              setError(describeError(e));
            }
          }}
        />
      )}
      <DataPanel disabled={training || loading !== undefined} onLoad={(source) => loadData(source).catch((e: unknown) => setError(describeError(e)))} />
    </div>
  );
}

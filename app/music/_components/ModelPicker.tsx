'use client';
/**
 * Which MusicVAE a lab uses: the shipped model (default), any Magenta-format checkpoint by URL (the
 * official hosted ones are suggested for users who are online), or a checkpoint folder on this
 * computer. Shows the model's name, size, code size and the backend it runs on.
 */
import { useState } from 'react';
import { ProgressBar } from '@/app/_components/ProgressBar';
import type { MusicModelState } from './useMusicModel';

const OFFICIAL = 'https://storage.googleapis.com/magentadata/js/checkpoints/music_vae/';
export const OFFICIAL_CHECKPOINTS: Record<'melody' | 'drums', string[]> = {
  melody: [OFFICIAL + 'mel_2bar_small'],
  drums: [OFFICIAL + 'drums_2bar_lokl_small', OFFICIAL + 'drums_2bar_hikl_small'],
};

export function ModelPicker({
  lab,
  model,
  busy: labBusy = false,
}: {
  lab: 'melody' | 'drums';
  model: MusicModelState;
  /** The lab is waiting for the model: switching now would cut that work off. */ busy?: boolean;
}) {
  const [url, setUrl] = useState('');
  const { info, loading, backend, starting } = model;
  const busy = loading !== undefined || labBusy;
  return (
    <section className="card model-picker" aria-label="Model">
      <div className="controls">
        <strong>Model</strong>
        {info ? (
          <span data-testid="music-model-info" data-model-loaded="true" data-name={info.name} data-z={info.zDims}>
            {info.name}{' '}
            <span className="muted">
              (
              {info.source === 'shipped'
                ? 'shipped with Latent Lab'
                : info.source === 'url'
                  ? 'from the web'
                  : info.source === 'saved'
                    ? 'fine-tuned in this browser'
                    : 'from your folder'}
              )
            </span>{' '}
            · {(info.bytes / 1e6).toFixed(1)} MB · z = {info.zDims} · encoder {info.encoderUnits}, decoder {info.decoderUnits.join('×')} ·{' '}
            {info.parameters.toLocaleString('en')} weights
            {backend && <> · running on {backend.toUpperCase()}</>}
          </span>
        ) : (
          !busy && !starting && <span className="muted">No model loaded yet.</span>
        )}
      </div>
      {loading && <ProgressBar label={loading.label} fraction={loading.fraction} testId="model-loading" />}
      {!info && !loading && starting && <ProgressBar label="Starting TF.js in the model worker" testId="model-starting" />}
      <details>
        <summary>Use another model</summary>
        <div className="controls">
          <button type="button" onClick={() => void model.load({ kind: 'shipped' })} disabled={busy}>
            Shipped model
          </button>
          <form
            className="controls"
            onSubmit={(e) => {
              e.preventDefault();
              if (url.trim()) void model.load({ kind: 'url', url: url.trim() });
            }}
          >
            <label>
              Checkpoint URL{' '}
              <input
                type="url"
                list={`official-${lab}`}
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://…/checkpoint-folder"
                size={48}
                data-testid="model-url"
              />
            </label>
            <datalist id={`official-${lab}`}>
              {OFFICIAL_CHECKPOINTS[lab].map((u) => (
                <option key={u} value={u} />
              ))}
            </datalist>
            <button type="submit" disabled={busy || !url.trim()} data-testid="model-url-load">
              Load
            </button>
          </form>
          <label>
            Checkpoint folder{' '}
            <input
              type="file"
              multiple
              // Lets the picker choose a whole folder (config.json, weights_manifest.json and shards).
              {...{ webkitdirectory: '' }}
              disabled={busy}
              data-testid="model-folder"
              onChange={(e) => {
                const files = Array.from(e.target.files ?? []);
                e.target.value = '';
                if (files.length === 0) return;
                const first = files[0] as File & { webkitRelativePath?: string };
                const name = first.webkitRelativePath?.split('/')[0] || first.name;
                void model.load({ kind: 'folder', name, files });
              }}
            />
          </label>
        </div>
        <p className="muted">
          Any Magenta MusicVAE checkpoint folder works (config.json + weights_manifest.json + shards). The suggested official{' '}
          {lab === 'melody' ? 'melody' : 'drum'} checkpoints need an internet connection.
        </p>
      </details>
    </section>
  );
}

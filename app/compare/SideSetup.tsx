'use client';
/**
 * Choosing what each side compares: an image model (shipped, saved in this browser after training
 * in the image lab, or downloaded files) with MNIST's test digits, and a MusicVAE (shipped, a
 * Magenta checkpoint URL or folder) with melody or drum windows (the built-in examples or MIDI
 * files). Shows the loaded model, real progress and a Cancel button.
 */
import { useState, type ReactNode } from 'react';
import { NumberField } from '@/app/_components/NumberField';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { FILE_LABEL_NAMES, type SideInfo } from '@/app/_workers/compare-protocol';
import { COMPARE_LIMITS } from '@/lib/latent/compare/options';
import { SHIPPED_MUSIC_IDS } from '@/lib/latent/compare/url-state';
import type { Progress } from './useCompareSide';

export interface CatalogEntry {
  id: string;
  title: string;
  zDims: number;
}

function Status({
  info,
  loading,
  loadError,
  onCancel,
  side,
}: {
  info: SideInfo | undefined;
  loading: Progress | undefined;
  loadError: string | undefined;
  onCancel: () => void;
  side: string;
}) {
  return (
    <>
      {loading && (
        <div className="controls">
          <div className="grow">
            <ProgressBar
              label={`${loading.label}${loading.total > 1 ? ` (${loading.done.toLocaleString('en')} of ${loading.total.toLocaleString('en')})` : ''}`}
              fraction={loading.done / Math.max(1, loading.total)}
              testId={`loading-${side}`}
            />
          </div>
          <button type="button" onClick={onCancel} data-testid={`cancel-${side}`}>
            Cancel
          </button>
        </div>
      )}
      {loadError && (
        <p role="alert" className="notice notice-error" data-testid={`load-error-${side}`}>
          {loadError}
        </p>
      )}
      {info && (
        <div className="small" data-testid={`info-${side}`} data-model={info.header.model.name} data-items={info.header.data.items}>
          <strong>{info.header.model.name}</strong> — {info.header.model.description}. Code: {info.header.model.zDims} numbers
          {info.header.model.hasSigma ? ' with σ' : ', no σ'} · {info.source}.
          <br />
          <span className="muted">
            Data: {info.header.data.name} — {info.header.data.items.toLocaleString('en')} {info.itemsName}, labelled by {info.header.data.labelName} (
            {info.header.data.labels} kinds). Encoded in {info.encodeSeconds.toFixed(1)} s.
          </span>
          {info.notes.length > 0 && (
            <details>
              <summary>{info.notes.length} note(s) about the data</summary>
              <ul className="small">
                {info.notes.slice(0, 30).map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </>
  );
}

export interface ImageSetupProps {
  catalog: CatalogEntry[];
  saved: string[];
  /** "vae" or "saved:<name>", or "files" while uploaded files are used. */
  value: string;
  count: number;
  onModel: (value: string) => void;
  onCount: (n: number) => void;
  onFiles: (files: File[]) => void;
  info: SideInfo | undefined;
  loading: Progress | undefined;
  loadError: string | undefined;
  onCancel: () => void;
  children?: ReactNode;
}

export function ImageSetup(p: ImageSetupProps) {
  return (
    <section className="card setup" aria-labelledby="setup-image">
      <h2 id="setup-image">Images</h2>
      <div className="controls">
        <label>
          Model{' '}
          <select value={p.value} onChange={(e) => p.onModel(e.target.value)} data-testid="image-model">
            {p.catalog.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title} (z = {m.zDims})
              </option>
            ))}
            {p.saved.map((name) => (
              <option key={name} value={`saved:${name}`}>
                Saved in this browser: {name}
              </option>
            ))}
            {p.value === 'files' && <option value="files">Uploaded files</option>}
          </select>
        </label>
        <label>
          Digits{' '}
          <NumberField
            value={p.count}
            min={COMPARE_LIMITS.items.min}
            max={2000}
            onCommit={p.onCount}
            data-testid="image-count"
            aria-describedby="image-count-help"
          />
        </label>
        <span id="image-count-help" className="muted small">
          10–2,000 of MNIST’s test digits
        </span>
      </div>
      <details>
        <summary>Use a model you trained</summary>
        <p className="small muted">
          Train a model in the image lab and press “Save in this browser”: it appears in the list above. Or choose the four files of “Download model”.
        </p>
        <label className="file-label">
          Model files <input type="file" multiple accept=".json,.bin" onChange={(e) => p.onFiles(Array.from(e.target.files ?? []))} data-testid="image-files" />
        </label>
      </details>
      <Status info={p.info} loading={p.loading} loadError={p.loadError} onCancel={p.onCancel} side="image" />
      {p.children}
    </section>
  );
}

export interface MusicSetupProps {
  catalog: CatalogEntry[];
  /** "mel_2bar", "drums_2bar", "url:…", or "folder" while a picked folder is used. */
  value: string;
  data: 'examples' | 'files';
  fileLabel: (typeof FILE_LABEL_NAMES)[number];
  count: number;
  onModel: (value: string) => void;
  onFolder: (name: string, files: File[]) => void;
  onData: (data: 'examples' | 'files', files?: File[]) => void;
  onFileLabel: (label: (typeof FILE_LABEL_NAMES)[number]) => void;
  onCount: (n: number) => void;
  info: SideInfo | undefined;
  loading: Progress | undefined;
  loadError: string | undefined;
  onCancel: () => void;
  children?: ReactNode;
}

export function MusicSetup(p: MusicSetupProps) {
  const [url, setUrl] = useState(p.value.startsWith('url:') ? p.value.slice(4) : '');
  const shipped = p.catalog.filter((m) => (SHIPPED_MUSIC_IDS as readonly string[]).includes(m.id));
  return (
    <section className="card setup" aria-labelledby="setup-music">
      <h2 id="setup-music">Music</h2>
      <div className="controls">
        <label>
          Model{' '}
          <select value={p.value} onChange={(e) => p.onModel(e.target.value)} data-testid="music-model">
            {shipped.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title} (z = {m.zDims})
              </option>
            ))}
            {p.value.startsWith('url:') && <option value={p.value}>{p.value.slice(4)}</option>}
            {p.value === 'folder' && <option value="folder">Checkpoint folder</option>}
          </select>
        </label>
        <label>
          Data{' '}
          <select value={p.data} onChange={(e) => p.onData(e.target.value === 'files' ? 'files' : 'examples')} data-testid="music-data">
            <option value="examples">Built-in examples</option>
            <option value="files">My MIDI files…</option>
          </select>
        </label>
      </div>
      {p.data === 'files' && (
        <div className="controls">
          <label className="file-label">
            MIDI files{' '}
            <input
              type="file"
              multiple
              accept=".mid,.midi,audio/midi"
              onChange={(e) => p.onData('files', Array.from(e.target.files ?? []))}
              data-testid="music-files"
            />
          </label>
          <label>
            Label windows by{' '}
            <select
              value={p.fileLabel}
              onChange={(e) => p.onFileLabel(FILE_LABEL_NAMES.find((l) => l === e.target.value) ?? 'file')}
              data-testid="music-labels"
            >
              {FILE_LABEL_NAMES.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label>
            At most <NumberField value={p.count} min={COMPARE_LIMITS.items.min} max={COMPARE_LIMITS.items.max} onCommit={p.onCount} data-testid="music-count" />{' '}
            windows{' '}
            <span className="muted small">
              ({COMPARE_LIMITS.items.min}–{COMPARE_LIMITS.items.max.toLocaleString('en')})
            </span>
          </label>
        </div>
      )}
      <details>
        <summary>Use another MusicVAE</summary>
        <form
          className="controls"
          onSubmit={(e) => {
            e.preventDefault();
            if (url.trim()) p.onModel(`url:${url.trim()}`);
          }}
        >
          <label>
            Checkpoint URL{' '}
            <input
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://…/checkpoint-folder"
              size={36}
              data-testid="music-url"
            />
          </label>
          <button type="submit" disabled={!url.trim()}>
            Load
          </button>
        </form>
        <label className="file-label">
          Checkpoint folder{' '}
          <input
            type="file"
            multiple
            {...{ webkitdirectory: '' }}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              const first = files[0] as (File & { webkitRelativePath?: string }) | undefined;
              if (first) p.onFolder(first.webkitRelativePath?.split('/')[0] || first.name, files);
            }}
            data-testid="music-folder"
          />
        </label>
      </details>
      <Status info={p.info} loading={p.loading} loadError={p.loadError} onCancel={p.onCancel} side="music" />
      {p.children}
    </section>
  );
}

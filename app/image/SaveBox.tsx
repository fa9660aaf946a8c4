'use client';
/** Saving the image lab's model in this browser (IndexedDB), listing and loading saved ones, downloading and uploading its four files. */
import { useState } from 'react';
import { downloadFile } from '@/app/_components/download';
import { request } from '@/app/_workers/client';
import { describeError } from '@/lib/core/errors';

export interface SaveBoxProps {
  /** Saving and loading wait while the model trains. */
  training: boolean;
  onStatus(message: string): void;
  onError(message: string): void;
  onLoadSaved(name: string): Promise<void>;
  onUploaded(files: File[]): Promise<void>;
}

export function SaveBox({ training, onStatus, onError, onLoadSaved, onUploaded }: SaveBoxProps) {
  const [saveName, setSaveName] = useState('my-model');
  const [saved, setSaved] = useState<string[]>();
  const save = async () => {
    try {
      const r = await request({ type: 'image:save', name: saveName.trim() }, 'image:saved');
      setSaved(r.names);
      onStatus(`Saved as "${saveName.trim()}" in this browser.`);
    } catch (error) {
      onError(describeError(error));
    }
  };
  const listSaved = async () => {
    try {
      setSaved((await request({ type: 'image:saved-list' }, 'image:saved')).names);
    } catch (error) {
      onError(describeError(error));
    }
  };
  const download = async () => {
    try {
      const r = await request({ type: 'image:export' }, 'image:export:done');
      for (const file of r.files) downloadFile(file.data, file.name, typeof file.data === 'string' ? 'application/json' : 'application/octet-stream');
      onStatus(`Downloaded ${r.files.length} files: keep them together to upload the model later.`);
    } catch (error) {
      onError(describeError(error));
    }
  };
  return (
    <details className="save-box">
      <summary>Save, download or upload a model</summary>
      <div className="controls">
        <label>
          Name <input value={saveName} onChange={(e) => setSaveName(e.target.value)} maxLength={60} data-testid="save-name" />
        </label>
        <button type="button" onClick={() => void save()} disabled={training} data-testid="save-model">
          Save in this browser
        </button>
        <button type="button" onClick={() => void listSaved()} disabled={training}>
          Show saved models
        </button>
        <button type="button" onClick={() => void download()} disabled={training} data-testid="download-model">
          Download model (4 files)
        </button>
        <label>
          Upload model (the 4 files){' '}
          <input
            type="file"
            multiple
            accept=".json,.bin"
            disabled={training}
            data-testid="upload-model"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              if (files.length) void onUploaded(files);
            }}
          />
        </label>
      </div>
      {saved && (
        <ul className="saved-list">
          {saved.length === 0 && <li className="muted">No saved models in this browser yet.</li>}
          {saved.map((name) => (
            <li key={name}>
              {name}{' '}
              <button type="button" className="link-button" onClick={() => void onLoadSaved(name)} disabled={training}>
                load
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

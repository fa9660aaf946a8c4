'use client';
/**
 * An image column: a shipped model, one saved in this browser after training in the image lab, or
 * the four files of "Download model"; with MNIST's test digits.
 */
import { useEffect, useState } from 'react';
import { request } from '@/app/_workers/client';
import { CountField, ModelSelect } from './GenericSetup';
import type { SetupProps } from './types';

export function ImageSetup(p: SetupProps) {
  const [saved, setSaved] = useState<string[]>([]);
  useEffect(() => {
    if (!p.ready) return;
    request({ type: 'image:saved-list' }, 'image:saved')
      .then((r) => setSaved(r.names))
      .catch(() => undefined);
  }, [p.ready]);
  const onFiles = (files: File[]) => {
    const pick = (part: string, ext: string) => files.find((f) => f.name.includes(part) && f.name.endsWith(ext));
    const [ej, ew, dj, dw] = [pick('encoder', '.json'), pick('encoder', '.bin'), pick('decoder', '.json'), pick('decoder', '.bin')];
    if (!ej || !ew || !dj || !dw) {
      p.onError('Choose all four files of a downloaded model: <id>-encoder.json, <id>-encoder.weights.bin, <id>-decoder.json, <id>-decoder.weights.bin.');
      return;
    }
    p.onExtra(
      {
        value: { encoder: [ej, ew], decoder: [dj, dw] },
        key: files.map((f) => `${f.name}:${f.size}:${f.lastModified}`).join('|'),
        ready: true,
        note: 'Uploaded model files stay on this page only: a shared link opens the shipped model.',
      },
      'files',
    );
  };
  return (
    <>
      <div className="controls">
        <ModelSelect
          p={p}
          extraOptions={
            <>
              {saved.map((name) => (
                <option key={name} value={`saved:${name}`}>
                  Saved in this browser: {name}
                </option>
              ))}
              {p.model === 'files' && <option value="files">Uploaded files</option>}
            </>
          }
        />
        <CountField p={p} noun="Digits" help="10–2,000 of MNIST’s test digits" />
      </div>
      <details>
        <summary>Use a model you trained</summary>
        <p className="small muted">
          Train a model in the image lab and press “Save in this browser”: it appears in the list above. Or choose the four files of “Download model”.
        </p>
        <label className="file-label">
          Model files{' '}
          <input type="file" multiple accept=".json,.bin" onChange={(e) => onFiles(Array.from(e.target.files ?? []))} data-testid={`files-model-${p.column}`} />
        </label>
      </details>
    </>
  );
}

'use client';
/**
 * A melody or drum column: a MusicVAE (shipped, a Magenta checkpoint URL or folder, or fine-tuned in this browser) with 2-bar
 * windows (the built-in examples or the user's MIDI files, labelled by file, folder, style or drummer).
 */
import { useState } from 'react';
import { NumberField } from '@/app/_components/NumberField';
import { describeError } from '@/lib/core/errors';
import { COMPARE_LIMITS } from '@/lib/latent/compare/options';
import { FILE_LABEL_NAMES, type MusicCompareExtra } from '@/lib/music/compare-model';
import { MAX_MIDI_BYTES } from '@/lib/music/midi';
import { ModelSelect } from './GenericSetup';
import { SavedModelSelect } from './SavedModelSelect';
import type { SetupProps } from './types';

type FileLabel = (typeof FILE_LABEL_NAMES)[number];
type Picked = { files: { name: string; bytes: Uint8Array }[]; key: string };

const LOCAL_NOTE = 'Files from this computer stay on this page only: a shared link opens the shipped model and the built-in examples.';

export function MusicSetup(p: SetupProps) {
  const [url, setUrl] = useState(p.model.startsWith('url:') ? p.model.slice(4) : '');
  const [folder, setFolder] = useState<{ name: string; files: File[] }>();
  const [dataKind, setDataKind] = useState<'examples' | 'files'>('examples');
  const [picked, setPicked] = useState<Picked>();
  const [label, setLabel] = useState<FileLabel>('file');

  /** Tells the column what to send with its load (and whether it can load yet). */
  const publish = (next: { folder?: typeof folder; dataKind?: typeof dataKind; picked?: Picked; label?: FileLabel }, model?: string) => {
    const f = 'folder' in next ? next.folder : folder;
    const kind = next.dataKind ?? dataKind;
    const files = 'picked' in next ? next.picked : picked;
    const by = next.label ?? label;
    const value: MusicCompareExtra = {
      ...(f ? { folder: f } : {}),
      data: kind === 'files' && files ? { kind: 'files', files: files.files, label: by } : { kind: 'examples' },
    };
    const local = f !== undefined || kind === 'files';
    p.onExtra(
      {
        value,
        key: `${f ? `folder:${f.name}:${f.files.length}` : ''}|${kind === 'files' ? `${files?.key ?? ''}|${by}` : 'examples'}`,
        ready: kind === 'examples' || files !== undefined,
        ...(local ? { note: LOCAL_NOTE } : {}),
      },
      model,
    );
  };

  const onFiles = (list: File[]) => {
    if (list.length === 0) return;
    const big = list.find((f) => f.size > MAX_MIDI_BYTES);
    if (big) {
      p.onError(`${big.name} is ${(big.size / 1e6).toFixed(1)} MB; MIDI files up to ${MAX_MIDI_BYTES / 1024 / 1024} MB are read.`);
      return;
    }
    Promise.all(
      list.map(async (f) => ({
        name: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name,
        bytes: new Uint8Array(await f.arrayBuffer()),
      })),
    )
      .then((files) => {
        const next = { files, key: list.map((f) => `${f.name}:${f.size}:${f.lastModified}`).join('|') };
        setPicked(next);
        publish({ picked: next });
      })
      .catch((e: unknown) => p.onError(describeError(e)));
  };

  return (
    <>
      <div className="controls">
        <ModelSelect
          p={p}
          extraOptions={
            <>
              {p.model.startsWith('url:') && <option value={p.model}>{p.model.slice(4)}</option>}
              {p.model === 'folder' && <option value="folder">Checkpoint folder</option>}
              {p.model.startsWith('saved:') && <option value={p.model}>Fine-tuned here: {p.model.slice('saved:'.length)}</option>}
            </>
          }
        />
        <label>
          Data{' '}
          <select
            value={dataKind}
            onChange={(e) => {
              const kind = e.target.value === 'files' ? 'files' : 'examples';
              setDataKind(kind);
              if (kind === 'examples') setPicked(undefined);
              publish({ dataKind: kind, ...(kind === 'examples' ? { picked: undefined } : {}) });
            }}
            data-testid={`data-${p.column}`}
          >
            <option value="examples">Built-in examples</option>
            <option value="files">My MIDI files…</option>
          </select>
        </label>
      </div>
      {dataKind === 'files' && (
        <div className="controls">
          <label className="file-label">
            MIDI files{' '}
            <input
              type="file"
              multiple
              accept=".mid,.midi,audio/midi"
              onChange={(e) => onFiles(Array.from(e.target.files ?? []))}
              data-testid={`files-${p.column}`}
            />
          </label>
          <label>
            Label windows by{' '}
            <select
              value={label}
              onChange={(e) => {
                const next = FILE_LABEL_NAMES.find((l) => l === e.target.value) ?? 'file';
                setLabel(next);
                publish({ label: next });
              }}
              data-testid={`labels-${p.column}`}
            >
              {FILE_LABEL_NAMES.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label>
            At most <NumberField value={p.count} min={COMPARE_LIMITS.items.min} max={p.side.count.max} onCommit={p.onCount} data-testid={`count-${p.column}`} />{' '}
            windows{' '}
            <span className="muted small">
              ({COMPARE_LIMITS.items.min}–{p.side.count.max.toLocaleString('en')})
            </span>
          </label>
          {!picked && <p className="muted small">Choose one or more MIDI files ({p.domainId === 'drums' ? 'drum patterns' : 'melodies'}).</p>}
        </div>
      )}
      <details>
        <summary>Use another MusicVAE</summary>
        <form
          className="controls"
          onSubmit={(e) => {
            e.preventDefault();
            if (!url.trim()) return;
            setFolder(undefined);
            publish({ folder: undefined }, `url:${url.trim()}`);
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
              data-testid={`url-${p.column}`}
            />
          </label>
          <button type="submit" disabled={!url.trim()}>
            Load
          </button>
        </form>
        <SavedModelSelect
          kind={p.domainId === 'drums' ? 'drums' : 'melody'}
          onPick={(name) => {
            setFolder(undefined);
            publish({ folder: undefined }, `saved:${name}`);
          }}
        />
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
              if (!first) return;
              const next = { name: first.webkitRelativePath?.split('/')[0] || first.name, files };
              setFolder(next);
              publish({ folder: next }, 'folder');
            }}
            data-testid={`folder-${p.column}`}
          />
        </label>
      </details>
    </>
  );
}

'use client';
/**
 * The fine-tuned models saved in this browser: each with its card (data, mode, steps, before and
 * after on the held-back files), to use in this lab, export as a Magenta checkpoint folder (a ZIP),
 * or delete. Compare and classroom challenges name them `saved:<name>`.
 */
import { zipSync } from 'fflate';
import { downloadFile } from '@/app/_components/download';
import { formatSeconds } from '@/app/_components/format';
import type { FineTuneCard } from '@/lib/music/finetune-card';
import { FINETUNE_MODE_INFO } from '@/lib/music/finetune-recipe';
import type { WorkerResponse } from '@/app/_workers/protocol';

type Exported = Extract<WorkerResponse, { type: 'finetune:exported' }>;

const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);

export function SavedFineTunes({
  models,
  busy,
  onUse,
  onDelete,
  onExport,
}: {
  models: readonly FineTuneCard[];
  busy: boolean;
  onUse: (name: string) => void;
  onDelete: (name: string) => void;
  onExport: (name: string) => Promise<Exported | undefined>;
}) {
  const download = async (name: string) => {
    const r = await onExport(name);
    if (!r) return;
    // Stored, not compressed: float16 weights hardly compress, and zipping stays a copy.
    const folder = Object.fromEntries(r.files.map((f) => [`${r.name}/${f.name}`, typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data]));
    downloadFile(zipSync(folder, { level: 0 }), `${r.name.replace(/\s+/g, '_')}.zip`, 'application/zip');
  };
  if (models.length === 0) return <p className="muted">No fine-tuned models are saved in this browser yet.</p>;
  return (
    <ul className="saved-list" data-testid="finetune-saved">
      {models.map((m) => (
        <li key={m.name} data-testid="finetune-saved-model" data-name={m.name}>
          <strong>{m.name}</strong>{' '}
          <span className="muted small">
            {FINETUNE_MODE_INFO[m.mode].title.toLowerCase()} of {m.base}, {m.steps} steps ({formatSeconds(m.seconds)}) on {m.data.trainWindows} windows of{' '}
            {m.data.files - m.data.refused} files; held back: {pct(m.before?.greedyAccuracy)} → {pct(m.after?.greedyAccuracy)} · saved{' '}
            {new Date(m.savedAt).toLocaleString()} · in Compare and challenges: <code>saved:{m.name}</code>
          </span>{' '}
          <button type="button" className="link-button" onClick={() => onUse(m.name)} disabled={busy} data-testid="finetune-use">
            use in this lab
          </button>{' '}
          <button type="button" className="link-button" onClick={() => void download(m.name)} disabled={busy || m.mode === 'latent'}>
            export (Magenta checkpoint, ZIP)
          </button>{' '}
          <button type="button" className="link-button" onClick={() => onDelete(m.name)} disabled={busy} data-testid="finetune-delete">
            delete
          </button>
        </li>
      ))}
    </ul>
  );
}

'use client';
/**
 * The model a music challenge fixes: the shipped one (empty), a model fine-tuned in this browser
 * (`saved:<name>`, offered from IndexedDB; each student needs it in their browser too), or a Magenta
 * checkpoint on the web (`url:https://…`, e.g. a fine-tuned model exported and put online).
 */
import { useEffect, useState } from 'react';
import { listFineTuned } from '@/lib/music/finetune-store';
import { SHIPPED_MUSIC_MODELS } from '@/lib/music/shipped';

export function MusicModelField({ kind, value, onChange }: { kind: 'melody' | 'drums'; value: string; onChange: (value: string) => void }) {
  const [saved, setSaved] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    listFineTuned(kind)
      .then((cards) => live && setSaved(cards.map((c) => `saved:${c.name}`)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [kind]);
  return (
    <label>
      Model{' '}
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        list={`challenge-models-${kind}`}
        placeholder={`${SHIPPED_MUSIC_MODELS[kind]} (shipped)`}
        size={28}
        data-testid="challenge-model"
      />
      <datalist id={`challenge-models-${kind}`}>
        {saved.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>{' '}
      <span className="muted small">fixed for everyone: empty = the shipped one; saved:&lt;name&gt; (fine-tuned here) or url:https://…</span>
    </label>
  );
}

'use client';
/** The fine-tuned models saved in this browser (IndexedDB), offered as a Compare column's model (`saved:<name>`). */
import { useEffect, useState } from 'react';
import { listFineTuned } from '@/lib/music/finetune-store';

export function SavedModelSelect({ kind, onPick }: { kind: 'melody' | 'drums'; onPick: (name: string) => void }) {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    listFineTuned(kind)
      .then((cards) => live && setNames(cards.map((c) => c.name)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [kind]);
  if (names.length === 0) return null;
  return (
    <label>
      Fine-tuned in this browser{' '}
      <select value="" onChange={(e) => e.target.value && onPick(e.target.value)} data-testid="compare-saved-model">
        <option value="">choose…</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

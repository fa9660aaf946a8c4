import type { Metadata } from 'next';
import { Suspense } from 'react';
import { labByHref } from '@/lib/domains/labs';
import { DrumLabApp } from './DrumLabApp';

export const metadata: Metadata = { title: labByHref('/music/drums').title };

export default function Page() {
  return (
    <div className="page">
      <h1>Drum lab</h1>
      <p className="muted">Sample new 2-bar grooves from a MusicVAE, edit them, loop them on a synthesized kit, and blend four of them by dragging a puck.</p>
      <Suspense fallback={<p className="muted">Loading the lab…</p>}>
        <DrumLabApp />
      </Suspense>
    </div>
  );
}

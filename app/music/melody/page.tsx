import type { Metadata } from 'next';
import { Suspense } from 'react';
import { labByHref } from '@/lib/domains/labs';
import { MelodyLabApp } from './MelodyLabApp';

export const metadata: Metadata = { title: labByHref('/music/melody').title };

export default function Page() {
  return (
    <div className="page">
      <h1>Melody lab</h1>
      <p className="muted">
        Morph one 2-bar melody into another through a MusicVAE&apos;s latent space, make variations, hear every step and take it home as MIDI or WAV.
      </p>
      <Suspense fallback={<p className="muted">Loading the lab…</p>}>
        <MelodyLabApp />
      </Suspense>
    </div>
  );
}

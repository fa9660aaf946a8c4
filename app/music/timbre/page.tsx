import type { Metadata } from 'next';
import { Suspense } from 'react';
import { labByHref } from '@/lib/domains/labs';
import { TimbreLabApp } from './TimbreLabApp';

export const metadata: Metadata = { title: labByHref('/music/timbre').title };

export default function Page() {
  return (
    <div className="page">
      <h1>Timbre lab</h1>
      <p className="muted">
        An autoencoder for sounds: each note becomes a code of 16 numbers that holds its timbre — what makes a flute sound unlike a trumpet at the same pitch —
        and the decoder plays any code at any pitch. Morph one instrument into another, blend four on a pad, or find new ones.
      </p>
      <Suspense fallback={<p className="muted">Loading the lab…</p>}>
        <TimbreLabApp />
      </Suspense>
    </div>
  );
}

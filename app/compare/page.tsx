import type { Metadata } from 'next';
import { Suspense } from 'react';
import { labByHref } from '@/lib/domains/labs';
import { CompareApp } from './CompareApp';

export const metadata: Metadata = { title: labByHref('/compare').title };

export default function Page() {
  return (
    <div className="page page-wide">
      <h1>Compare</h1>
      <p className="muted">
        The lesson says an autoencoder finds meaningful codes for digits; the challenge says a MusicVAE does for melodies. Check both claims with the same
        tools: an image model and a music model side by side, every analysis computed the same way for both, so a difference you see is a difference in the data
        and the model.
      </p>
      <Suspense fallback={<p className="muted">Loading the lab…</p>}>
        <CompareApp />
      </Suspense>
    </div>
  );
}

import type { Metadata } from 'next';
import { Suspense } from 'react';
import { labByHref } from '@/lib/domains/labs';
import { ImageLabApp } from './ImageLabApp';

export const metadata: Metadata = { title: labByHref('/image').title };

export default function Page() {
  return (
    <div className="page">
      <h1>Image lab</h1>
      <p className="muted">The lesson&apos;s autoencoders on handwritten digits — pretrained, explorable, and trainable right here in your browser.</p>
      <Suspense fallback={<p className="muted">Loading the lab…</p>}>
        <ImageLabApp />
      </Suspense>
    </div>
  );
}

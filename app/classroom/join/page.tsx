import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StudentApp } from '../_components/StudentApp';
import '@/app/_components/classroom/classroom.css';

export const metadata: Metadata = { title: 'Join a classroom challenge' };

export default function Page() {
  return (
    <div className="page">
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <StudentApp />
      </Suspense>
    </div>
  );
}

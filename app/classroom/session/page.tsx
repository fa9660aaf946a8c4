import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TeacherSession } from '../_components/TeacherSession';
import '@/app/_components/classroom/classroom.css';

export const metadata: Metadata = { title: 'Classroom session' };

export default function Page() {
  return (
    <div className="page">
      <Suspense fallback={<p className="muted">Loading the session…</p>}>
        <TeacherSession />
      </Suspense>
    </div>
  );
}

import type { Metadata } from 'next';
import { labByHref } from '@/lib/domains/labs';
import { TeacherHome } from './_components/TeacherHome';
import '@/app/_components/classroom/classroom.css';

export const metadata: Metadata = { title: labByHref('/classroom').title };

export default function Page() {
  return (
    <div className="page">
      <h1>Classroom</h1>
      <p className="lead">
        Run a challenge with your class: you set it and project a join code; students join from their own computers with a nickname (no accounts), make their
        entry in the lab with the challenge loaded, submit it, then everyone listens, looks and votes, live.
      </p>
      <TeacherHome />
    </div>
  );
}

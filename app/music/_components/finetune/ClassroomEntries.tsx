'use client';
/**
 * "Use a classroom session's entries": the sessions this browser runs as a teacher, and their MIDI
 * entries of this lab's kind fetched as files to fine-tune on (each entry is one file, named by its
 * title and author).
 */
import { useEffect, useState } from 'react';
import { loadTeacherSessions, type TeacherIdentity } from '@/app/_components/classroom/storage';
import { base64ToBytes, ClassroomClient } from '@/lib/classroom/client';

const api = new ClassroomClient();

export function ClassroomEntries({
  lab,
  disabled,
  onFiles,
  onError,
}: {
  lab: 'melody' | 'drums';
  disabled: boolean;
  onFiles: (files: { name: string; bytes: Uint8Array }[]) => void;
  onError: (message: string) => void;
}) {
  const [sessions, setSessions] = useState<TeacherIdentity[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setSessions(loadTeacherSessions()), 0);
    return () => clearTimeout(t);
  }, []);
  if (sessions.length === 0) return null;

  const fetchEntries = async (code: string) => {
    const teacher = sessions.find((s) => s.code === code);
    if (!teacher) return;
    setBusy(true);
    try {
      const list = (await api.list(code, teacher.token)).filter((s) => s.kind === lab);
      const files: { name: string; bytes: Uint8Array }[] = [];
      for (const s of list) {
        const detail = await api.get(code, teacher.token, s.id);
        if (detail.midiBase64) files.push({ name: `${s.title || 'entry'} by ${s.nickname} (#${s.id}).mid`, bytes: base64ToBytes(detail.midiBase64) });
      }
      if (files.length === 0) onError(`The session ${code} has no ${lab} entries with MIDI yet.`);
      else onFiles(files);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <label>
      or a classroom session&apos;s entries{' '}
      <select value="" disabled={disabled || busy} onChange={(e) => void fetchEntries(e.target.value)} data-testid="finetune-classroom">
        <option value="">{busy ? 'Fetching entries…' : 'choose a session'}</option>
        {sessions.map((s) => (
          <option key={s.code} value={s.code}>
            {s.title} ({s.code})
          </option>
        ))}
      </select>
    </label>
  );
}

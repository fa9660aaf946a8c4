'use client';
/**
 * The classroom bar a lab shows when its URL says `classroom=<code>`: which session and challenge
 * this is, "Submit to <session>" with a title, and a link back to the gallery. The lab only
 * supplies `getEntry` (its current entry, or what to do first). What the challenge fixes is kept
 * through the lab's own URL parameters: A and B of the melody challenge, the drum challenge's
 * temperature cap, the digit challenge's model, the two instruments of the timbre challenge — read
 * and written through each lab's typed URL state (lib/music/lab-url, lib/image/lab-url,
 * lib/timbre/lab-url), so the bar sees what the lab sees, defaults included.
 * The bar follows the session's live events: a lock, a reopening, the end of the time limit or the
 * end of the session show at once, not only when Submit is pressed.
 */
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { describeChallenge, entryKinds, instrumentName } from '@/lib/classroom/challenges';
import { ClassroomClient, bytesToBase64 } from '@/lib/classroom/client';
import { CLASSROOM_PARAM, LIMITS, isSessionCode, normalizeCode } from '@/lib/classroom/schema';
import { describeError } from '@/lib/core/errors';
import { imageLabUrl } from '@/lib/image/lab-url';
import { drumLabUrl, melodyLabUrl } from '@/lib/music/lab-url';
import { timbreLabUrl } from '@/lib/timbre/lab-url';
import type { LabEntryResult } from '@/lib/domains/types';
import { loadStudent, type StudentIdentity } from './storage';
import { isAccepting, useNow, useSessionFeed } from './useSessionFeed';
import './classroom.css';

const api = new ClassroomClient();

export interface ClassroomBarProps {
  lab: 'melody' | 'drums' | 'image' | 'timbre';
  getEntry: () => LabEntryResult | Promise<LabEntryResult>;
}

export function ClassroomBar({ lab, getEntry }: ClassroomBarProps) {
  const raw = useSearchParams().get(CLASSROOM_PARAM);
  // Every lab's state is parsed (cheap), so the hooks run unconditionally; only `lab`'s is used.
  const melody = useTypedUrlState(melodyLabUrl);
  const drums = useTypedUrlState(drumLabUrl);
  const image = useTypedUrlState(imageLabUrl);
  const timbre = useTypedUrlState(timbreLabUrl);
  const code = raw ? normalizeCode(raw) : undefined;
  const [identity, setIdentity] = useState<StudentIdentity | null>();
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const now = useNow();

  useEffect(() => {
    if (!code) return;
    const t = setTimeout(() => setIdentity(isSessionCode(code) ? (loadStudent(code) ?? null) : null), 0);
    return () => clearTimeout(t);
  }, [code]);

  // The session, live (lock, reopen, time limit, end), from its event stream.
  const feed = useSessionFeed(identity ? code : undefined, identity?.token);
  const session = feed.session;

  const challenge = session?.challenge;
  const temp = drums.state.temp;
  const setDrums = drums.set;
  // The drum challenge caps the temperature: a higher one in the URL is brought down to the cap.
  useEffect(() => {
    if (lab !== 'drums' || challenge?.kind !== 'drum-groove') return;
    if (temp > challenge.maxTemperature) setDrums({ temp: challenge.maxTemperature });
  }, [lab, challenge, temp, setDrums]);

  if (!code) return null;
  const gallery = `/classroom/join?code=${code}`;
  if (identity === undefined) return null;
  if (identity === null) {
    return (
      <section className="classroom-bar card" aria-label="Classroom" data-testid="classroom-bar">
        <p>
          This lab was opened for classroom session <strong>{code}</strong>, but this browser has not joined it. <Link href={gallery}>Join the session</Link> to
          submit.
        </p>
      </section>
    );
  }

  const fixes: { text: string; fix?: () => void; label?: string }[] = [];
  if (challenge?.kind === 'melody-interpolation' && lab === 'melody' && (melody.state.a !== challenge.a || melody.state.b !== challenge.b)) {
    fixes.push({
      text: 'The challenge fixes melodies A and B; yours were changed.',
      fix: () => melody.set({ a: challenge.a, b: challenge.b }),
      label: 'Put back A and B',
    });
  }
  if (challenge?.kind === 'digit-from-code' && lab === 'image' && image.state.model !== challenge.model) {
    fixes.push({
      text: `The challenge uses the ${challenge.model === 'vae' ? 'VAE' : 'convolutional VAE'}.`,
      fix: () => image.set({ model: challenge.model, view: 'manifold' }),
      label: 'Switch back',
    });
  }
  if (challenge?.kind === 'timbre-blend' && lab === 'timbre' && (timbre.state.a !== `p${challenge.a}` || timbre.state.b !== `p${challenge.b}`)) {
    fixes.push({
      text: `The challenge fixes A = ${instrumentName(challenge.a)} and B = ${instrumentName(challenge.b)}; yours were changed.`,
      fix: () => timbre.set({ a: `p${challenge.a}`, b: `p${challenge.b}` }),
      label: 'Put back A and B',
    });
  }
  if (challenge?.kind === 'drum-groove' && lab === 'drums') fixes.push({ text: `Temperature at most ${challenge.maxTemperature} (the challenge's cap).` });
  const wrongLab = challenge !== undefined && !entryKinds(challenge).includes(lab);
  const accepting = isAccepting(session, now);

  const submit = async () => {
    if (!session) return;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const entry = await getEntry();
      if ('problem' in entry) {
        setError(entry.problem);
        return;
      }
      const r = await api.submit(session.code, identity.token, {
        title,
        kind: entry.kind,
        midiBase64: entry.midi ? bytesToBase64(entry.midi) : undefined,
        pngBase64: entry.png ? bytesToBase64(entry.png) : undefined,
        wavBase64: entry.wav ? bytesToBase64(entry.wav) : undefined,
        latent: entry.latent,
        params: entry.params,
      });
      setDone(`Submitted "${title.trim()}" (${entry.summary}) as entry ${r.id}.`);
      setTitle('');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="classroom-bar card" aria-label="Classroom" data-testid="classroom-bar">
      <div className="controls">
        <strong>Classroom · {session?.title ?? code}</strong>
        <span className="muted">
          you are <span data-testid="bar-nickname">{identity.nickname}</span>
        </span>
        <Link href={gallery} data-testid="bar-gallery">
          Gallery and votes →
        </Link>
      </div>
      {challenge && <p className="small">{describeChallenge(challenge)}</p>}
      {wrongLab && (
        <p className="notice">
          This challenge is made in another lab. <Link href={gallery}>Back to the session</Link>.
        </p>
      )}
      {fixes.map((f) => (
        <p key={f.text} className="notice small">
          {f.text}{' '}
          {f.fix && (
            <button type="button" className="link-button" onClick={f.fix}>
              {f.label}
            </button>
          )}
        </p>
      ))}
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Entry title{' '}
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            maxLength={LIMITS.titleChars}
            required
            placeholder="Name your entry"
            data-testid="entry-title-input"
          />
        </label>
        <button type="submit" className="primary" disabled={busy || !session || !accepting || !title.trim() || Boolean(wrongLab)} data-testid="submit-entry">
          {busy ? 'Submitting…' : `Submit to ${session?.title ?? code}`}
        </button>
        {session && !accepting && (
          <span className="muted" data-testid="bar-closed">
            {session.status === 'closed'
              ? 'The session has ended.'
              : session.status === 'locked'
                ? 'Submissions are locked for now.'
                : 'Time is up: the challenge takes no more entries.'}
          </span>
        )}
      </form>
      {(error ?? feed.fatal?.message) && (
        <p role="alert" className="notice notice-error" data-testid="bar-error">
          {error ?? feed.fatal?.message}
        </p>
      )}
      {done && (
        <p role="status" className="notice" data-testid="bar-done">
          {done} <Link href={gallery}>See the gallery →</Link>
        </p>
      )}
    </section>
  );
}

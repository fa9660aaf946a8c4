'use client';
/**
 * The teacher's session page: the projector view (join code, link, QR code, who joined, the live
 * gallery) and the teacher's controls (lock and reopen, reveal votes, hide/remove entries, kick,
 * export, delete). Rights come from the secret teacher link: `…/classroom/session?code=X#key=T`;
 * the key moves to this browser's storage at once and leaves the address bar (it is projected).
 */
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { downloadFile } from '@/app/_components/download';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { describeChallenge } from '@/lib/classroom/challenges';
import { ClassroomClient } from '@/lib/classroom/client';
import { isSessionCode, normalizeCode, type SessionView } from '@/lib/classroom/schema';
import { describeError } from '@/lib/core/errors';
import { Gallery } from './Gallery';
import { JoinLink } from './JoinLink';
import { ParticipantsPanel } from './ParticipantsPanel';
import { forgetTeacher, loadTeacher, saveTeacher } from './storage';
import { isAccepting, useNow, useSessionFeed } from './useSessionFeed';

export { useNow };

const api = new ClassroomClient();

export function statusText(session: SessionView, now: number): string {
  if (session.status === 'closed') return 'Closed';
  if (session.status === 'locked') return 'Submissions locked';
  if (session.endsAt && Date.parse(session.endsAt) <= now) return 'Time is up';
  return 'Open for entries';
}

function countdown(endsAt: string | null, now: number): string | undefined {
  if (!endsAt) return undefined;
  const left = Math.max(0, Math.round((Date.parse(endsAt) - now) / 1000));
  if (left === 0) return undefined;
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
}

export function TeacherSession() {
  const params = useSearchParams();
  const router = useRouter();
  const code = normalizeCode(params.get('code') ?? '');
  const [token, setToken] = useState<string>();
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string>();
  const [projector, setProjector] = useState(false);
  const [origin, setOrigin] = useState('');
  const [busy, setBusy] = useState<string>();
  const now = useNow();
  const onError = useCallback((m: string) => setError(m), []);

  // The key: from the link's #key=… (then stored and removed from the address bar), else stored.
  useEffect(() => {
    const t = setTimeout(() => {
      setOrigin(window.location.origin);
      const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('key');
      if (fromHash) {
        window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
        setToken(fromHash);
        return;
      }
      const stored = isSessionCode(code) ? loadTeacher(code) : undefined;
      if (stored) setToken(stored.token);
      else setMissing(true);
    }, 0);
    return () => clearTimeout(t);
  }, [code]);

  const feed = useSessionFeed(token ? code : undefined, token);
  const session = feed.session;

  // Remember the session on this browser once the key proved good.
  useEffect(() => {
    if (session && token && session.you.role === 'teacher')
      saveTeacher({ code: session.code, token, title: session.title, createdAt: session.createdAt, expiresAt: session.expiresAt });
  }, [session, token]);

  const run = async (label: string, fn: () => Promise<unknown>) => {
    setBusy(label);
    try {
      await fn();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(undefined);
    }
  };

  if (!isSessionCode(code)) {
    return (
      <p role="alert" className="notice notice-error">
        This link has no valid session code. <Link href="/classroom">Start or open a session</Link>.
      </p>
    );
  }
  if (missing) {
    return (
      <div role="alert" className="notice notice-error">
        This browser does not hold the teacher key of session {code}. Open your secret teacher link (it ends in <code>#key=…</code>), or{' '}
        <Link href="/classroom">start a new session</Link>.
      </div>
    );
  }
  if (feed.fatal) {
    return (
      <div role="alert" className="notice notice-error" data-testid="feed-fatal">
        {feed.fatal.message} <Link href="/classroom">Back to the classroom</Link>
      </div>
    );
  }
  if (!session || !token) return <p className="muted">Connecting to session {code}…</p>;
  if (session.you.role !== 'teacher') return <p className="notice notice-error">This key belongs to a student of this session, not to its teacher.</p>;

  const teacherLink = `${origin}/classroom/session?code=${session.code}#key=${token}`;
  const accepting = isAccepting(session, now);
  const left = countdown(session.endsAt, now);
  // The projector never shows hidden entries (the teacher's own view marks them).
  const shown = projector ? feed.submissions.filter((s) => !s.hidden) : feed.submissions;

  return (
    <div className={`classroom${projector ? ' projector' : ''}`} data-testid="teacher-session" data-stream={feed.status}>
      <div className="session-head">
        <div>
          <h1 data-testid="session-heading">{session.title}</h1>
          <p className="lead">{describeChallenge(session.challenge)}</p>
          {session.challenge.instructions && <p>{session.challenge.instructions}</p>}
        </div>
        <p className={`chip ${accepting ? 'chip-open' : 'chip-soon'}`} data-testid="session-status">
          {statusText(session, now)}
          {left && accepting ? ` · ${left}` : ''}
        </p>
      </div>
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      {feed.status === 'reconnecting' && <p className="notice">Connection lost: reconnecting… (nothing is lost; the gallery catches up).</p>}

      <section className="join-panel card" aria-label="How to join">
        <JoinLink code={session.code} projector={projector} />
        <ParticipantsPanel session={session} token={token} participants={feed.participants} projector={projector} now={now} run={run} />
      </section>

      <section className="card teacher-controls" aria-label="Teacher controls">
        <div className="controls">
          <button type="button" onClick={() => setProjector((p) => !p)} aria-pressed={projector} data-testid="projector-toggle">
            {projector ? 'Show my controls' : 'Projector view'}
          </button>
          {!projector && (
            <>
              {session.status === 'open' && accepting ? (
                <button
                  type="button"
                  disabled={busy !== undefined}
                  onClick={() => void run('lock', () => api.updateSession(session.code, token, { status: 'locked' }))}
                  data-testid="lock"
                >
                  Lock submissions
                </button>
              ) : (
                <button
                  type="button"
                  disabled={busy !== undefined}
                  onClick={() => void run('open', () => api.updateSession(session.code, token, { status: 'open' }))}
                  data-testid="reopen"
                >
                  Reopen submissions
                </button>
              )}
              <button
                type="button"
                disabled={busy !== undefined}
                onClick={() => void run('reveal', () => api.updateSession(session.code, token, { votesRevealed: !session.votesRevealed }))}
                data-testid="reveal"
                aria-pressed={session.votesRevealed}
              >
                {session.votesRevealed ? 'Hide votes from students' : 'Reveal votes'}
              </button>
              {session.status !== 'closed' && (
                <button
                  type="button"
                  disabled={busy !== undefined}
                  onClick={() => {
                    if (window.confirm('End the session? No more joins, entries or votes; you can still export.'))
                      void run('close', () => api.updateSession(session.code, token, { status: 'closed' }));
                  }}
                >
                  End the session
                </button>
              )}
              <button
                type="button"
                disabled={busy !== undefined}
                data-testid="export"
                onClick={() =>
                  void run('export', async () => {
                    const bytes = await api.exportZip(session.code, token);
                    downloadFile(bytes as BlobPart, `latent-lab-${session.code}.zip`, 'application/zip');
                  })
                }
              >
                {busy === 'export' ? 'Exporting…' : 'Export everything (ZIP)'}
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy !== undefined}
                data-testid="delete-session"
                onClick={() => {
                  if (!window.confirm(`Delete "${session.title}" and all its entries, nicknames and votes now? This cannot be undone.`)) return;
                  void run('delete', async () => {
                    await api.deleteSession(session.code, token);
                    forgetTeacher(session.code);
                    router.push('/classroom');
                  });
                }}
              >
                Delete the session
              </button>
            </>
          )}
        </div>
        {!projector && (
          <>
            <p className="muted small" data-testid="retention">
              This session and all its data are deleted automatically on {new Date(session.expiresAt).toLocaleString()} ({session.retentionDays} days after it
              was created).
            </p>
            <details>
              <summary>Your secret teacher link</summary>
              <p className="small">
                Anyone with this link can run the session: keep it private (it is not shown in the projector view). Open it on another computer to continue
                there.
              </p>
              <input readOnly value={teacherLink} className="secret-link" aria-label="Secret teacher link" onFocus={(e) => e.currentTarget.select()} />
            </details>
          </>
        )}
      </section>

      <section aria-labelledby="gallery-h">
        <h2 id="gallery-h">
          Gallery <span className="muted">({shown.length})</span>
        </h2>
        {!session.votesRevealed && <p className="muted small">Students see the votes once you reveal them.</p>}
        <Gallery
          code={session.code}
          token={token}
          role="teacher"
          submissions={shown}
          projector={projector}
          hideVotes={projector && !session.votesRevealed}
          onError={onError}
        />
      </section>
    </div>
  );
}

'use client';
/**
 * The student's page: join with the code and a nickname (no account), then the session: the
 * challenge, a button into the lab with the challenge loaded, and the live gallery to play, vote
 * and withdraw. The identity (token + nickname) stays in this browser, so a reload keeps it.
 */
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { describeChallenge, entryKinds, entrySpec, labUrl } from '@/lib/classroom/challenges';
import { ClassroomApiError, ClassroomClient } from '@/lib/classroom/client';
import { CODE_LENGTH, LIMITS, isSessionCode, normalizeCode } from '@/lib/classroom/schema';
import { describeError } from '@/lib/core/errors';
import { Gallery } from './Gallery';
import { deviceId, forgetStudent, loadStudent, saveStudent, type StudentIdentity } from './storage';
import { statusText, useNow } from './TeacherSession';
import { isAccepting, useSessionFeed } from './useSessionFeed';

const api = new ClassroomClient();

export function StudentApp() {
  const params = useSearchParams();
  const router = useRouter();
  const codeParam = normalizeCode(params.get('code') ?? '');
  const [identity, setIdentity] = useState<StudentIdentity>();
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    const t = setTimeout(() => {
      setIdentity(isSessionCode(codeParam) ? loadStudent(codeParam) : undefined);
      setChecked(true);
    }, 0);
    return () => clearTimeout(t);
  }, [codeParam]);

  if (!checked) return <p className="muted">Loading…</p>;
  if (!identity) {
    return (
      <JoinForm
        initialCode={codeParam}
        onJoined={(id, url) => {
          saveStudent(id);
          router.push(url);
        }}
      />
    );
  }
  return (
    <StudentSession
      identity={identity}
      onLeave={() => {
        forgetStudent(identity.code);
        setIdentity(undefined);
      }}
    />
  );
}

function JoinForm({ initialCode, onJoined }: { initialCode: string; onJoined: (identity: StudentIdentity, labUrl: string) => void }) {
  const [code, setCode] = useState(initialCode);
  const [nickname, setNickname] = useState('');
  const [error, setError] = useState<{ field: 'code' | 'nickname' | 'form'; message: string }>();
  const [busy, setBusy] = useState(false);

  const join = async () => {
    const c = normalizeCode(code);
    if (!isSessionCode(c)) {
      setError({ field: 'code', message: `A join code has ${CODE_LENGTH} letters and digits, like ABC 234. Ask your teacher for it.` });
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.join(c, nickname, deviceId());
      const session = await api.getSession(r.code, r.studentToken);
      // A student who waits for the teacher stays on the session page until let in.
      const next = r.admitted ? labUrl(session.challenge, r.code) : `/classroom/join?code=${r.code}`;
      onJoined({ code: r.code, token: r.studentToken, nickname: r.nickname, title: session.title }, next);
    } catch (e) {
      const field =
        e instanceof ClassroomApiError && (e.code === 'nickname_taken' || e.code === 'invalid')
          ? 'nickname'
          : e instanceof ClassroomApiError && e.code === 'not_found'
            ? 'code'
            : 'form';
      setError({ field, message: describeError(e) });
      setBusy(false);
    }
  };

  return (
    <section className="card join-form" aria-labelledby="join-h">
      <h1 id="join-h">Join a classroom challenge</h1>
      <p className="muted">No account needed: type the code on the board and pick a nickname the class will see.</p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void join();
        }}
      >
        <label>
          Code
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            maxLength={12}
            required
            className="code-input"
            aria-invalid={error?.field === 'code'}
            aria-describedby={error?.field === 'code' ? 'join-error' : undefined}
            data-testid="join-code-input"
          />
        </label>
        <label>
          Nickname <span className="muted small">(up to {LIMITS.nicknameChars} characters, unique in the session)</span>
          <input
            value={nickname}
            onChange={(e) => setNickname(e.target.value)}
            maxLength={LIMITS.nicknameChars * 2}
            required
            autoComplete="nickname"
            aria-invalid={error?.field === 'nickname'}
            aria-describedby={error?.field === 'nickname' ? 'join-error' : undefined}
            data-testid="nickname-input"
          />
        </label>
        {error && (
          <p role="alert" id="join-error" className="notice notice-error" data-testid="join-error">
            {error.message}
          </p>
        )}
        <div className="controls">
          <button type="submit" className="primary" disabled={busy || !nickname.trim() || !code.trim()} data-testid="join">
            {busy ? 'Joining…' : 'Join and open the lab'}
          </button>
        </div>
      </form>
    </section>
  );
}

function StudentSession({ identity, onLeave }: { identity: StudentIdentity; onLeave: () => void }) {
  const feed = useSessionFeed(identity.code, identity.token);
  const [error, setError] = useState<string>();
  const onError = useCallback((m: string) => setError(m), []);
  const now = useNow();
  const session = feed.session;

  if (feed.fatal) {
    return (
      <div className="card" data-testid="student-fatal">
        <p role="alert" className="notice notice-error">
          {feed.fatal.message}
        </p>
        <button type="button" onClick={onLeave}>
          Join again
        </button>
      </div>
    );
  }
  if (!session) return <p className="muted">Connecting to session {identity.code}…</p>;
  if (session.you.role === 'student' && !session.you.admitted) {
    return (
      <div className="card" data-testid="student-waiting">
        <h1>{session.title}</h1>
        <p role="status">
          You are <strong>{identity.nickname}</strong>. The teacher lets students in one by one: wait here, this page opens the session as soon as you are in.
        </p>
      </div>
    );
  }
  const accepting = isAccepting(session, now);
  const kinds = entryKinds(session.challenge);

  return (
    <div className="classroom" data-testid="student-session" data-stream={feed.status}>
      <div className="session-head">
        <div>
          <h1 data-testid="session-heading">{session.title}</h1>
          <p className="lead">{describeChallenge(session.challenge)}</p>
          {session.challenge.instructions && <p>{session.challenge.instructions}</p>}
          <p className="muted">
            You are <strong data-testid="my-nickname">{identity.nickname}</strong> in session {session.code}.
          </p>
        </div>
        <p className={`chip ${accepting ? 'chip-open' : 'chip-soon'}`} data-testid="session-status">
          {statusText(session, now)}
        </p>
      </div>
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      {feed.status === 'reconnecting' && <p className="notice">Connection lost: reconnecting…</p>}
      <div className="controls">
        {kinds.map((k) => (
          <Link key={k} className="button primary" href={labUrl(session.challenge, session.code, k)} data-testid={`open-lab-${k}`}>
            {kinds.length > 1 ? `Open the ${(entrySpec(k)?.lab.name ?? k).toLowerCase()}` : 'Open the lab with the challenge'}
          </Link>
        ))}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            if (window.confirm('Leave this session on this browser? You would need a new nickname to come back.')) onLeave();
          }}
        >
          Leave the session
        </button>
      </div>
      <section aria-labelledby="gallery-h">
        <h2 id="gallery-h">
          Gallery <span className="muted">({feed.submissions.length})</span>
        </h2>
        <p className="muted small">
          {session.votesRevealed ? 'The teacher revealed the votes.' : 'Vote once for each entry you like (not your own). The teacher reveals the votes.'}
        </p>
        <Gallery
          code={session.code}
          token={identity.token}
          role="student"
          submissions={feed.submissions}
          closed={session.status === 'closed'}
          onError={onError}
        />
      </section>
    </div>
  );
}

'use client';
/**
 * A session's live state for a page: the session, the gallery and (for the teacher) who joined,
 * kept up to date from the event stream. The stream reconnects by itself and resumes where it
 * left off; a refusal it cannot fix (kicked, deleted, bad token) ends it with a message.
 */
import { useEffect, useState } from 'react';
import { followEvents, type StreamStatus } from '@/lib/classroom/client';
import type { ClassroomEvent, ParticipantView, SessionView, SubmissionView } from '@/lib/classroom/schema';

export interface SessionFeed {
  session: SessionView | undefined;
  submissions: SubmissionView[];
  participants: ParticipantView[];
  status: StreamStatus;
  /** Why the feed stopped for good (kicked, deleted, bad link), if it did. */
  fatal: { code: string; message: string } | undefined;
  /** Events applied so far (tests wait on it). */
  version: number;
}

interface State {
  session: SessionView | undefined;
  submissions: Map<number, SubmissionView>;
  participants: ParticipantView[];
}

function apply(state: State, e: ClassroomEvent): State {
  switch (e.type) {
    case 'snapshot':
      return { session: e.session, submissions: new Map(e.submissions.map((s) => [s.id, s])), participants: e.session.participants ?? [] };
    case 'joined':
      return state.participants.some((p) => p.id === e.participant.id) ? state : { ...state, participants: [...state.participants, e.participant] };
    case 'kicked':
      return { ...state, participants: state.participants.map((p) => (p.id === e.id ? { ...p, kicked: true, blocked: e.blocked } : p)) };
    case 'admitted':
      return { ...state, participants: state.participants.map((p) => (p.id === e.id ? { ...p, admitted: true } : p)) };
    case 'submitted':
    case 'updated': {
      const m = new Map(state.submissions);
      const old = m.get(e.submission.id);
      m.set(e.submission.id, { ...e.submission, voted: old?.voted ?? e.submission.voted, votes: e.submission.votes ?? old?.votes ?? null });
      return { ...state, submissions: m };
    }
    case 'removed': {
      const m = new Map(state.submissions);
      m.delete(e.id);
      return { ...state, submissions: m };
    }
    case 'voted': {
      const old = state.submissions.get(e.id);
      if (!old) return state;
      const m = new Map(state.submissions);
      m.set(e.id, { ...old, votes: e.votes ?? old.votes, voted: old.voted || e.byYou });
      return { ...state, submissions: m };
    }
    case 'session':
      return state.session
        ? { ...state, session: { ...state.session, status: e.status, votesRevealed: e.votesRevealed, endsAt: e.endsAt, admission: e.admission } }
        : state;
    case 'deleted':
      return state;
  }
}

export function useSessionFeed(code: string | undefined, token: string | undefined): SessionFeed {
  const [state, setState] = useState<State>({ session: undefined, submissions: new Map(), participants: [] });
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [fatal, setFatal] = useState<SessionFeed['fatal']>();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!code || !token) return;
    const handle = followEvents({
      code,
      token,
      onEvent: (e) => {
        setState((s) => apply(s, e));
        setVersion((v) => v + 1);
      },
      onStatus: (s) => setStatus(s),
      onFatal: (error) => setFatal({ code: error.code, message: error.message }),
    });
    return () => handle.close();
  }, [code, token]);

  const submissions = [...state.submissions.values()].sort((a, b) => a.id - b.id);
  return { session: state.session, submissions, participants: state.participants, status, fatal, version };
}

/** Whether the session takes entries now (status open and time left), by this browser's clock. */
export function isAccepting(session: SessionView | undefined, now: number): boolean {
  if (!session) return false;
  return session.status === 'open' && (session.endsAt === null || Date.parse(session.endsAt) > now);
}

/** The current time, ticking every second (for countdowns and time limits). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/**
 * How each person sees the session: the answers (sessions, participants, entries) and the live
 * events, shaped per viewer. Students never see vote counts before the teacher reveals them,
 * hidden entries of others, or the class list; a student waiting to be admitted sees only the
 * session and what concerns them.
 */
import 'server-only';
import { challengeSchema, finalizeChallenge, type Challenge } from './challenges';
import type { ClassroomEvent, ParticipantView, SessionView, SubmissionView } from './schema';
import type { ParticipantRecord, Principal, SessionRecord, StoredEvent, SubmissionRecord } from './store';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The challenge stored with a session (validated again: a damaged row is an error, not a guess). */
export function challengeOf(session: SessionRecord): Challenge {
  const parsed = challengeSchema.parse(JSON.parse(session.challengeJson));
  // Stored challenges are complete; finalizing is then the identity (a missing seed would be a bug).
  return finalizeChallenge(parsed, () => {
    throw new Error(`session ${session.code} has an incomplete challenge`);
  });
}

/** True while new entries are accepted: status open and the time limit (if any) not reached. */
export function accepting(session: SessionRecord, now: number): boolean {
  return session.status === 'open' && (session.endsAt === null || session.endsAt > now);
}

export function participantView(p: ParticipantRecord): ParticipantView {
  return {
    id: p.id,
    nickname: p.nickname,
    joinedAt: iso(p.joinedAt),
    kicked: p.kickedAt !== null,
    blocked: p.blocked,
    admitted: p.admittedAt !== null,
    entries: p.entries,
  };
}

/** Whether the principal is a student still waiting for the teacher. */
export function waiting(principal: Principal): boolean {
  return principal.role === 'student' && !principal.admitted;
}

export function sessionView(
  s: SessionRecord,
  principal: Principal,
  options: { now: number; retentionDays: number; participants?: ParticipantRecord[] },
): SessionView {
  const view: SessionView = {
    code: s.code,
    title: s.title,
    challenge: challengeOf(s),
    status: s.status,
    accepting: accepting(s, options.now),
    votesRevealed: s.votesRevealed,
    createdAt: iso(s.createdAt),
    endsAt: s.endsAt === null ? null : iso(s.endsAt),
    expiresAt: iso(s.expiresAt),
    retentionDays: options.retentionDays,
    admission: s.admission,
    you:
      principal.role === 'teacher'
        ? { role: 'teacher' }
        : { role: 'student', nickname: principal.nickname, participantId: principal.participantId, admitted: principal.admitted },
  };
  if (principal.role === 'teacher' && options.participants) view.participants = options.participants.map(participantView);
  return view;
}

/** How `principal` sees an entry, or undefined when it may not see it (hidden, not theirs, waiting). */
export function submissionView(rec: SubmissionRecord, principal: Principal, votesRevealed: boolean, voted: ReadonlySet<number>): SubmissionView | undefined {
  if (waiting(principal)) return undefined;
  const teacher = principal.role === 'teacher';
  const mine = principal.role === 'student' && principal.participantId === rec.participantId;
  if (rec.hidden && !teacher && !mine) return undefined;
  return {
    id: rec.id,
    nickname: rec.nickname,
    title: rec.title,
    kind: rec.kind,
    votes: teacher || votesRevealed ? rec.votes : null,
    createdAt: iso(rec.createdAt),
    hidden: rec.hidden,
    mine,
    voted: voted.has(rec.id),
    latent: rec.latent,
    params: rec.params,
  };
}

/**
 * What one listener receives for a stored event, or undefined when it is not for them. `state`
 * is the stream's view of the session (votes revealed or not), updated as events pass.
 */
export function projectEvent(e: StoredEvent, principal: Principal, state: { votesRevealed: boolean }): ClassroomEvent | undefined {
  const ev = e.event;
  const teacher = principal.role === 'teacher';
  const me = principal.role === 'student' ? principal.participantId : -1;
  if (waiting(principal) && !(ev.type === 'session' || ((ev.type === 'kicked' || ev.type === 'admitted') && ev.participantId === me))) return undefined;
  switch (ev.type) {
    case 'joined':
      return teacher
        ? {
            type: 'joined',
            participant: {
              id: ev.participantId,
              nickname: ev.nickname,
              joinedAt: iso(ev.joinedAt),
              kicked: false,
              blocked: false,
              admitted: ev.admitted,
              entries: 0,
            },
          }
        : undefined;
    case 'kicked':
      return teacher || ev.participantId === me ? { type: 'kicked', id: ev.participantId, nickname: ev.nickname, blocked: ev.blocked } : undefined;
    case 'admitted':
      return teacher || ev.participantId === me ? { type: 'admitted', id: ev.participantId, nickname: ev.nickname } : undefined;
    case 'submitted': {
      const view = submissionView(ev.submission, principal, state.votesRevealed, new Set());
      return view && { type: 'submitted', submission: view };
    }
    case 'hidden': {
      const view = submissionView(ev.submission, principal, state.votesRevealed, new Set());
      if (!view) return { type: 'removed', id: ev.submission.id };
      // Voted flags are per listener and unknown here: the client keeps its own.
      return { type: 'updated', submission: view };
    }
    case 'removed':
      return { type: 'removed', id: ev.id };
    case 'voted':
      if (teacher || state.votesRevealed) return { type: 'voted', id: ev.id, votes: ev.votes, byYou: ev.voterId === me };
      return ev.voterId === me ? { type: 'voted', id: ev.id, votes: null, byYou: true } : undefined;
    case 'session':
      state.votesRevealed = ev.votesRevealed;
      return {
        type: 'session',
        status: ev.status,
        votesRevealed: ev.votesRevealed,
        endsAt: ev.endsAt === null ? null : iso(ev.endsAt),
        admission: ev.admission ?? 'open',
      };
  }
}

/**
 * The classroom's storage interface. The service speaks only to this; the embedded default is
 * SQLite (sqlite-store.ts), and a database server (PostgreSQL) can implement the same contract.
 *
 * Rules every implementation keeps, so the service never has to know which one it talks to:
 * - Every method is async and every mutating method is one transaction.
 * - Invariants live in the database: one vote per student per entry (primary key), one nickname
 *   per session (unique key), one join code (unique key); a submission is only inserted while its
 *   session accepts entries and its author is not kicked (checked inside the transaction).
 * - Each change appends its live events to the session's event log in the same transaction, with
 *   a gap-free per-session sequence number (`sessions.last_seq`), and returns them so the service
 *   can hand them to the {@link EventBus}. Listeners catch up from the log after a reconnect.
 * - Rate limits are counted in the database, so they hold across app servers that share it. They
 *   slide (GCRA, the "generic cell rate algorithm"): each key keeps one time, its theoretical
 *   arrival time; `limit` hits per `windowMs` means one hit every windowMs/limit ms with a burst of
 *   `limit`, and no window boundary doubles what passes. Refused hits cost nothing.
 * - Conditions that pass by themselves (database busy or down) throw StoreUnavailableError.
 */
import 'server-only';
import type { EntryKind } from './challenges';
import type { Admission, SessionStatus } from './schema';

export interface SessionRecord {
  id: number;
  code: string;
  title: string;
  /** The challenge as JSON text (validated by the service when read). */
  challengeJson: string;
  status: SessionStatus;
  votesRevealed: boolean;
  admission: Admission;
  /** Times are milliseconds since the epoch. */
  createdAt: number;
  endsAt: number | null;
  expiresAt: number;
  /** Sequence number of the session's latest event. */
  lastSeq: number;
}

export type Principal =
  { role: 'teacher'; sessionId: number } | { role: 'student'; sessionId: number; participantId: number; nickname: string; kicked: boolean; admitted: boolean };

export interface ParticipantRecord {
  id: number;
  nickname: string;
  joinedAt: number;
  kickedAt: number | null;
  /** Null while waiting for the teacher to admit them. */
  admittedAt: number | null;
  blocked: boolean;
  entries: number;
}

/** An entry without its media. */
export interface SubmissionRecord {
  id: number;
  participantId: number;
  nickname: string;
  title: string;
  kind: EntryKind;
  votes: number;
  hidden: boolean;
  createdAt: number;
  latent: number[] | null;
  params: Record<string, string | number | boolean | null> | null;
}

/** An entry's file, in the column its entry kind's media names (the others are null). */
export interface SubmissionMedia {
  midi: Uint8Array | null;
  png: Uint8Array | null;
  wav: Uint8Array | null;
}

/** Events as stored in the log (before the service shapes them for each listener). */
export type InternalEvent =
  | { type: 'joined'; participantId: number; nickname: string; admitted: boolean; joinedAt: number }
  | { type: 'kicked'; nickname: string; participantId: number; blocked: boolean }
  | { type: 'admitted'; nickname: string; participantId: number }
  | { type: 'submitted'; submission: SubmissionRecord }
  | { type: 'removed'; id: number; participantId: number }
  | { type: 'hidden'; submission: SubmissionRecord }
  | { type: 'voted'; id: number; votes: number; voterId: number }
  | { type: 'session'; status: SessionStatus; votesRevealed: boolean; endsAt: number | null; admission: Admission };

export interface StoredEvent {
  sessionId: number;
  seq: number;
  createdAt: number;
  event: InternalEvent;
}

export interface NewSession {
  code: string;
  title: string;
  challengeJson: string;
  teacherTokenHash: string;
  createdAt: number;
  endsAt: number | null;
  expiresAt: number;
  admission: Admission;
}

/** A student joining: the key is the nickname's look-alike-proof form; `deviceHash` their browser's id hashed. */
export interface NewParticipant {
  nickname: string;
  nicknameKey: string;
  tokenHash: string;
  deviceHash: string | null;
}

export interface NewSubmission {
  title: string;
  kind: EntryKind;
  midi: Uint8Array | null;
  png: Uint8Array | null;
  wav: Uint8Array | null;
  latent: number[] | null;
  params: Record<string, string | number | boolean | null> | null;
}

/** A change's outcome: done with its events, or refused for a reason the service explains. */
export type Outcome<T, R extends string> = ({ ok: true; events: StoredEvent[] } & T) | { ok: false; reason: R };

export interface SessionPatch {
  status?: SessionStatus;
  votesRevealed?: boolean;
  admission?: Admission;
  endsAt?: number | null;
}

export interface SessionExport {
  session: SessionRecord;
  participants: ParticipantRecord[];
  submissions: (SubmissionRecord & SubmissionMedia)[];
}

export interface ClassroomStore {
  /** 'sqlite' or 'postgres': for messages and the README only; behaviour must not depend on it. */
  readonly dialect: string;

  createSession(s: NewSession): Promise<Outcome<{ session: SessionRecord }, 'code_taken'>>;
  sessionByCode(code: string): Promise<SessionRecord | undefined>;
  sessionById(id: number): Promise<SessionRecord | undefined>;
  /** Who holds a token (looked up by its SHA-256), or undefined. */
  principalByTokenHash(hash: string): Promise<Principal | undefined>;
  updateSession(sessionId: number, patch: SessionPatch, now: number): Promise<Outcome<{ session: SessionRecord }, 'not_found'>>;
  /** Deletes the session and everything in it; false when it did not exist. */
  deleteSession(sessionId: number): Promise<boolean>;

  /**
   * Adds a student unless the nickname is taken, the session closed, their browser blocked there or
   * the session already has `maxParticipants` students who were not removed. In a session with
   * admission 'teacher' they wait (not admitted) until {@link admitParticipants}.
   */
  addParticipant(
    sessionId: number,
    p: NewParticipant,
    now: number,
    maxParticipants: number,
  ): Promise<Outcome<{ participantId: number; admitted: boolean }, 'nickname_taken' | 'closed' | 'not_found' | 'full' | 'blocked'>>;
  /**
   * Removes (kicks) these participants of the session, one event each; those already removed or
   * not in the session are skipped. `block` also refuses their browsers from now on. Refused with
   * 'not_found' when none was removed.
   */
  kickParticipants(sessionId: number, ids: readonly number[], block: boolean, now: number): Promise<Outcome<{ kicked: number }, 'not_found'>>;
  /** Admits these waiting participants (one event each); 'not_found' when none was waiting. */
  admitParticipants(sessionId: number, ids: readonly number[], now: number): Promise<Outcome<{ admitted: number }, 'not_found'>>;
  listParticipants(sessionId: number): Promise<ParticipantRecord[]>;

  addSubmission(
    sessionId: number,
    participantId: number,
    s: NewSubmission,
    now: number,
  ): Promise<Outcome<{ submission: SubmissionRecord }, 'not_accepting' | 'kicked'>>;
  listSubmissions(sessionId: number): Promise<SubmissionRecord[]>;
  /** Ids of the entries (of this session) that the participant voted for. */
  votedBy(sessionId: number, participantId: number): Promise<Set<number>>;
  getSubmission(sessionId: number, id: number): Promise<(SubmissionRecord & SubmissionMedia) | undefined>;
  setHidden(sessionId: number, id: number, hidden: boolean, now: number): Promise<Outcome<{ submission: SubmissionRecord }, 'not_found'>>;
  /** Removes an entry; with `authorId`, only if that participant made it. */
  deleteSubmission(sessionId: number, id: number, now: number, authorId?: number): Promise<Outcome<object, 'not_found' | 'not_author'>>;
  addVote(
    sessionId: number,
    submissionId: number,
    participantId: number,
    now: number,
  ): Promise<Outcome<{ votes: number }, 'not_found' | 'own_entry' | 'duplicate' | 'closed' | 'kicked'>>;

  /** Events with seq > `afterSeq`, oldest first, at most `limit`. */
  eventsSince(sessionId: number, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** One consistent read of the entries (with votes) and the sequence number they reflect. */
  snapshot(sessionId: number): Promise<{ session: SessionRecord; submissions: SubmissionRecord[] } | undefined>;

  /**
   * Counts one hit for `key` against `limit` hits per sliding `windowMs` (GCRA, see above) and says
   * whether it passes; when not, how long until one more would.
   */
  hitRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<{ allowed: boolean; retryAfterMs: number }>;

  exportSession(sessionId: number): Promise<SessionExport | undefined>;
  /** Deletes sessions whose retention ended and stale rate-limit windows; returns the deleted session ids. */
  sweep(now: number): Promise<number[]>;
  close(): Promise<void>;
}

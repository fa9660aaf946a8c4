/**
 * Database rows → the store's records, shared by both stores. The drivers differ in how values
 * come back (better-sqlite3: numbers and 0/1 flags and Buffers; pg: BIGINT as decimal strings,
 * BOOLEAN as booleans, BYTEA as Buffers), so every reader here accepts either and checks the type.
 */
import 'server-only';
import { ENTRY_KINDS, type EntryKind } from './challenges';
import { ADMISSIONS, SESSION_STATUSES, type Admission, type SessionStatus } from './schema';
import type { ParticipantRecord, SessionRecord, SubmissionMedia, SubmissionRecord } from './store';

export type Row = Record<string, unknown>;

/** A whole number from the database (number, bigint, or a BIGINT's decimal text). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new TypeError(`expected a number from the database, got ${typeof v}`);
}
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
export function str(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`expected text from the database, got ${typeof v}`);
  return v;
}
/** A flag: SQLite's 0/1 or PostgreSQL's boolean. */
export function flag(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return num(v) === 1;
}
export function bytes(v: unknown): Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError('expected bytes (BLOB/BYTEA) from the database');
}
export function json<T>(v: unknown): T | null {
  return v === null || v === undefined ? null : (JSON.parse(str(v)) as T);
}
function status(v: unknown): SessionStatus {
  const s = str(v);
  if (!(SESSION_STATUSES as readonly string[]).includes(s)) throw new TypeError(`unknown session status ${s}`);
  return s as SessionStatus;
}
function admission(v: unknown): Admission {
  const s = str(v);
  if (!(ADMISSIONS as readonly string[]).includes(s)) throw new TypeError(`unknown admission ${s}`);
  return s as Admission;
}
function kind(v: unknown): EntryKind {
  const s = str(v);
  if (!(ENTRY_KINDS as readonly string[]).includes(s)) throw new TypeError(`unknown entry kind ${s}`);
  return s as EntryKind;
}

export function sessionOf(r: Row): SessionRecord {
  return {
    id: num(r.id),
    code: str(r.code),
    title: str(r.title),
    challengeJson: str(r.challenge),
    status: status(r.status),
    votesRevealed: flag(r.votes_revealed),
    admission: admission(r.admission),
    createdAt: num(r.created_at),
    endsAt: numOrNull(r.ends_at),
    expiresAt: num(r.expires_at),
    lastSeq: num(r.last_seq),
  };
}

export function submissionOf(r: Row): SubmissionRecord {
  return {
    id: num(r.id),
    participantId: num(r.participant_id),
    nickname: str(r.nickname),
    title: str(r.title),
    kind: kind(r.kind),
    votes: num(r.votes),
    hidden: flag(r.hidden),
    createdAt: num(r.created_at),
    latent: json<number[]>(r.latent),
    params: json<Record<string, string | number | boolean | null>>(r.params),
  };
}

/** The columns {@link submissionOf} reads, from `submissions s JOIN participants p` (same SQL in both dialects). */
export const SUBMISSION_COLUMNS = `s.id, s.participant_id, p.nickname, s.title, s.kind, s.hidden, s.created_at, s.latent, s.params,
  (SELECT COUNT(*) FROM votes v WHERE v.submission_id = s.id) AS votes`;

/** The columns {@link mediaOf} reads, from `submissions s` (same SQL in both dialects). */
export const MEDIA_COLUMNS = 's.midi, s.png, s.wav';

/** An entry's file columns (MIDI, PNG or WAV bytes; the others null). */
export function mediaOf(r: Row): SubmissionMedia {
  return { midi: bytes(r.midi), png: bytes(r.png), wav: bytes(r.wav) };
}

/** The columns {@link participantOf} reads, from `participants p` (same SQL in both dialects). */
export const PARTICIPANT_COLUMNS = `p.id, p.nickname, p.joined_at, p.kicked_at, p.admitted_at, p.blocked,
  (SELECT COUNT(*) FROM submissions s WHERE s.participant_id = p.id) AS entries`;

export function participantOf(r: Row): ParticipantRecord {
  return {
    id: num(r.id),
    nickname: str(r.nickname),
    joinedAt: num(r.joined_at),
    kickedAt: numOrNull(r.kicked_at),
    admittedAt: numOrNull(r.admitted_at),
    blocked: flag(r.blocked),
    entries: num(r.entries),
  };
}

/** A student's rights from their participant row (for {@link Principal}). */
export function studentOf(r: Row): { role: 'student'; sessionId: number; participantId: number; nickname: string; kicked: boolean; admitted: boolean } {
  return {
    role: 'student',
    sessionId: num(r.session_id),
    participantId: num(r.id),
    nickname: str(r.nickname),
    kicked: r.kicked_at !== null && r.kicked_at !== undefined,
    admitted: r.admitted_at !== null && r.admitted_at !== undefined,
  };
}

/**
 * GCRA (the generic cell rate algorithm), as one atomic upsert in either dialect: `limit` hits per
 * `windowMs` pass as one hit every `interval = windowMs / limit` ms with a burst of `limit`. Each
 * key stores its theoretical arrival time `tat` (ms): a hit at `now` passes when
 * `max(tat, now) + interval - now <= windowMs`, and then moves `tat` there; a refused hit changes
 * nothing (`ok` records the outcome for RETURNING). Parameters: key, now, interval, windowMs.
 */
export function gcraUpsert(p: (i: number) => string, max: 'max' | 'GREATEST'): string {
  const next = `${max}(rate_limits.tat, ${p(2)}) + ${p(3)}`;
  return `INSERT INTO rate_limits (key, tat, ok) VALUES (${p(1)}, ${p(2)} + ${p(3)}, ${p(3)} <= ${p(4)})
    ON CONFLICT (key) DO UPDATE SET
      tat = CASE WHEN ${next} - ${p(2)} <= ${p(4)} THEN ${next} ELSE rate_limits.tat END,
      ok = ${next} - ${p(2)} <= ${p(4)}
    RETURNING tat, ok`;
}

/** The outcome of {@link gcraUpsert}'s row: passed, or how long until a hit would. */
export function gcraOutcome(r: Row | undefined, interval: number, windowMs: number, now: number): { allowed: boolean; retryAfterMs: number } {
  if (!r) throw new TypeError('the rate-limit upsert returned no row');
  if (flag(r.ok)) return { allowed: true, retryAfterMs: 0 };
  return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(Number(r.tat) + interval - windowMs - now)) };
}

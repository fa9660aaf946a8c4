/**
 * Database rows → the store's records, shared by both stores. The drivers differ in how values
 * come back (better-sqlite3: numbers and 0/1 flags and Buffers; pg: BIGINT as decimal strings,
 * BOOLEAN as booleans, BYTEA as Buffers), so every reader here accepts either and checks the type.
 */
import 'server-only';
import { ENTRY_KINDS, SESSION_STATUSES, type EntryKind, type SessionStatus } from './schema';
import type { SessionRecord, SubmissionRecord } from './store';

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

export function participantOf(r: Row): { id: number; nickname: string; joinedAt: number; kickedAt: number | null; entries: number } {
  return { id: num(r.id), nickname: str(r.nickname), joinedAt: num(r.joined_at), kickedAt: numOrNull(r.kicked_at), entries: num(r.entries) };
}

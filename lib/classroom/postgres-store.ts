/**
 * The classroom store on a PostgreSQL server (15 or newer), chosen by `DATABASE_URL=postgres://…`:
 * several app servers share one database that existing tools back up and replicate.
 *
 * The same contract as the SQLite store (store.ts), kept the same way:
 * - Every change is one call of a PL/pgSQL function (migrations.ts) that first locks its session's
 *   row (`FOR NO KEY UPDATE`), so the changes of one session are serialized across every app
 *   server: checks such as "the session accepts entries", "not kicked" and "not full" hold when the
 *   row is written, and the session's event numbers (`sessions.last_seq`) are gap-free and commit
 *   in order.
 * - Invariants are constraints: one vote per student per entry (primary key), unique nicknames and
 *   codes (unique keys). Rate limits are one atomic upsert in an UNLOGGED table, so they count the
 *   hits of every app server together.
 * - Each change appends its events to the session's log and calls `pg_notify` in the same
 *   transaction: PostgreSQL delivers the notification only if the change commits. The
 *   notification carries only the session and the range of sequence numbers (postgres-notify.ts);
 *   listeners read the events from the log (postgres-events.ts), so the log stays the one source
 *   of truth.
 * Connections, migrations and outages (503, never a hang): postgres-connection.ts.
 */
import 'server-only';
import { PgConnection, SWEEP_LOCK, type PostgresStoreOptions, type Setup } from './postgres-connection';
import { formatNotice } from './postgres-notify';
import {
  MEDIA_COLUMNS,
  PARTICIPANT_COLUMNS,
  SUBMISSION_COLUMNS,
  gcraOutcome,
  gcraUpsert,
  mediaOf,
  num,
  participantOf,
  sessionOf,
  str,
  studentOf,
  submissionOf,
  type Row,
} from './rows';
import type {
  ClassroomStore,
  InternalEvent,
  NewParticipant,
  NewSession,
  NewSubmission,
  Outcome,
  ParticipantRecord,
  Principal,
  SessionExport,
  SessionPatch,
  SessionRecord,
  StoredEvent,
  SubmissionMedia,
  SubmissionRecord,
} from './store';

export type { PostgresStoreOptions } from './postgres-connection';
export { channelFor, formatNotice, parseNotice, type Notice } from './postgres-notify';
export { isTransientPgError, translatePgError } from './postgres-errors';

const GCRA_SQL = gcraUpsert((i) => (i === 1 ? '$1::text' : `$${i}::float8`), 'GREATEST');

/** A refusal reason from a change function, checked against the ones the caller expects. */
function reasonOf<R extends string>(value: unknown, allowed: readonly R[]): R {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as R;
  throw new Error(`unexpected refusal from the database: ${String(value)}`);
}

/** An entry from `classroom_submission_json` (numbers as JSON numbers). */
function submissionFromJson(v: unknown): SubmissionRecord {
  if (!v || typeof v !== 'object') throw new TypeError('expected an entry from the database');
  const j = v as Row;
  return submissionOf({
    id: j.id,
    participant_id: j.participantId,
    nickname: j.nickname,
    title: j.title,
    kind: j.kind,
    votes: j.votes,
    hidden: j.hidden,
    created_at: j.createdAt,
    latent: j.latent === null || j.latent === undefined ? null : JSON.stringify(j.latent),
    params: j.params === null || j.params === undefined ? null : JSON.stringify(j.params),
  });
}

/** The events a many-row change function appended (`o_events`: [{seq, event}], as logged). */
function eventsFromJson(sessionId: number, now: number, v: unknown): StoredEvent[] {
  if (!Array.isArray(v)) throw new TypeError('expected a list of events from the database');
  return v.map((x: { seq: unknown; event: InternalEvent }) => ({ sessionId, seq: num(x.seq), createdAt: now, event: x.event }));
}

const PARTICIPANTS_SQL = `SELECT ${PARTICIPANT_COLUMNS} FROM participants p WHERE p.session_id = $1 ORDER BY p.id`;

export class PostgresClassroomStore implements ClassroomStore {
  readonly dialect = 'postgres';
  private readonly c: PgConnection;

  constructor(options: PostgresStoreOptions) {
    this.c = new PgConnection(options);
  }

  get pool() {
    return this.c.pool;
  }

  /** Connects and migrates (once); resolves to the schema in use and its notification channel. */
  ready(): Promise<Setup> {
    return this.c.ready();
  }

  /** Settings for another connection to the same database (the live-event listener). */
  connectionSettings(applicationName: string) {
    return this.c.connectionSettings(applicationName);
  }

  /** The event a change function appended, as the store returns it. */
  private static stored(sessionId: number, seq: unknown, now: number, event: InternalEvent): StoredEvent[] {
    return [{ sessionId, seq: num(seq), createdAt: now, event }];
  }

  async createSession(s: NewSession): Promise<Outcome<{ session: SessionRecord }, 'code_taken'>> {
    return this.c.tx('write', async (tx) => {
      const r = await tx.one(
        `INSERT INTO sessions (code, title, challenge, teacher_token_hash, created_at, ends_at, expires_at, admission)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING RETURNING *`,
        [s.code, s.title, s.challengeJson, s.teacherTokenHash, s.createdAt, s.endsAt, s.expiresAt, s.admission],
      );
      if (!r) return { ok: false as const, reason: 'code_taken' as const };
      return { ok: true as const, session: sessionOf(r), events: [] };
    });
  }

  async sessionByCode(code: string): Promise<SessionRecord | undefined> {
    const [r] = await this.c.query('SELECT * FROM sessions WHERE code = $1', [code]);
    return r && sessionOf(r);
  }

  async sessionById(id: number): Promise<SessionRecord | undefined> {
    const [r] = await this.c.query('SELECT * FROM sessions WHERE id = $1', [id]);
    return r && sessionOf(r);
  }

  async principalByTokenHash(hash: string): Promise<Principal | undefined> {
    const [r] = await this.c.query(
      `SELECT 'teacher' AS role, id AS session_id, NULL::bigint AS id, NULL::text AS nickname, NULL::bigint AS kicked_at, NULL::bigint AS admitted_at
         FROM sessions WHERE teacher_token_hash = $1
       UNION ALL
       SELECT 'student', session_id, id, nickname, kicked_at, admitted_at FROM participants WHERE token_hash = $1
       LIMIT 1`,
      [hash],
    );
    if (!r) return undefined;
    if (r.role === 'teacher') return { role: 'teacher', sessionId: num(r.session_id) };
    return studentOf(r);
  }

  async updateSession(sessionId: number, patch: SessionPatch, now: number): Promise<Outcome<{ session: SessionRecord }, 'not_found'>> {
    const r = await this.c.call('classroom_update_session', [
      sessionId,
      patch.status ?? null,
      patch.votesRevealed ?? null,
      patch.admission ?? null,
      patch.endsAt !== undefined,
      patch.endsAt ?? null,
      now,
    ]);
    if (r.o_reason) return { ok: false, reason: 'not_found' };
    const session = sessionOf(r.o_session as Row);
    return {
      ok: true,
      session,
      events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, {
        type: 'session',
        status: session.status,
        votesRevealed: session.votesRevealed,
        endsAt: session.endsAt,
        admission: session.admission,
      }),
    };
  }

  async deleteSession(sessionId: number): Promise<boolean> {
    const { channel } = await this.c.ready();
    // Deleting cascades to everything in the session; the notification goes out if it commits.
    const rows = await this.c.query('WITH d AS (DELETE FROM sessions WHERE id = $1 RETURNING id) SELECT pg_notify($2, $3) FROM d', [
      sessionId,
      channel,
      formatNotice({ sessionId, deleted: true }),
    ]);
    return rows.length > 0;
  }

  async addParticipant(
    sessionId: number,
    p: NewParticipant,
    now: number,
    maxParticipants: number,
  ): Promise<Outcome<{ participantId: number; admitted: boolean }, 'nickname_taken' | 'closed' | 'not_found' | 'full' | 'blocked'>> {
    const r = await this.c.call('classroom_add_participant', [sessionId, p.nickname, p.nicknameKey, p.tokenHash, p.deviceHash, now, maxParticipants]);
    if (r.o_reason) return { ok: false, reason: reasonOf(r.o_reason, ['nickname_taken', 'closed', 'not_found', 'full', 'blocked'] as const) };
    const participantId = num(r.o_participant);
    const admitted = r.o_admitted === true;
    return {
      ok: true,
      participantId,
      admitted,
      events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'joined', participantId, nickname: p.nickname, admitted, joinedAt: now }),
    };
  }

  async kickParticipants(sessionId: number, ids: readonly number[], block: boolean, now: number): Promise<Outcome<{ kicked: number }, 'not_found'>> {
    const r = await this.c.call('classroom_kick_many', [sessionId, [...ids], block, now]);
    if (r.o_reason) return { ok: false, reason: 'not_found' };
    const events = eventsFromJson(sessionId, now, r.o_events);
    return { ok: true, kicked: events.length, events };
  }

  async admitParticipants(sessionId: number, ids: readonly number[], now: number): Promise<Outcome<{ admitted: number }, 'not_found'>> {
    const r = await this.c.call('classroom_admit_many', [sessionId, [...ids], now]);
    if (r.o_reason) return { ok: false, reason: 'not_found' };
    const events = eventsFromJson(sessionId, now, r.o_events);
    return { ok: true, admitted: events.length, events };
  }

  async listParticipants(sessionId: number): Promise<ParticipantRecord[]> {
    return (await this.c.query(PARTICIPANTS_SQL, [sessionId])).map(participantOf);
  }

  async addSubmission(
    sessionId: number,
    participantId: number,
    s: NewSubmission,
    now: number,
  ): Promise<Outcome<{ submission: SubmissionRecord }, 'not_accepting' | 'kicked'>> {
    const r = await this.c.call('classroom_add_submission', [
      sessionId,
      participantId,
      s.title,
      s.kind,
      s.midi,
      s.png,
      s.wav,
      s.latent ? JSON.stringify(s.latent) : null,
      s.params ? JSON.stringify(s.params) : null,
      now,
    ]);
    if (r.o_reason) return { ok: false, reason: reasonOf(r.o_reason, ['not_accepting', 'kicked'] as const) };
    const submission = submissionFromJson(r.o_submission);
    return { ok: true, submission, events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'submitted', submission }) };
  }

  async listSubmissions(sessionId: number): Promise<SubmissionRecord[]> {
    return (
      await this.c.query(
        `SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = $1 ORDER BY s.id`,
        [sessionId],
      )
    ).map(submissionOf);
  }

  async votedBy(sessionId: number, participantId: number): Promise<Set<number>> {
    const rows = await this.c.query(
      'SELECT v.submission_id FROM votes v JOIN submissions s ON s.id = v.submission_id WHERE v.participant_id = $1 AND s.session_id = $2',
      [participantId, sessionId],
    );
    return new Set(rows.map((r) => num(r.submission_id)));
  }

  async getSubmission(sessionId: number, id: number): Promise<(SubmissionRecord & SubmissionMedia) | undefined> {
    const [r] = await this.c.query(
      `SELECT ${SUBMISSION_COLUMNS}, ${MEDIA_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = $1 AND s.id = $2`,
      [sessionId, id],
    );
    return r && { ...submissionOf(r), ...mediaOf(r) };
  }

  async setHidden(sessionId: number, id: number, hidden: boolean, now: number): Promise<Outcome<{ submission: SubmissionRecord }, 'not_found'>> {
    const r = await this.c.call('classroom_set_hidden', [sessionId, id, hidden, now]);
    if (r.o_reason) return { ok: false, reason: 'not_found' };
    const submission = submissionFromJson(r.o_submission);
    return { ok: true, submission, events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'hidden', submission }) };
  }

  async deleteSubmission(sessionId: number, id: number, now: number, authorId?: number): Promise<Outcome<object, 'not_found' | 'not_author'>> {
    const r = await this.c.call('classroom_delete_submission', [sessionId, id, now, authorId ?? null]);
    if (r.o_reason) return { ok: false, reason: reasonOf(r.o_reason, ['not_found', 'not_author'] as const) };
    return { ok: true, events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'removed', id, participantId: num(r.o_author) }) };
  }

  async addVote(
    sessionId: number,
    submissionId: number,
    participantId: number,
    now: number,
  ): Promise<Outcome<{ votes: number }, 'not_found' | 'own_entry' | 'duplicate' | 'closed' | 'kicked'>> {
    const r = await this.c.call('classroom_add_vote', [sessionId, submissionId, participantId, now]);
    if (r.o_reason) return { ok: false, reason: reasonOf(r.o_reason, ['not_found', 'own_entry', 'duplicate', 'closed', 'kicked'] as const) };
    const votes = num(r.o_votes);
    return {
      ok: true,
      votes,
      events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'voted', id: submissionId, votes, voterId: participantId }),
    };
  }

  async eventsSince(sessionId: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.c.query('SELECT seq, created_at, data FROM events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
      sessionId,
      afterSeq,
      limit,
    ]);
    return rows.map((r) => ({ sessionId, seq: num(r.seq), createdAt: num(r.created_at), event: JSON.parse(str(r.data)) as InternalEvent }));
  }

  async snapshot(sessionId: number): Promise<{ session: SessionRecord; submissions: SubmissionRecord[] } | undefined> {
    // One statement reads from one snapshot: the entries are exactly those of `last_seq`.
    const [r] = await this.c.query(
      `SELECT s.*, (SELECT COALESCE(jsonb_agg(classroom_submission_json(x.id) ORDER BY x.id), '[]'::jsonb) FROM submissions x WHERE x.session_id = s.id) AS entries
       FROM sessions s WHERE s.id = $1`,
      [sessionId],
    );
    if (!r) return undefined;
    return { session: sessionOf(r), submissions: (r.entries as unknown[]).map(submissionFromJson) };
  }

  async hitRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const interval = windowMs / Math.max(1, limit);
    // One atomic upsert: hits through every app server count together.
    const [r] = await this.c.query(GCRA_SQL, [key, now, interval, windowMs]);
    return gcraOutcome(r, interval, windowMs, now);
  }

  async exportSession(sessionId: number): Promise<SessionExport | undefined> {
    return this.c.tx('snapshot', async (tx) => {
      const r = await tx.one('SELECT * FROM sessions WHERE id = $1', [sessionId]);
      if (!r) return undefined;
      const participants = (await tx.rows(PARTICIPANTS_SQL, [sessionId])).map(participantOf);
      const submissions = (
        await tx.rows(
          `SELECT ${SUBMISSION_COLUMNS}, ${MEDIA_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = $1 ORDER BY s.id`,
          [sessionId],
        )
      ).map((row) => ({ ...submissionOf(row), ...mediaOf(row) }));
      return { session: sessionOf(r), participants, submissions };
    });
  }

  async sweep(now: number): Promise<number[]> {
    const { channel } = await this.c.ready();
    return this.c.tx('write', async (tx) => {
      // One app server sweeps at a time; the others skip (their next sweep finds the rest).
      if ((await tx.one('SELECT pg_try_advisory_xact_lock($1) AS got', [SWEEP_LOCK]))?.got !== true) return [];
      const ids = (await tx.rows('DELETE FROM sessions WHERE expires_at <= $1 RETURNING id', [now])).map((r) => num(r.id));
      for (const sessionId of ids) await tx.rows('SELECT pg_notify($1, $2)', [channel, formatNotice({ sessionId, deleted: true })]);
      // A key whose time has passed is back to a full burst: the same as no row.
      await tx.rows('DELETE FROM rate_limits WHERE tat < $1', [now]);
      return ids;
    });
  }

  async close(): Promise<void> {
    await this.c.close();
  }
}

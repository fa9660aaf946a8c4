/**
 * The classroom store on a PostgreSQL server (15 or newer), chosen by `DATABASE_URL=postgres://…`:
 * several app servers share one database that existing tools back up and replicate.
 *
 * The same contract as the SQLite store (store.ts), kept the same way:
 * - Every change is one transaction that first locks its session's row (`FOR NO KEY UPDATE`), so
 *   the changes of one session are serialized across every app server: checks such as "the session
 *   accepts entries", "not kicked" and "not full" hold when the row is written, and the session's
 *   event numbers (`sessions.last_seq`) are gap-free and commit in order.
 * - Invariants are constraints: one vote per student per entry (primary key), unique nicknames and
 *   codes (unique keys). Rate-limit counters are one atomic upsert in an UNLOGGED table, so they
 *   count the hits of every app server together.
 * - Each change appends its events to the session's log and calls `pg_notify` in the same
 *   transaction: PostgreSQL delivers the notification only if the change commits. The
 *   notification carries only the session and the range of sequence numbers; listeners read the
 *   events from the log (postgres-events.ts), so the log stays the one source of truth.
 * - A database that is down, restarting or overloaded never hangs a request and never surfaces a
 *   driver error: connecting times out after a few seconds, statements after 15 s, and every such
 *   failure becomes StoreUnavailableError (the API answers 503 with Retry-After). The pool drops
 *   broken connections and opens new ones when the server is back; nothing needs a restart.
 *
 * Migrations (migrations.ts, shared with SQLite) run on first use under an advisory lock, so two
 * app servers starting together apply each one once.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreUnavailableError } from './errors';
import { SCHEMA_MIGRATIONS_DDL, pendingMigrations } from './migrations';
import { SUBMISSION_COLUMNS, bytes, num, participantOf, sessionOf, str, submissionOf, type Row } from './rows';
import type { SessionStatus } from './schema';
import type {
  ClassroomStore,
  InternalEvent,
  NewSession,
  NewSubmission,
  Outcome,
  ParticipantRecord,
  Principal,
  SessionExport,
  SessionRecord,
  StoredEvent,
  SubmissionMedia,
  SubmissionRecord,
} from './store';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq URL; `?sslmode=…`, `?options=-c search_path=…` work). */
  connectionString: string;
  /** Connections this app server opens at most for requests (the live-event listener uses one more). */
  poolSize?: number;
  /** How long to wait for a connection before answering 503 (ms). */
  connectTimeoutMs?: number;
  /** Longest a statement may run, on the server and as seen from here (ms). */
  statementTimeoutMs?: number;
}

/** Advisory-lock keys (any constant 64-bit numbers, the same in every Latent Lab). */
const MIGRATION_LOCK = 7_301_946_001;
const SWEEP_LOCK = 7_301_946_002;

/** PostgreSQL error classes that pass by themselves (SQLSTATE prefixes). */
const TRANSIENT_SQLSTATE = [
  '08', // connection exception
  '53', // insufficient resources (too many connections, disk full, out of memory)
  '57P01', // admin shutdown (the server is stopping or restarting)
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up, shutting down, in recovery)
  '57014', // statement timeout
  '55P03', // lock not available (lock timeout)
  '40001', // serialization failure
  '40P01', // deadlock detected
  '25006', // read-only transaction (a standby after a failover, until it is promoted)
  '28', // invalid authorization (wrong password): a configuration problem, logged
  '3D000', // the database does not exist: a configuration problem, logged
];
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const TRANSIENT_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended|Client was closed|connection error|the database system is/i;

/** Whether a driver error is one that passes by itself (the database is down, busy or restarting). */
export function isTransientPgError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && (TRANSIENT_NODE.has(code) || TRANSIENT_SQLSTATE.some((p) => code.startsWith(p)))) return true;
  const message = error instanceof Error ? error.message : '';
  return TRANSIENT_MESSAGE.test(message);
}

/** Driver errors that pass by themselves become StoreUnavailableError (503); others stay as they are. */
export function translatePgError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isTransientPgError(error)) return error;
  const code = (error as { code?: unknown }).code;
  const detail = `${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
  return new StoreUnavailableError(`The classroom database (PostgreSQL) is unavailable or busy (${detail}); try again in a moment.`, { cause: error });
}

/** Only these are safe to run again: PostgreSQL guarantees the transaction was rolled back. */
function retryable(error: unknown): boolean {
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return code === '40001' || code === '40P01';
}

/** The NOTIFY channel of a schema: one per schema, so instances sharing a database stay apart. */
export function channelFor(schema: string): string {
  return schema === 'public' ? 'latent_lab_classroom' : `latent_lab_classroom_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/** What a notification says: events `first..last` of a session committed, or the session is gone. */
export type Notice = { sessionId: number; first: number; last: number } | { sessionId: number; deleted: true };

export function formatNotice(n: Notice): string {
  return 'deleted' in n ? `${n.sessionId}:deleted` : `${n.sessionId}:${n.first}:${n.last}`;
}

export function parseNotice(payload: string | undefined): Notice | undefined {
  const m = /^(\d{1,15}):(?:(deleted)|(\d{1,15}):(\d{1,15}))$/.exec(payload ?? '');
  if (!m) return undefined;
  const sessionId = Number(m[1]);
  if (m[2]) return { sessionId, deleted: true };
  const first = Number(m[3]);
  const last = Number(m[4]);
  return first >= 1 && last >= first ? { sessionId, first, last } : undefined;
}

/** One transaction's statements. */
interface Tx {
  rows(sql: string, values?: unknown[]): Promise<Row[]>;
  one(sql: string, values?: unknown[]): Promise<Row | undefined>;
  /** Rows changed by an INSERT/UPDATE/DELETE. */
  count(sql: string, values?: unknown[]): Promise<number>;
}

/** pg sends Buffers as bytea; plain Uint8Arrays become Buffers without a copy. */
function param(v: unknown): unknown {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}

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

const PARTICIPANTS_SQL = `SELECT p.id, p.nickname, p.joined_at, p.kicked_at, (SELECT COUNT(*) FROM submissions s WHERE s.participant_id = p.id) AS entries
  FROM participants p WHERE p.session_id = $1 ORDER BY p.id`;

interface Setup {
  schema: string;
  channel: string;
}

export class PostgresClassroomStore implements ClassroomStore {
  readonly dialect = 'postgres';
  readonly pool: pg.Pool;
  private readonly clientConfig: pg.ClientConfig;
  private setup: Promise<Setup> | undefined;
  private closed = false;
  private lastPoolError = 0;

  constructor(options: PostgresStoreOptions) {
    const statementTimeout = options.statementTimeoutMs ?? 15_000;
    this.clientConfig = {
      connectionString: options.connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // The server cancels what runs too long; the client gives up a little later if the server is gone.
      statement_timeout: statementTimeout,
      lock_timeout: statementTimeout,
      idle_in_transaction_session_timeout: 60_000,
      query_timeout: statementTimeout + 5_000,
      keepAlive: true,
      application_name: 'latent-lab-classroom',
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection that the server closes (restart, failover) must not crash the process:
    // the pool drops it and opens a new one when needed.
    this.pool.on('error', (error) => this.logPoolError(error));
  }

  /** Settings for another connection to the same database (the live-event listener). */
  connectionSettings(applicationName: string): pg.ClientConfig {
    return { ...this.clientConfig, application_name: applicationName, query_timeout: undefined, statement_timeout: undefined, lock_timeout: undefined };
  }

  private logPoolError(error: Error): void {
    // One line per burst (a restart drops every idle connection at once).
    const now = Date.now();
    if (now - this.lastPoolError > 5_000) console.error(`Classroom PostgreSQL: a connection was lost (${error.message}); it will be replaced.`);
    this.lastPoolError = now;
  }

  /**
   * Connects and applies the migrations this database lacks (once; a failure is retried on the
   * next call). Resolves to the schema in use and its notification channel.
   */
  ready(): Promise<Setup> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('The classroom database is closed (the server is shutting down).'));
    if (!this.setup) {
      this.setup = this.migrate().catch((error: unknown) => {
        this.setup = undefined;
        throw translatePgError(error);
      });
    }
    return this.setup;
  }

  private async migrate(): Promise<Setup> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      try {
        // Two app servers starting together: the second waits here, then finds nothing to do.
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        const schema = (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s;
        if (!schema)
          throw new Error(
            'PostgreSQL has no schema to create the classroom tables in: none of the schemas in the search_path exists. Create it, or fix `options=-c search_path=…` in DATABASE_URL.',
          );
        await client.query(SCHEMA_MIGRATIONS_DDL);
        const applied = (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version);
        for (const m of pendingMigrations(applied, 'DATABASE_URL')) {
          await client.query(m.postgres);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
        }
        await client.query('COMMIT');
        return { schema, channel: channelFor(schema) };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } catch (error) {
      broken ??= isTransientPgError(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Runs `fn` on one pooled connection; connection failures become StoreUnavailableError. */
  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translatePgError(error);
    }
    // While checked out, a connection the server drops emits 'error' here (not to the pool).
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (error) {
      if (isTransientPgError(error)) broken ??= error as Error;
      throw translatePgError(error);
    } finally {
      client.off('error', onError);
      // A connection that failed is closed, not reused.
      client.release(broken);
    }
  }

  /**
   * Runs `fn` in one transaction. `write` transactions are retried (up to three times) only when
   * PostgreSQL says it rolled them back (deadlock, serialization): then nothing was written.
   * A COMMIT whose answer is lost is never retried: the request fails with 503 instead.
   */
  private async tx<T>(mode: 'write' | 'snapshot', fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withClient(async (client) => {
          const run = async (sql: string, values: unknown[] = []) => client.query<Row>(sql, values.map(param));
          const tx: Tx = {
            rows: async (sql, values) => (await run(sql, values)).rows,
            one: async (sql, values) => (await run(sql, values)).rows[0],
            count: async (sql, values) => (await run(sql, values)).rowCount ?? 0,
          };
          await client.query(mode === 'snapshot' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
          try {
            const result = await fn(tx);
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        });
      } catch (error) {
        if (attempt < 3 && retryable(error)) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
          continue;
        }
        throw error;
      }
    }
  }

  /** One statement outside a transaction. */
  private async query(sql: string, values: unknown[] = []): Promise<Row[]> {
    return this.withClient(async (client) => (await client.query<Row>(sql, values.map(param))).rows);
  }

  /**
   * Calls one of the schema's change functions (migrations.ts): a single statement, so a single
   * round trip and its own transaction. Retried (up to three times) only when PostgreSQL says it
   * rolled it back (deadlock, serialization failure): then nothing was written. A call whose answer
   * is lost (the connection broke) is never retried: the request fails with 503 instead.
   */
  private async call(fn: string, args: unknown[]): Promise<Row> {
    const { channel } = await this.ready();
    const values = [...args, channel];
    const sql = `SELECT * FROM ${fn}(${values.map((_, i) => `$${i + 1}`).join(', ')})`;
    for (let attempt = 1; ; attempt++) {
      try {
        const [row] = await this.query(sql, values);
        if (!row) throw new Error(`${fn} returned no row`);
        return row;
      } catch (error) {
        if (attempt < 3 && retryable(error)) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
          continue;
        }
        throw error;
      }
    }
  }

  /** The event a change function appended, as the store returns it. */
  private static stored(sessionId: number, seq: unknown, now: number, event: InternalEvent): StoredEvent[] {
    return [{ sessionId, seq: num(seq), createdAt: now, event }];
  }

  async createSession(s: NewSession): Promise<Outcome<{ session: SessionRecord }, 'code_taken'>> {
    return this.tx('write', async (tx) => {
      const r = await tx.one(
        `INSERT INTO sessions (code, title, challenge, teacher_token_hash, created_at, ends_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING *`,
        [s.code, s.title, s.challengeJson, s.teacherTokenHash, s.createdAt, s.endsAt, s.expiresAt],
      );
      if (!r) return { ok: false as const, reason: 'code_taken' as const };
      return { ok: true as const, session: sessionOf(r), events: [] };
    });
  }

  async sessionByCode(code: string): Promise<SessionRecord | undefined> {
    const [r] = await this.query('SELECT * FROM sessions WHERE code = $1', [code]);
    return r && sessionOf(r);
  }

  async principalByTokenHash(hash: string): Promise<Principal | undefined> {
    const [r] = await this.query(
      `SELECT 'teacher' AS role, id AS session_id, NULL::bigint AS participant_id, NULL::text AS nickname, NULL::bigint AS kicked_at FROM sessions WHERE teacher_token_hash = $1
       UNION ALL
       SELECT 'student', session_id, id, nickname, kicked_at FROM participants WHERE token_hash = $1
       LIMIT 1`,
      [hash],
    );
    if (!r) return undefined;
    if (r.role === 'teacher') return { role: 'teacher', sessionId: num(r.session_id) };
    return { role: 'student', sessionId: num(r.session_id), participantId: num(r.participant_id), nickname: str(r.nickname), kicked: r.kicked_at !== null };
  }

  async updateSession(
    sessionId: number,
    patch: { status?: SessionStatus; votesRevealed?: boolean; endsAt?: number | null },
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }, 'not_found'>> {
    const r = await this.call('classroom_update_session', [
      sessionId,
      patch.status ?? null,
      patch.votesRevealed ?? null,
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
      }),
    };
  }

  async deleteSession(sessionId: number): Promise<boolean> {
    const { channel } = await this.ready();
    // Deleting cascades to everything in the session; the notification goes out if it commits.
    const rows = await this.query('WITH d AS (DELETE FROM sessions WHERE id = $1 RETURNING id) SELECT pg_notify($2, $3) FROM d', [
      sessionId,
      channel,
      formatNotice({ sessionId, deleted: true }),
    ]);
    return rows.length > 0;
  }

  async addParticipant(
    sessionId: number,
    p: { nickname: string; nicknameKey: string; tokenHash: string },
    now: number,
    maxParticipants: number,
  ): Promise<Outcome<{ participantId: number }, 'nickname_taken' | 'closed' | 'not_found' | 'full'>> {
    const r = await this.call('classroom_add_participant', [sessionId, p.nickname, p.nicknameKey, p.tokenHash, now, maxParticipants]);
    if (r.o_reason) return { ok: false, reason: reasonOf(r.o_reason, ['nickname_taken', 'closed', 'not_found', 'full'] as const) };
    return {
      ok: true,
      participantId: num(r.o_participant),
      events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'joined', nickname: p.nickname }),
    };
  }

  async kickParticipant(sessionId: number, nicknameKey: string, now: number): Promise<Outcome<{ nickname: string }, 'not_found'>> {
    const r = await this.call('classroom_kick', [sessionId, nicknameKey, now]);
    if (r.o_reason) return { ok: false, reason: 'not_found' };
    const nickname = str(r.o_nickname);
    return {
      ok: true,
      nickname,
      events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'kicked', nickname, participantId: num(r.o_participant) }),
    };
  }

  async listParticipants(sessionId: number): Promise<ParticipantRecord[]> {
    return (await this.query(PARTICIPANTS_SQL, [sessionId])).map(participantOf);
  }

  async addSubmission(
    sessionId: number,
    participantId: number,
    s: NewSubmission,
    now: number,
  ): Promise<Outcome<{ submission: SubmissionRecord }, 'not_accepting' | 'kicked'>> {
    const r = await this.call('classroom_add_submission', [
      sessionId,
      participantId,
      s.title,
      s.kind,
      s.midi,
      s.png,
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
      await this.query(`SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = $1 ORDER BY s.id`, [
        sessionId,
      ])
    ).map(submissionOf);
  }

  async votedBy(sessionId: number, participantId: number): Promise<Set<number>> {
    const rows = await this.query(
      'SELECT v.submission_id FROM votes v JOIN submissions s ON s.id = v.submission_id WHERE v.participant_id = $1 AND s.session_id = $2',
      [participantId, sessionId],
    );
    return new Set(rows.map((r) => num(r.submission_id)));
  }

  async getSubmission(sessionId: number, id: number): Promise<(SubmissionRecord & SubmissionMedia) | undefined> {
    const [r] = await this.query(
      `SELECT ${SUBMISSION_COLUMNS}, s.midi, s.png FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = $1 AND s.id = $2`,
      [sessionId, id],
    );
    return r && { ...submissionOf(r), midi: bytes(r.midi), png: bytes(r.png) };
  }

  async setHidden(sessionId: number, id: number, hidden: boolean, now: number): Promise<Outcome<{ submission: SubmissionRecord }, 'not_found'>> {
    const r = await this.call('classroom_set_hidden', [sessionId, id, hidden, now]);
    if (r.o_reason) return { ok: false, reason: 'not_found' };
    const submission = submissionFromJson(r.o_submission);
    return { ok: true, submission, events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'hidden', submission }) };
  }

  async deleteSubmission(sessionId: number, id: number, now: number, authorId?: number): Promise<Outcome<object, 'not_found' | 'not_author'>> {
    const r = await this.call('classroom_delete_submission', [sessionId, id, now, authorId ?? null]);
    if (r.o_reason) return { ok: false, reason: reasonOf(r.o_reason, ['not_found', 'not_author'] as const) };
    return { ok: true, events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'removed', id, participantId: num(r.o_author) }) };
  }

  async addVote(
    sessionId: number,
    submissionId: number,
    participantId: number,
    now: number,
  ): Promise<Outcome<{ votes: number }, 'not_found' | 'own_entry' | 'duplicate' | 'closed' | 'kicked'>> {
    const r = await this.call('classroom_add_vote', [sessionId, submissionId, participantId, now]);
    if (r.o_reason) return { ok: false, reason: reasonOf(r.o_reason, ['not_found', 'own_entry', 'duplicate', 'closed', 'kicked'] as const) };
    const votes = num(r.o_votes);
    return {
      ok: true,
      votes,
      events: PostgresClassroomStore.stored(sessionId, r.o_seq, now, { type: 'voted', id: submissionId, votes, voterId: participantId }),
    };
  }

  async eventsSince(sessionId: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.query('SELECT seq, created_at, data FROM events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
      sessionId,
      afterSeq,
      limit,
    ]);
    return rows.map((r) => ({ sessionId, seq: num(r.seq), createdAt: num(r.created_at), event: JSON.parse(str(r.data)) as InternalEvent }));
  }

  async snapshot(sessionId: number): Promise<{ session: SessionRecord; submissions: SubmissionRecord[] } | undefined> {
    // One statement reads from one snapshot: the entries are exactly those of `last_seq`.
    const [r] = await this.query(
      `SELECT s.*, (SELECT COALESCE(jsonb_agg(classroom_submission_json(x.id) ORDER BY x.id), '[]'::jsonb) FROM submissions x WHERE x.session_id = s.id) AS entries
       FROM sessions s WHERE s.id = $1`,
      [sessionId],
    );
    if (!r) return undefined;
    return { session: sessionOf(r), submissions: (r.entries as unknown[]).map(submissionFromJson) };
  }

  async hitRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const windowStart = now - (now % windowMs);
    // One atomic upsert: hits through every app server count together.
    const [r] = await this.query(
      `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
         window_start = excluded.window_start
       RETURNING count`,
      [key, windowStart],
    );
    const count = num(r?.count);
    return { allowed: count <= limit, retryAfterMs: count <= limit ? 0 : windowStart + windowMs - now };
  }

  async exportSession(sessionId: number): Promise<SessionExport | undefined> {
    return this.tx('snapshot', async (tx) => {
      const r = await tx.one('SELECT * FROM sessions WHERE id = $1', [sessionId]);
      if (!r) return undefined;
      const participants = (await tx.rows(PARTICIPANTS_SQL, [sessionId])).map(participantOf);
      const submissions = (
        await tx.rows(
          `SELECT ${SUBMISSION_COLUMNS}, s.midi, s.png FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = $1 ORDER BY s.id`,
          [sessionId],
        )
      ).map((row) => ({ ...submissionOf(row), midi: bytes(row.midi), png: bytes(row.png) }));
      return { session: sessionOf(r), participants, submissions };
    });
  }

  async sweep(now: number): Promise<number[]> {
    return this.tx('write', async (tx) => {
      // One app server sweeps at a time; the others skip (their next sweep finds the rest).
      if ((await tx.one('SELECT pg_try_advisory_xact_lock($1) AS got', [SWEEP_LOCK]))?.got !== true) return [];
      const { channel } = await this.ready();
      const ids = (await tx.rows('DELETE FROM sessions WHERE expires_at <= $1 RETURNING id', [now])).map((r) => num(r.id));
      for (const sessionId of ids) await tx.rows('SELECT pg_notify($1, $2)', [channel, formatNotice({ sessionId, deleted: true })]);
      await tx.rows('DELETE FROM rate_limits WHERE window_start < $1', [now - 3_600_000]);
      return ids;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/**
 * The embedded classroom store: one SQLite file through better-sqlite3, in WAL mode with
 * `synchronous=FULL` (every acknowledged commit is on disk before the API answers, also across a
 * power cut; NORMAL could lose the last commits). Created and migrated when first opened — never
 * at import time, so `next build` does not touch it.
 *
 * better-sqlite3 is synchronous: each method runs its transaction to the end before it returns,
 * and writes take the lock up front (`BEGIN IMMEDIATE`), so several processes sharing the file
 * wait for each other (busy timeout) instead of failing half-way.
 */
import 'server-only';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
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

type Db = Database.Database;

/** SQLite result codes that pass by themselves: the API answers 503 and the client retries. */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOMEM)/;

/** Driver errors that pass by themselves become StoreUnavailableError (503); others stay as they are. */
function transient(error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && TRANSIENT.test(code)) {
    return new StoreUnavailableError(`The classroom database is busy or unavailable (${code}); try again in a moment.`, { cause: error });
  }
  return error;
}

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before answering 503 (ms). */
  busyTimeoutMs?: number;
}

export class SqliteClassroomStore implements ClassroomStore {
  readonly dialect = 'sqlite';
  readonly file: string;
  private readonly db: Db;
  /**
   * A second connection for rate-limit counters only, with `synchronous=OFF`: a counter is not worth
   * an fsync (a crash may forget the last moment's counts, never an entry or a vote), and each fsync
   * blocks the server's event loop. Entries, votes and everything else go through `db` (FULL).
   */
  private readonly counters: Db;
  private closed = false;

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, compiled once per SQL text. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private constructor(file: string, db: Db, counters: Db) {
    this.file = file;
    this.db = db;
    this.counters = counters;
  }

  /** Opens (creating the folder and file if needed) and migrates the database at `file`. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteClassroomStore {
    let db: Db;
    try {
      if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    } catch (error) {
      throw new StoreUnavailableError(
        `Cannot open the classroom database at ${file}: ${error instanceof Error ? error.message : String(error)}. Check that the folder is writable (LATENT_LAB_DB sets another path).`,
        { cause: error },
      );
    }
    let counters: Db | undefined;
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      counters = file === ':memory:' ? db : new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      if (counters !== db) counters.pragma('synchronous = OFF');
    } catch (error) {
      counters?.close();
      db.close();
      throw error;
    }
    return new SqliteClassroomStore(file, db, counters);
  }

  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE); driver errors that pass become StoreUnavailableError. */
  /**
   * Runs `fn` as a write. Writes that arrive in the same turn of the event loop share one
   * transaction and so one fsync (group commit): each runs in its own savepoint, so one that fails
   * is rolled back alone, and none is acknowledged before the shared commit is on disk. Under load
   * this turns one 7 ms fsync per request into one per batch.
   */
  private write<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('The classroom database is closed (the server is shutting down).'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private readonly pending: { fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];

  private flush(): void {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      if (this.closed) throw new StoreUnavailableError('The classroom database is closed (the server is shutting down).');
      this.db
        .transaction(() => {
          for (const item of batch) {
            try {
              // A nested better-sqlite3 transaction is a savepoint: a throw undoes only this write.
              outcomes.push({ ok: true, value: this.db.transaction(item.fn)() });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      const e = transient(error);
      for (const item of batch) item.reject(e);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i];
      if (o?.ok) item.resolve(o.value);
      else item.reject(transient(o?.error));
    });
  }

  private read<T>(fn: () => T): Promise<T> {
    return this.run(() => this.db.transaction(fn).deferred());
  }

  private async run<T>(fn: () => T): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('The classroom database is closed (the server is shutting down).');
    try {
      return fn();
    } catch (error) {
      throw transient(error);
    }
  }

  private appendEvents(sessionId: number, events: InternalEvent[], now: number): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const event of events) {
      const r = this.stmt('UPDATE sessions SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq').get(sessionId) as Row | undefined;
      if (!r) throw new Error(`session ${sessionId} vanished inside its own transaction`);
      const seq = num(r.last_seq);
      this.stmt('INSERT INTO events (session_id, seq, created_at, data) VALUES (?, ?, ?, ?)').run(sessionId, seq, now, JSON.stringify(event));
      out.push({ sessionId, seq, createdAt: now, event });
    }
    return out;
  }

  private sessionRow(id: number): SessionRecord | undefined {
    const r = this.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return r && sessionOf(r);
  }

  private submissionRow(sessionId: number, id: number): SubmissionRecord | undefined {
    const r = this.db
      .prepare(`SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = ? AND s.id = ?`)
      .get(sessionId, id) as Row | undefined;
    return r && submissionOf(r);
  }

  createSession(s: NewSession): Promise<Outcome<{ session: SessionRecord }, 'code_taken'>> {
    return this.write(() => {
      const r = this.db
        .prepare(
          `INSERT INTO sessions (code, title, challenge, teacher_token_hash, created_at, ends_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING *`,
        )
        .get(s.code, s.title, s.challengeJson, s.teacherTokenHash, s.createdAt, s.endsAt, s.expiresAt) as Row | undefined;
      if (!r) return { ok: false as const, reason: 'code_taken' as const };
      return { ok: true as const, session: sessionOf(r), events: [] };
    });
  }

  sessionByCode(code: string): Promise<SessionRecord | undefined> {
    return this.read(() => {
      const r = this.stmt('SELECT * FROM sessions WHERE code = ?').get(code) as Row | undefined;
      return r && sessionOf(r);
    });
  }

  principalByTokenHash(hash: string): Promise<Principal | undefined> {
    return this.read(() => {
      const t = this.stmt('SELECT id FROM sessions WHERE teacher_token_hash = ?').get(hash) as Row | undefined;
      if (t) return { role: 'teacher' as const, sessionId: num(t.id) };
      const p = this.stmt('SELECT id, session_id, nickname, kicked_at FROM participants WHERE token_hash = ?').get(hash) as Row | undefined;
      if (!p) return undefined;
      return { role: 'student' as const, sessionId: num(p.session_id), participantId: num(p.id), nickname: str(p.nickname), kicked: p.kicked_at !== null };
    });
  }

  updateSession(
    sessionId: number,
    patch: { status?: SessionStatus; votesRevealed?: boolean; endsAt?: number | null },
    now: number,
  ): Promise<Outcome<{ session: SessionRecord }, 'not_found'>> {
    return this.write(() => {
      const before = this.sessionRow(sessionId);
      if (!before) return { ok: false as const, reason: 'not_found' as const };
      const next = {
        status: patch.status ?? before.status,
        votesRevealed: patch.votesRevealed ?? before.votesRevealed,
        endsAt: patch.endsAt !== undefined ? patch.endsAt : before.endsAt,
      };
      this.stmt('UPDATE sessions SET status = ?, votes_revealed = ?, ends_at = ? WHERE id = ?').run(
        next.status,
        next.votesRevealed ? 1 : 0,
        next.endsAt,
        sessionId,
      );
      const events = this.appendEvents(sessionId, [{ type: 'session', ...next }], now);
      const session = this.sessionRow(sessionId);
      if (!session) throw new Error('session vanished');
      return { ok: true as const, session, events };
    });
  }

  deleteSession(sessionId: number): Promise<boolean> {
    return this.write(() => this.stmt('DELETE FROM sessions WHERE id = ?').run(sessionId).changes > 0);
  }

  addParticipant(
    sessionId: number,
    p: { nickname: string; nicknameKey: string; tokenHash: string },
    now: number,
    maxParticipants: number,
  ): Promise<Outcome<{ participantId: number }, 'nickname_taken' | 'closed' | 'not_found' | 'full'>> {
    return this.write(() => {
      const s = this.sessionRow(sessionId);
      if (!s) return { ok: false as const, reason: 'not_found' as const };
      if (s.status === 'closed') return { ok: false as const, reason: 'closed' as const };
      const count = num((this.stmt('SELECT COUNT(*) AS n FROM participants WHERE session_id = ?').get(sessionId) as Row).n);
      if (count >= maxParticipants) return { ok: false as const, reason: 'full' as const };
      const r = this.db
        .prepare(
          `INSERT INTO participants (session_id, nickname, nickname_key, token_hash, joined_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (session_id, nickname_key) DO NOTHING RETURNING id`,
        )
        .get(sessionId, p.nickname, p.nicknameKey, p.tokenHash, now) as Row | undefined;
      if (!r) return { ok: false as const, reason: 'nickname_taken' as const };
      const events = this.appendEvents(sessionId, [{ type: 'joined', nickname: p.nickname }], now);
      return { ok: true as const, participantId: num(r.id), events };
    });
  }

  kickParticipant(sessionId: number, nicknameKey: string, now: number): Promise<Outcome<{ nickname: string }, 'not_found'>> {
    return this.write(() => {
      const r = this.db
        .prepare('UPDATE participants SET kicked_at = ? WHERE session_id = ? AND nickname_key = ? AND kicked_at IS NULL RETURNING id, nickname')
        .get(now, sessionId, nicknameKey) as Row | undefined;
      if (!r) return { ok: false as const, reason: 'not_found' as const };
      const nickname = str(r.nickname);
      const events = this.appendEvents(sessionId, [{ type: 'kicked', nickname, participantId: num(r.id) }], now);
      return { ok: true as const, nickname, events };
    });
  }

  listParticipants(sessionId: number): Promise<ParticipantRecord[]> {
    return this.read(() =>
      (
        this.db
          .prepare(
            `SELECT p.id, p.nickname, p.joined_at, p.kicked_at, (SELECT COUNT(*) FROM submissions s WHERE s.participant_id = p.id) AS entries
             FROM participants p WHERE p.session_id = ? ORDER BY p.id`,
          )
          .all(sessionId) as Row[]
      ).map(participantOf),
    );
  }

  addSubmission(
    sessionId: number,
    participantId: number,
    s: NewSubmission,
    now: number,
  ): Promise<Outcome<{ submission: SubmissionRecord }, 'not_accepting' | 'kicked'>> {
    return this.write(() => {
      const session = this.sessionRow(sessionId);
      if (!session || session.status !== 'open' || (session.endsAt !== null && session.endsAt <= now))
        return { ok: false as const, reason: 'not_accepting' as const };
      const p = this.stmt('SELECT kicked_at FROM participants WHERE id = ? AND session_id = ?').get(participantId, sessionId) as Row | undefined;
      if (!p || p.kicked_at !== null) return { ok: false as const, reason: 'kicked' as const };
      const r = this.db
        .prepare(
          'INSERT INTO submissions (session_id, participant_id, title, kind, midi, png, latent, params, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        )
        .get(
          sessionId,
          participantId,
          s.title,
          s.kind,
          s.midi,
          s.png,
          s.latent ? JSON.stringify(s.latent) : null,
          s.params ? JSON.stringify(s.params) : null,
          now,
        ) as Row;
      const submission = this.submissionRow(sessionId, num(r.id));
      if (!submission) throw new Error('submission vanished inside its own transaction');
      const events = this.appendEvents(sessionId, [{ type: 'submitted', submission }], now);
      return { ok: true as const, submission, events };
    });
  }

  listSubmissions(sessionId: number): Promise<SubmissionRecord[]> {
    return this.read(() => this.submissionsOf(sessionId));
  }

  private submissionsOf(sessionId: number): SubmissionRecord[] {
    return (
      this.stmt(`SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = ? ORDER BY s.id`).all(
        sessionId,
      ) as Row[]
    ).map(submissionOf);
  }

  votedBy(sessionId: number, participantId: number): Promise<Set<number>> {
    return this.read(
      () =>
        new Set(
          (
            this.stmt('SELECT v.submission_id FROM votes v JOIN submissions s ON s.id = v.submission_id WHERE v.participant_id = ? AND s.session_id = ?').all(
              participantId,
              sessionId,
            ) as Row[]
          ).map((r) => num(r.submission_id)),
        ),
    );
  }

  getSubmission(sessionId: number, id: number): Promise<(SubmissionRecord & SubmissionMedia) | undefined> {
    return this.read(() => {
      const rec = this.submissionRow(sessionId, id);
      if (!rec) return undefined;
      const m = this.stmt('SELECT midi, png FROM submissions WHERE id = ?').get(id) as Row;
      return { ...rec, midi: bytes(m.midi), png: bytes(m.png) };
    });
  }

  setHidden(sessionId: number, id: number, hidden: boolean, now: number): Promise<Outcome<{ submission: SubmissionRecord }, 'not_found'>> {
    return this.write(() => {
      const changed = this.stmt('UPDATE submissions SET hidden = ? WHERE session_id = ? AND id = ?').run(hidden ? 1 : 0, sessionId, id).changes;
      const submission = changed ? this.submissionRow(sessionId, id) : undefined;
      if (!submission) return { ok: false as const, reason: 'not_found' as const };
      const events = this.appendEvents(sessionId, [{ type: 'hidden', submission }], now);
      return { ok: true as const, submission, events };
    });
  }

  deleteSubmission(sessionId: number, id: number, now: number, authorId?: number): Promise<Outcome<object, 'not_found' | 'not_author'>> {
    return this.write(() => {
      const r = this.stmt('SELECT participant_id FROM submissions WHERE session_id = ? AND id = ?').get(sessionId, id) as Row | undefined;
      if (!r) return { ok: false as const, reason: 'not_found' as const };
      const author = num(r.participant_id);
      if (authorId !== undefined && author !== authorId) return { ok: false as const, reason: 'not_author' as const };
      this.stmt('DELETE FROM submissions WHERE id = ?').run(id);
      const events = this.appendEvents(sessionId, [{ type: 'removed', id, participantId: author }], now);
      return { ok: true as const, events };
    });
  }

  addVote(
    sessionId: number,
    submissionId: number,
    participantId: number,
    now: number,
  ): Promise<Outcome<{ votes: number }, 'not_found' | 'own_entry' | 'duplicate' | 'closed' | 'kicked'>> {
    return this.write(() => {
      const session = this.sessionRow(sessionId);
      if (!session) return { ok: false as const, reason: 'not_found' as const };
      if (session.status === 'closed') return { ok: false as const, reason: 'closed' as const };
      const p = this.stmt('SELECT kicked_at FROM participants WHERE id = ? AND session_id = ?').get(participantId, sessionId) as Row | undefined;
      if (!p || p.kicked_at !== null) return { ok: false as const, reason: 'kicked' as const };
      const s = this.stmt('SELECT participant_id, hidden FROM submissions WHERE session_id = ? AND id = ?').get(sessionId, submissionId) as Row | undefined;
      if (!s || num(s.hidden) === 1) return { ok: false as const, reason: 'not_found' as const };
      if (num(s.participant_id) === participantId) return { ok: false as const, reason: 'own_entry' as const };
      // The primary key (submission_id, participant_id) is what enforces one vote.
      const inserted = this.stmt('INSERT INTO votes (submission_id, participant_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
        submissionId,
        participantId,
        now,
      ).changes;
      if (inserted === 0) return { ok: false as const, reason: 'duplicate' as const };
      const votes = num((this.stmt('SELECT COUNT(*) AS n FROM votes WHERE submission_id = ?').get(submissionId) as Row).n);
      const events = this.appendEvents(sessionId, [{ type: 'voted', id: submissionId, votes, voterId: participantId }], now);
      return { ok: true as const, votes, events };
    });
  }

  eventsSince(sessionId: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.read(() =>
      (
        this.stmt('SELECT seq, created_at, data FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(sessionId, afterSeq, limit) as Row[]
      ).map((r) => ({
        sessionId,
        seq: num(r.seq),
        createdAt: num(r.created_at),
        event: JSON.parse(str(r.data)) as InternalEvent,
      })),
    );
  }

  snapshot(sessionId: number): Promise<{ session: SessionRecord; submissions: SubmissionRecord[] } | undefined> {
    return this.read(() => {
      const session = this.sessionRow(sessionId);
      return session && { session, submissions: this.submissionsOf(sessionId) };
    });
  }

  hitRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const windowStart = now - (now % windowMs);
    return this.run(() => {
      const r = this.counters
        .prepare(
          `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
             window_start = excluded.window_start
           RETURNING count`,
        )
        .get(key, windowStart) as Row;
      const count = num(r.count);
      return { allowed: count <= limit, retryAfterMs: count <= limit ? 0 : windowStart + windowMs - now };
    });
  }

  exportSession(sessionId: number): Promise<SessionExport | undefined> {
    return this.read(() => {
      const session = this.sessionRow(sessionId);
      if (!session) return undefined;
      const participants = (
        this.db
          .prepare(
            `SELECT p.id, p.nickname, p.joined_at, p.kicked_at, (SELECT COUNT(*) FROM submissions s WHERE s.participant_id = p.id) AS entries
             FROM participants p WHERE p.session_id = ? ORDER BY p.id`,
          )
          .all(sessionId) as Row[]
      ).map(participantOf);
      const submissions = (
        this.stmt(
          `SELECT ${SUBMISSION_COLUMNS}, s.midi, s.png FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = ? ORDER BY s.id`,
        ).all(sessionId) as Row[]
      ).map((r) => ({ ...submissionOf(r), midi: bytes(r.midi), png: bytes(r.png) }));
      return { session, participants, submissions };
    });
  }

  sweep(now: number): Promise<number[]> {
    return this.write(() => {
      const ids = (this.stmt('DELETE FROM sessions WHERE expires_at <= ? RETURNING id').all(now) as Row[]).map((r) => num(r.id));
      this.stmt('DELETE FROM rate_limits WHERE window_start < ?').run(now - 3_600_000);
      return ids;
    });
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound file. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.counters !== this.db) this.counters.close();
    this.db.close();
  }
}

/** Applies every migration the file has not recorded yet, each in its own transaction. */
function migrate(db: Db): void {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const applied = (db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => num(r.version));
  for (const m of pendingMigrations(applied, 'LATENT_LAB_DB')) {
    db.transaction(() => {
      // Another process may have applied it between the check and this lock.
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }).immediate();
  }
}

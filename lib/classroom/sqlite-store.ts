/**
 * The embedded classroom store: one SQLite file (sqlite-connection.ts: WAL, `synchronous=FULL`,
 * group commit, migrations). Each change is one write transaction that checks its rules, writes,
 * and appends its events to the session's log with the next gap-free sequence number.
 */
import 'server-only';
import { SqliteConnection, type SqliteStoreOptions } from './sqlite-connection';
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

export type { SqliteStoreOptions } from './sqlite-connection';

const GCRA_SQL = gcraUpsert((i) => ['@key', '@now', '@interval', '@window'][i - 1] ?? '', 'max');

export class SqliteClassroomStore implements ClassroomStore {
  readonly dialect = 'sqlite';
  private readonly c: SqliteConnection;

  private constructor(c: SqliteConnection) {
    this.c = c;
  }

  get file(): string {
    return this.c.file;
  }

  /** Opens (creating the folder and file if needed) and migrates the database at `file`. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteClassroomStore {
    return new SqliteClassroomStore(SqliteConnection.open(file, options));
  }

  private appendEvents(sessionId: number, events: InternalEvent[], now: number): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const event of events) {
      const r = this.c.stmt('UPDATE sessions SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq').get(sessionId) as Row | undefined;
      if (!r) throw new Error(`session ${sessionId} vanished inside its own transaction`);
      const seq = num(r.last_seq);
      this.c.stmt('INSERT INTO events (session_id, seq, created_at, data) VALUES (?, ?, ?, ?)').run(sessionId, seq, now, JSON.stringify(event));
      out.push({ sessionId, seq, createdAt: now, event });
    }
    return out;
  }

  private sessionRow(id: number): SessionRecord | undefined {
    const r = this.c.stmt('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return r && sessionOf(r);
  }

  private submissionRow(sessionId: number, id: number): SubmissionRecord | undefined {
    const r = this.c
      .stmt(`SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = ? AND s.id = ?`)
      .get(sessionId, id) as Row | undefined;
    return r && submissionOf(r);
  }

  private submissionsOf(sessionId: number): SubmissionRecord[] {
    return (
      this.c
        .stmt(`SELECT ${SUBMISSION_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = ? ORDER BY s.id`)
        .all(sessionId) as Row[]
    ).map(submissionOf);
  }

  private participantsOf(sessionId: number): ParticipantRecord[] {
    return (this.c.stmt(`SELECT ${PARTICIPANT_COLUMNS} FROM participants p WHERE p.session_id = ? ORDER BY p.id`).all(sessionId) as Row[]).map(participantOf);
  }

  createSession(s: NewSession): Promise<Outcome<{ session: SessionRecord }, 'code_taken'>> {
    return this.c.write(() => {
      const r = this.c
        .stmt(
          `INSERT INTO sessions (code, title, challenge, teacher_token_hash, created_at, ends_at, expires_at, admission)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING *`,
        )
        .get(s.code, s.title, s.challengeJson, s.teacherTokenHash, s.createdAt, s.endsAt, s.expiresAt, s.admission) as Row | undefined;
      if (!r) return { ok: false as const, reason: 'code_taken' as const };
      return { ok: true as const, session: sessionOf(r), events: [] };
    });
  }

  sessionByCode(code: string): Promise<SessionRecord | undefined> {
    return this.c.read(() => {
      const r = this.c.stmt('SELECT * FROM sessions WHERE code = ?').get(code) as Row | undefined;
      return r && sessionOf(r);
    });
  }

  sessionById(id: number): Promise<SessionRecord | undefined> {
    return this.c.read(() => this.sessionRow(id));
  }

  principalByTokenHash(hash: string): Promise<Principal | undefined> {
    return this.c.read(() => {
      const t = this.c.stmt('SELECT id FROM sessions WHERE teacher_token_hash = ?').get(hash) as Row | undefined;
      if (t) return { role: 'teacher' as const, sessionId: num(t.id) };
      const p = this.c.stmt('SELECT id, session_id, nickname, kicked_at, admitted_at FROM participants WHERE token_hash = ?').get(hash) as Row | undefined;
      return p && studentOf(p);
    });
  }

  updateSession(sessionId: number, patch: SessionPatch, now: number): Promise<Outcome<{ session: SessionRecord }, 'not_found'>> {
    return this.c.write(() => {
      const before = this.sessionRow(sessionId);
      if (!before) return { ok: false as const, reason: 'not_found' as const };
      const next = {
        status: patch.status ?? before.status,
        votesRevealed: patch.votesRevealed ?? before.votesRevealed,
        endsAt: patch.endsAt !== undefined ? patch.endsAt : before.endsAt,
        admission: patch.admission ?? before.admission,
      };
      this.c
        .stmt('UPDATE sessions SET status = ?, votes_revealed = ?, ends_at = ?, admission = ? WHERE id = ?')
        .run(next.status, next.votesRevealed ? 1 : 0, next.endsAt, next.admission, sessionId);
      const events = this.appendEvents(sessionId, [{ type: 'session', ...next }], now);
      const session = this.sessionRow(sessionId);
      if (!session) throw new Error('session vanished');
      return { ok: true as const, session, events };
    });
  }

  deleteSession(sessionId: number): Promise<boolean> {
    return this.c.write(() => this.c.stmt('DELETE FROM sessions WHERE id = ?').run(sessionId).changes > 0);
  }

  addParticipant(
    sessionId: number,
    p: NewParticipant,
    now: number,
    maxParticipants: number,
  ): Promise<Outcome<{ participantId: number; admitted: boolean }, 'nickname_taken' | 'closed' | 'not_found' | 'full' | 'blocked'>> {
    return this.c.write(() => {
      const s = this.sessionRow(sessionId);
      if (!s) return { ok: false as const, reason: 'not_found' as const };
      if (s.status === 'closed') return { ok: false as const, reason: 'closed' as const };
      if (
        p.deviceHash !== null &&
        this.c.stmt('SELECT 1 FROM participants WHERE session_id = ? AND device_hash = ? AND blocked = 1').get(sessionId, p.deviceHash)
      )
        return { ok: false as const, reason: 'blocked' as const };
      // Removed students do not count: a teacher who removes a flood makes room again.
      const count = num((this.c.stmt('SELECT COUNT(*) AS n FROM participants WHERE session_id = ? AND kicked_at IS NULL').get(sessionId) as Row).n);
      if (count >= maxParticipants) return { ok: false as const, reason: 'full' as const };
      const admitted = s.admission === 'open';
      const r = this.c
        .stmt(
          `INSERT INTO participants (session_id, nickname, nickname_key, token_hash, joined_at, device_hash, admitted_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (session_id, nickname_key) DO NOTHING RETURNING id`,
        )
        .get(sessionId, p.nickname, p.nicknameKey, p.tokenHash, now, p.deviceHash, admitted ? now : null) as Row | undefined;
      if (!r) return { ok: false as const, reason: 'nickname_taken' as const };
      const participantId = num(r.id);
      const events = this.appendEvents(sessionId, [{ type: 'joined', participantId, nickname: p.nickname, admitted, joinedAt: now }], now);
      return { ok: true as const, participantId, admitted, events };
    });
  }

  kickParticipants(sessionId: number, ids: readonly number[], block: boolean, now: number): Promise<Outcome<{ kicked: number }, 'not_found'>> {
    return this.c.write(() => {
      const events: StoredEvent[] = [];
      for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
        const r = this.c
          .stmt('UPDATE participants SET kicked_at = ?, blocked = ? WHERE session_id = ? AND id = ? AND kicked_at IS NULL RETURNING id, nickname')
          .get(now, block ? 1 : 0, sessionId, id) as Row | undefined;
        if (r) events.push(...this.appendEvents(sessionId, [{ type: 'kicked', nickname: str(r.nickname), participantId: num(r.id), blocked: block }], now));
      }
      if (events.length === 0) return { ok: false as const, reason: 'not_found' as const };
      return { ok: true as const, kicked: events.length, events };
    });
  }

  admitParticipants(sessionId: number, ids: readonly number[], now: number): Promise<Outcome<{ admitted: number }, 'not_found'>> {
    return this.c.write(() => {
      const events: StoredEvent[] = [];
      for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
        const r = this.c
          .stmt('UPDATE participants SET admitted_at = ? WHERE session_id = ? AND id = ? AND admitted_at IS NULL AND kicked_at IS NULL RETURNING id, nickname')
          .get(now, sessionId, id) as Row | undefined;
        if (r) events.push(...this.appendEvents(sessionId, [{ type: 'admitted', nickname: str(r.nickname), participantId: num(r.id) }], now));
      }
      if (events.length === 0) return { ok: false as const, reason: 'not_found' as const };
      return { ok: true as const, admitted: events.length, events };
    });
  }

  listParticipants(sessionId: number): Promise<ParticipantRecord[]> {
    return this.c.read(() => this.participantsOf(sessionId));
  }

  addSubmission(
    sessionId: number,
    participantId: number,
    s: NewSubmission,
    now: number,
  ): Promise<Outcome<{ submission: SubmissionRecord }, 'not_accepting' | 'kicked'>> {
    return this.c.write(() => {
      const session = this.sessionRow(sessionId);
      if (!session || session.status !== 'open' || (session.endsAt !== null && session.endsAt <= now))
        return { ok: false as const, reason: 'not_accepting' as const };
      const p = this.c.stmt('SELECT kicked_at FROM participants WHERE id = ? AND session_id = ?').get(participantId, sessionId) as Row | undefined;
      if (!p || p.kicked_at !== null) return { ok: false as const, reason: 'kicked' as const };
      const r = this.c
        .stmt(
          'INSERT INTO submissions (session_id, participant_id, title, kind, midi, png, wav, latent, params, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        )
        .get(
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
        ) as Row;
      const submission = this.submissionRow(sessionId, num(r.id));
      if (!submission) throw new Error('submission vanished inside its own transaction');
      const events = this.appendEvents(sessionId, [{ type: 'submitted', submission }], now);
      return { ok: true as const, submission, events };
    });
  }

  listSubmissions(sessionId: number): Promise<SubmissionRecord[]> {
    return this.c.read(() => this.submissionsOf(sessionId));
  }

  votedBy(sessionId: number, participantId: number): Promise<Set<number>> {
    return this.c.read(
      () =>
        new Set(
          (
            this.c
              .stmt('SELECT v.submission_id FROM votes v JOIN submissions s ON s.id = v.submission_id WHERE v.participant_id = ? AND s.session_id = ?')
              .all(participantId, sessionId) as Row[]
          ).map((r) => num(r.submission_id)),
        ),
    );
  }

  getSubmission(sessionId: number, id: number): Promise<(SubmissionRecord & SubmissionMedia) | undefined> {
    return this.c.read(() => {
      const rec = this.submissionRow(sessionId, id);
      if (!rec) return undefined;
      const m = this.c.stmt('SELECT midi, png, wav FROM submissions WHERE id = ?').get(id) as Row;
      return { ...rec, ...mediaOf(m) };
    });
  }

  setHidden(sessionId: number, id: number, hidden: boolean, now: number): Promise<Outcome<{ submission: SubmissionRecord }, 'not_found'>> {
    return this.c.write(() => {
      const changed = this.c.stmt('UPDATE submissions SET hidden = ? WHERE session_id = ? AND id = ?').run(hidden ? 1 : 0, sessionId, id).changes;
      const submission = changed ? this.submissionRow(sessionId, id) : undefined;
      if (!submission) return { ok: false as const, reason: 'not_found' as const };
      const events = this.appendEvents(sessionId, [{ type: 'hidden', submission }], now);
      return { ok: true as const, submission, events };
    });
  }

  deleteSubmission(sessionId: number, id: number, now: number, authorId?: number): Promise<Outcome<object, 'not_found' | 'not_author'>> {
    return this.c.write(() => {
      const r = this.c.stmt('SELECT participant_id FROM submissions WHERE session_id = ? AND id = ?').get(sessionId, id) as Row | undefined;
      if (!r) return { ok: false as const, reason: 'not_found' as const };
      const author = num(r.participant_id);
      if (authorId !== undefined && author !== authorId) return { ok: false as const, reason: 'not_author' as const };
      this.c.stmt('DELETE FROM submissions WHERE id = ?').run(id);
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
    return this.c.write(() => {
      const session = this.sessionRow(sessionId);
      if (!session) return { ok: false as const, reason: 'not_found' as const };
      if (session.status === 'closed') return { ok: false as const, reason: 'closed' as const };
      const p = this.c.stmt('SELECT kicked_at FROM participants WHERE id = ? AND session_id = ?').get(participantId, sessionId) as Row | undefined;
      if (!p || p.kicked_at !== null) return { ok: false as const, reason: 'kicked' as const };
      const s = this.c.stmt('SELECT participant_id, hidden FROM submissions WHERE session_id = ? AND id = ?').get(sessionId, submissionId) as Row | undefined;
      if (!s || num(s.hidden) === 1) return { ok: false as const, reason: 'not_found' as const };
      if (num(s.participant_id) === participantId) return { ok: false as const, reason: 'own_entry' as const };
      // The primary key (submission_id, participant_id) is what enforces one vote.
      const inserted = this.c
        .stmt('INSERT INTO votes (submission_id, participant_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(submissionId, participantId, now).changes;
      if (inserted === 0) return { ok: false as const, reason: 'duplicate' as const };
      const votes = num((this.c.stmt('SELECT COUNT(*) AS n FROM votes WHERE submission_id = ?').get(submissionId) as Row).n);
      const events = this.appendEvents(sessionId, [{ type: 'voted', id: submissionId, votes, voterId: participantId }], now);
      return { ok: true as const, votes, events };
    });
  }

  eventsSince(sessionId: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.c.read(() =>
      (
        this.c.stmt('SELECT seq, created_at, data FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(sessionId, afterSeq, limit) as Row[]
      ).map((r) => ({ sessionId, seq: num(r.seq), createdAt: num(r.created_at), event: JSON.parse(str(r.data)) as InternalEvent })),
    );
  }

  snapshot(sessionId: number): Promise<{ session: SessionRecord; submissions: SubmissionRecord[] } | undefined> {
    return this.c.read(() => {
      const session = this.sessionRow(sessionId);
      return session && { session, submissions: this.submissionsOf(sessionId) };
    });
  }

  hitRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const interval = windowMs / Math.max(1, limit);
    return this.c.run(() => gcraOutcome(this.c.counters.prepare(GCRA_SQL).get({ key, now, interval, window: windowMs }) as Row, interval, windowMs, now));
  }

  exportSession(sessionId: number): Promise<SessionExport | undefined> {
    return this.c.read(() => {
      const session = this.sessionRow(sessionId);
      if (!session) return undefined;
      const submissions = (
        this.c
          .stmt(
            `SELECT ${SUBMISSION_COLUMNS}, ${MEDIA_COLUMNS} FROM submissions s JOIN participants p ON p.id = s.participant_id WHERE s.session_id = ? ORDER BY s.id`,
          )
          .all(sessionId) as Row[]
      ).map((r) => ({ ...submissionOf(r), ...mediaOf(r) }));
      return { session, participants: this.participantsOf(sessionId), submissions };
    });
  }

  sweep(now: number): Promise<number[]> {
    return this.c.write(() => {
      const ids = (this.c.stmt('DELETE FROM sessions WHERE expires_at <= ? RETURNING id').all(now) as Row[]).map((r) => num(r.id));
      // A key whose time has passed is back to a full burst: the same as no row.
      this.c.stmt('DELETE FROM rate_limits WHERE tat < ?').run(now);
      return ids;
    });
  }

  /** The settings the store's own connections run with (per connection in SQLite, so only they can say). */
  pragmas(): { journalMode: string; synchronous: number; foreignKeys: number; countersSynchronous: number } {
    return {
      journalMode: String(this.c.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.c.db.pragma('synchronous', { simple: true })),
      foreignKeys: Number(this.c.db.pragma('foreign_keys', { simple: true })),
      countersSynchronous: Number(this.c.counters.pragma('synchronous', { simple: true })),
    };
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound file. */
  integrityCheck(): string {
    return this.c.integrityCheck();
  }

  async close(): Promise<void> {
    this.c.close();
  }
}

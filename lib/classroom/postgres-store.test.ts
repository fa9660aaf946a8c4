// What only the PostgreSQL store has: migrations shared by several app servers, NOTIFY sent only
// by committed changes, a LISTEN connection that comes back by itself, and outages that become
// 503 answers instead of hangs or stack traces. (Everything else is the contract suite that runs
// against both stores.)
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from './errors';
import { toErrorResponse } from './http';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL } from './migrations';
import type { PostgresEventBus } from './postgres-events';
import { PostgresClassroomStore, channelFor, formatNotice, isTransientPgError, parseNotice, translatePgError } from './postgres-store';
import { storageFromEnv } from './server';
import type { StoredEvent } from './store';
import { drumEntry, freeSession } from './testing/fixtures';
import { openHarness, testPostgres, type Harness } from './testing/harness';
import { listenTo } from './testing/listen';
import { freePort } from './testing/pg-cluster';

const info = testPostgres();
const skip = 'skip' in info ? info.skip : undefined;

describe('choosing the store', () => {
  it('uses PostgreSQL for a postgres:// DATABASE_URL, SQLite when it is unset, and explains any other scheme', () => {
    expect(storageFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/lab' })).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/lab' });
    expect(storageFromEnv({ DATABASE_URL: 'postgresql://db/lab' }).kind).toBe('postgres');
    expect(storageFromEnv({ DATABASE_URL: '  ', LATENT_LAB_DB: '/tmp/x.db' })).toEqual({ kind: 'sqlite', file: '/tmp/x.db' });
    expect(storageFromEnv({}).kind).toBe('sqlite');
    expect(() => storageFromEnv({ DATABASE_URL: 'mysql://db/lab' })).toThrow(/"mysql" address.*PostgreSQL/);
  });

  it('reads and writes notifications that carry only a session and a range of event numbers', () => {
    expect(parseNotice(formatNotice({ sessionId: 12, first: 3, last: 5 }))).toEqual({ sessionId: 12, first: 3, last: 5 });
    expect(parseNotice(formatNotice({ sessionId: 12, deleted: true }))).toEqual({ sessionId: 12, deleted: true });
    for (const bad of [undefined, '', '12', '12:5:3', '12:0:1', 'x:1:2', '12:1:2:3', '12:gone']) expect(parseNotice(bad), String(bad)).toBeUndefined();
    expect(channelFor('public')).toBe('latent_lab_classroom');
    expect(channelFor('t_abc')).toMatch(/^latent_lab_classroom_[0-9a-f]{16}$/);
  });

  it('treats outages as passing (503) and everything else as errors', () => {
    for (const e of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(isTransientPgError(e), e.message).toBe(true);
      expect(translatePgError(e)).toBeInstanceOf(StoreUnavailableError);
    }
    const constraint = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    expect(translatePgError(constraint)).toBe(constraint);
  });
});

describe.skipIf(skip !== undefined)(skip ? `PostgreSQL store — SKIPPED: ${skip}` : 'PostgreSQL store', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness('postgres');
  });
  afterEach(async () => {
    await h.close();
  });

  it('migrates once, also when several app servers start at the same moment, and refuses a newer schema', async () => {
    // A fresh schema and four "servers" opening it at once: each migration is applied exactly once.
    await h.sql('CREATE SCHEMA race');
    const url = h.location.replace(/search_path%3D\w+/, 'search_path%3Drace');
    const stores = Array.from({ length: 4 }, () => new PostgresClassroomStore({ connectionString: url, poolSize: 1 }));
    try {
      await Promise.all(stores.map((s) => s.ready()));
      expect(await h.sql('SELECT version FROM race.schema_migrations ORDER BY version')).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      // Rate-limit counters skip the write-ahead log; everything else is logged (and so replicated).
      const persistence = await h.sql(
        "SELECT relname, relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'race' AND relkind = 'r' ORDER BY relname",
      );
      expect(Object.fromEntries(persistence.map((r) => [r.relname, r.relpersistence]))).toEqual({
        events: 'p',
        participants: 'p',
        rate_limits: 'u',
        schema_migrations: 'p',
        sessions: 'p',
        submissions: 'p',
        votes: 'p',
      });
      await h.sql("INSERT INTO race.schema_migrations VALUES (99, 'future', 0)");
      const newer = new PostgresClassroomStore({ connectionString: url, poolSize: 1 });
      await expect(newer.sessionByCode('ABCDEF')).rejects.toThrow(/newer Latent Lab \(schema version 99/);
      await newer.close();
    } finally {
      for (const s of stores) await s.close();
    }
  });

  describe('migration 3 (timbre entries: a wav column, wider checks, classroom_add_submission with the WAV)', () => {
    const TABLES = ['sessions', 'participants', 'submissions', 'votes', 'events'];
    let schema: string;
    let url: string;
    let raw: pg.Client;
    beforeEach(async () => {
      schema = `up_${Math.random().toString(36).slice(2, 10)}`;
      await h.sql(`CREATE SCHEMA ${schema}`);
      url = h.location.replace(/search_path%3D\w+/, `search_path%3D${schema}`);
      raw = new pg.Client({ connectionString: url });
      await raw.connect();
    });
    afterEach(async () => {
      await raw.end();
      await h.sql(`DROP SCHEMA ${schema} CASCADE`);
    });

    /** A database of schema 2 (as the previous Latent Lab left it) with melody, drum and image entries, votes and events. */
    async function makeV2(extra = ''): Promise<void> {
      await raw.query(SCHEMA_MIGRATIONS_DDL);
      for (const m of MIGRATIONS.filter((x) => x.version <= 2)) {
        await raw.query(m.postgres);
        await raw.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
      }
      await raw.query(`
        INSERT INTO sessions (id, code, title, challenge, teacher_token_hash, created_at, expires_at, last_seq, admission)
          VALUES (1, 'ABCDEF', 'one', '{"kind":"free"}', 'h1', 0, 1e15, 9, 'open'), (2, 'BCDEFG', 'two', '{"kind":"free"}', 'h2', 0, 1e15, 2, 'teacher');
        INSERT INTO participants (id, session_id, nickname, nickname_key, token_hash, joined_at, admitted_at, device_hash, blocked)
          VALUES (1, 1, 'Ada', 'ada', 'a', 5, 5, 'dev-a', FALSE), (2, 1, 'Bo', 'bo', 'b', 6, 6, NULL, FALSE), (3, 1, 'Cy', 'cy', 'c', 7, 7, NULL, TRUE),
                 (4, 2, 'Di', 'di', 'd', 8, NULL, NULL, FALSE);
        INSERT INTO submissions (id, session_id, participant_id, title, kind, midi, png, latent, params, hidden, created_at) VALUES
          (3, 1, 1, 'tune', 'melody', '\\x4d54686400000006', NULL, NULL, '{"steps":7}', FALSE, 10),
          (7, 1, 2, 'groove', 'drums', '\\x4d546864ff', NULL, '[0.5,-1]', '{"temperature":0.5}', FALSE, 11),
          (12, 1, 3, 'seven', 'image', NULL, '\\x89504e470d0a1a0a', '[1,2]', '{"model":"vae"}', TRUE, 12),
          (20, 2, 4, 'late', 'image', NULL, '\\x89504e47', NULL, NULL, FALSE, 13);
        SELECT setval(pg_get_serial_sequence('submissions', 'id'), 20);
        INSERT INTO votes VALUES (3, 2, 20), (3, 3, 21), (7, 1, 22), (12, 2, 23), (20, 4, 24);
        INSERT INTO events VALUES (1, 1, 10, '{"type":"submitted"}'), (1, 2, 11, '{"type":"voted"}'), (2, 1, 13, '{"type":"joined"}');
        ${extra}`);
    }
    async function dump(): Promise<Record<string, unknown[]>> {
      const out: Record<string, unknown[]> = {};
      for (const t of TABLES) out[t] = (await raw.query(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows;
      return out;
    }
    async function versions(): Promise<number[]> {
      return (await raw.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    }

    it('keeps every row, id, vote and event, and then takes timbre entries (with their WAV only)', async () => {
      await makeV2();
      const before = await dump();
      const store = new PostgresClassroomStore({ connectionString: url, poolSize: 1 });
      try {
        await store.ready();
        expect(await versions()).toEqual([1, 2, 3]);
        const after = await dump();
        expect(after.submissions).toEqual((before.submissions as Record<string, unknown>[]).map((r) => ({ ...r, wav: null })));
        for (const t of TABLES.filter((x) => x !== 'submissions')) expect(after[t], t).toEqual(before[t]);
        expect((await store.listSubmissions(1)).map((x) => [x.id, x.kind, x.votes, x.hidden])).toEqual([
          [3, 'melody', 2, false],
          [7, 'drums', 1, false],
          [12, 'image', 1, true],
        ]);
        const checks = await raw.query("SELECT conname FROM pg_constraint WHERE conrelid = 'submissions'::regclass AND contype = 'c' ORDER BY conname");
        expect(checks.rows.map((r) => r.conname)).toEqual(['submissions_kind_check', 'submissions_media_check']);
        // One classroom_add_submission, the one that takes the WAV.
        const fns = await raw.query(
          "SELECT pg_get_function_identity_arguments(p.oid) AS args FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'classroom_add_submission' AND n.nspname = $1",
          [schema],
        );
        expect(fns.rows).toHaveLength(1);
        expect(String(fns.rows[0]?.args)).toContain('p_wav bytea');
        const insert = (kind: string, midi: Buffer | null, png: Buffer | null, wav: Buffer | null) =>
          raw.query('INSERT INTO submissions (session_id, participant_id, title, kind, midi, png, wav, created_at) VALUES (1, 1, $1, $2, $3, $4, $5, 30)', [
            'x',
            kind,
            midi,
            png,
            wav,
          ]);
        const b = Buffer.from([1]);
        await expect(insert('timbre', b, null, null)).rejects.toThrow(/submissions_media_check/);
        await expect(insert('image', null, null, b)).rejects.toThrow(/submissions_media_check/);
        await expect(insert('melody', null, null, b)).rejects.toThrow(/submissions_media_check/);
        await expect(insert('video', b, b, b)).rejects.toThrow(/submissions_kind_check/);
        const wav = new Uint8Array([82, 73, 70, 70]);
        const added = await store.addSubmission(1, 1, { title: 'blend', kind: 'timbre', midi: null, png: null, wav, latent: [0.1], params: null }, 40);
        if (!added.ok) throw new Error('refused');
        expect(added.submission.id).toBeGreaterThan(20);
        expect((await store.getSubmission(1, added.submission.id))?.wav).toEqual(wav);
        expect((await store.exportSession(1))?.submissions.map((x) => [x.kind, x.wav?.byteLength ?? null])).toEqual([
          ['melody', null],
          ['drums', null],
          ['image', null],
          ['timbre', 4],
        ]);
        await store.deleteSession(2);
        expect((await dump()).votes).toEqual((before.votes as Record<string, unknown>[]).filter((v) => v.submission_id !== '20'));
      } finally {
        await store.close();
      }
    });

    it('changes nothing when it fails half-way (one transaction), and succeeds once the cause is gone', async () => {
      // A constraint already called submissions_media_check: the migration fails at its last ALTER.
      await makeV2('ALTER TABLE submissions ADD CONSTRAINT submissions_media_check CHECK (TRUE);');
      const before = await dump();
      const store = new PostgresClassroomStore({ connectionString: url, poolSize: 1 });
      try {
        await expect(store.ready()).rejects.toThrow(/submissions_media_check.*already exists/);
        expect(await versions()).toEqual([1, 2]);
        expect(await dump()).toEqual(before);
        const cols = await raw.query("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'submissions'", [schema]);
        expect(cols.rows.map((r) => r.column_name)).not.toContain('wav');
        await raw.query('ALTER TABLE submissions DROP CONSTRAINT submissions_media_check');
        await store.ready();
        expect(await versions()).toEqual([1, 2, 3]);
      } finally {
        await store.close();
      }
    });
  });

  it('notifies only when a change commits, with the range of its events', async () => {
    const listener = new pg.Client({ connectionString: h.location });
    await listener.connect();
    const payloads: string[] = [];
    listener.on('notification', (n) => payloads.push(n.payload ?? ''));
    try {
      const { channel } = await (h.store as PostgresClassroomStore).ready();
      await listener.query(`LISTEN ${listener.escapeIdentifier(channel)}`);
      const s = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(s.code, { nickname: 'Ada' }, 'a')).studentToken;
      const bo = (await h.service.join(s.code, { nickname: 'Bo' }, 'a')).studentToken;
      const { id } = await h.service.submit(s.code, ada, drumEntry());
      await h.service.vote(s.code, bo, id);
      await expect(h.service.vote(s.code, bo, id)).rejects.toMatchObject({ code: 'already_voted' });
      await expect(h.service.join(s.code, { nickname: 'ADA' }, 'a')).rejects.toMatchObject({ code: 'nickname_taken' });
      const sessionId = (await h.store.sessionByCode(s.code))?.id;
      await h.service.deleteSession(s.code, s.teacherToken);
      await expect.poll(() => payloads.length).toBe(5);
      // Two joins, an entry, a vote and the deletion; the refused vote and join sent nothing.
      expect(payloads).toEqual([`${sessionId}:1:1`, `${sessionId}:2:2`, `${sessionId}:3:3`, `${sessionId}:4:4`, `${sessionId}:deleted`]);
    } finally {
      await listener.end();
    }
  });

  it('gets its LISTEN connection back by itself and brings streams what committed meanwhile, once', async () => {
    // This server waits a whole second before reconnecting, so the entries below surely commit while it is away.
    const other = await h.openServer(undefined, { listenRetryMs: 1000 });
    const s = await h.service.createSession(freeSession(), 'a');
    const ada = (await h.service.join(s.code, { nickname: 'Ada' }, 'a')).studentToken;
    const stream = await listenTo(other.service, s.code, s.teacherToken);
    await stream.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
    const bus = other.bus as PostgresEventBus;
    await expect.poll(() => bus.listening).toBe(true);
    const before = bus.connectionCount;
    // The database drops the other server's LISTEN connection (as a restart or failover would).
    const killed = await h.sql(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'latent-lab-classroom-listen' AND query LIKE 'LISTEN%'",
    );
    expect(killed.length).toBeGreaterThanOrEqual(1);
    await expect.poll(() => bus.listening).toBe(false);
    // Entries committed while nobody on that server listens: no notification can reach it.
    const a = await h.service.submit(s.code, ada, drumEntry('while away 1'));
    const b = await h.service.submit(s.code, ada, drumEntry('while away 2'));
    await expect.poll(() => bus.connectionCount, { timeout: 10_000 }).toBeGreaterThan(before);
    await stream.until((e) => e.filter((x) => x.type === 'submitted').length === 2, 'the entries from the log');
    const c = await h.service.submit(s.code, ada, drumEntry('after'));
    await stream.until((e) => e.filter((x) => x.type === 'submitted').length === 3, 'the next entry');
    const got = stream.events.flatMap((e) => (e.event.type === 'submitted' ? [e.event.submission.id] : []));
    expect(got).toEqual([a.id, b.id, c.id]);
    expect(stream.events.map((e) => Number(e.id))).toEqual([1, 2, 3, 4]);
    stream.abort.abort();
  });

  it('hands the service (the local fast path) exactly the events it logged, for every kind of change', async () => {
    const st = h.store;
    const created = await st.createSession({
      code: 'FASTPA',
      title: 't',
      challengeJson: '{"kind":"free"}',
      teacherTokenHash: 'h-fast',
      createdAt: 1,
      endsAt: null,
      expiresAt: 1e15,
      admission: 'teacher',
    });
    if (!created.ok) throw new Error('code taken');
    const sid = created.session.id;
    const fast: StoredEvent[] = [];
    const take = <T extends { ok: boolean }>(r: T): T & { ok: true } => {
      if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
      fast.push(...(r as unknown as { events: StoredEvent[] }).events);
      return r as T & { ok: true };
    };
    const ada = take(await st.addParticipant(sid, { nickname: 'Ada', nicknameKey: 'ada', tokenHash: 'ta', deviceHash: 'dev-a' }, 2, 10));
    const bo = take(await st.addParticipant(sid, { nickname: 'Bo', nicknameKey: 'bo', tokenHash: 'tb', deviceHash: null }, 3, 10));
    const cy = take(await st.addParticipant(sid, { nickname: 'Cy', nicknameKey: 'cy', tokenHash: 'tc', deviceHash: null }, 4, 10));
    take(await st.admitParticipants(sid, [ada.participantId, bo.participantId], 5));
    take(await st.updateSession(sid, { admission: 'open', votesRevealed: true, endsAt: 99_999 }, 6));
    const entry = {
      title: 'g',
      kind: 'drums' as const,
      midi: new Uint8Array([1, 2, 3]),
      png: null,
      wav: null,
      latent: [0.5, -1],
      params: { temperature: 0.5, mode: 'x' },
    };
    const sub = take(await st.addSubmission(sid, ada.participantId, entry, 7));
    take(await st.setHidden(sid, sub.submission.id, true, 8));
    take(await st.setHidden(sid, sub.submission.id, false, 9));
    take(await st.addVote(sid, sub.submission.id, bo.participantId, 10));
    take(await st.kickParticipants(sid, [cy.participantId, bo.participantId], true, 11));
    take(await st.deleteSubmission(sid, sub.submission.id, 12, ada.participantId));
    take(await st.updateSession(sid, { status: 'closed' }, 13));
    const logged = await st.eventsSince(sid, 0, 100);
    expect(fast.map((e) => e.seq)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(fast).toEqual(logged);
  });

  it('answers 503 with a retry hint, quickly, when the database cannot be reached', async () => {
    const port = await freePort(); // nothing listens there
    const store = new PostgresClassroomStore({ connectionString: `postgres://postgres@127.0.0.1:${port}/latent_lab`, connectTimeoutMs: 2000 });
    try {
      const calls = [
        () => store.sessionByCode('ABCDEF'),
        () => store.hitRateLimit('k', 1, 60_000, 0),
        () => store.addVote(1, 1, 1, 0),
        () => store.eventsSince(1, 0, 10),
      ];
      for (const call of calls) {
        const t0 = Date.now();
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(Date.now() - t0).toBeLessThan(5_000); // connection refused is immediate; never a hang
        const res = toErrorResponse(error);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('2');
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('unavailable');
        expect(body.error.message).not.toMatch(/ECONNREFUSED|at .*\.ts|postgres:\/\//);
      }
    } finally {
      await store.close();
    }
  });
});

// What only the PostgreSQL store has: migrations shared by several app servers, NOTIFY sent only
// by committed changes, a LISTEN connection that comes back by itself, and outages that become
// 503 answers instead of hangs or stack traces. (Everything else is the contract suite that runs
// against both stores.)
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from './errors';
import { toErrorResponse } from './http';
import { MIGRATIONS } from './migrations';
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

/**
 * A real classroom service on a real database, with a clock the test moves by hand. No mock
 * database anywhere: `sqlite` is a file in a temporary folder; `postgres` is a fresh schema in the
 * throwaway PostgreSQL cluster that the Vitest global setup starts (postgres-global-setup.ts).
 *
 * {@link describeEachStore} runs one suite against both stores: that is the storage contract.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, inject } from 'vitest';
import { LocalEventBus, type EventBus } from '../events';
import { PostgresEventBus } from '../postgres-events';
import { PostgresClassroomStore } from '../postgres-store';
import { ClassroomService, type ClassroomConfig } from '../service';
import { SqliteClassroomStore } from '../sqlite-store';
import type { ClassroomStore } from '../store';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

type Row = Record<string, unknown>;

/** One app server: its own store connection(s), bus and service, on the harness's database. */
export interface HarnessServer {
  store: ClassroomStore;
  bus: EventBus;
  service: ClassroomService;
  close(): Promise<void>;
}

export interface Harness extends HarnessServer {
  kind: StoreKind;
  clock: { now: number };
  advance(ms: number): void;
  /** The SQLite file, or the PostgreSQL connection string (with its own schema). */
  location: string;
  /**
   * Raw SQL on the same database through a separate connection, for tests of rules the database
   * itself enforces. `?` placeholders in both dialects.
   */
  sql(query: string, params?: unknown[]): Promise<Row[]>;
  /** Everything stored (every row of every table; for SQLite also the raw file), as text. */
  dumpText(): Promise<string>;
  /**
   * Another app server on the same database (its own connections and, for PostgreSQL, its own
   * LISTEN connection, reconnecting after `listenRetryMs`).
   */
  openServer(config?: Partial<ClassroomConfig>, options?: { listenRetryMs?: number }): Promise<HarnessServer>;
}

const TABLES = ['sessions', 'participants', 'submissions', 'votes', 'events', 'rate_limits', 'schema_migrations'];

/** The test cluster's URL, or why PostgreSQL tests cannot run here. */
export function testPostgres(): { url: string } | { skip: string } {
  return inject('classroomPostgres');
}

/**
 * Registers `body` once per store kind, inside `describe('<kind> store')`. Without PostgreSQL
 * (and outside CI, where the global setup fails instead) the PostgreSQL copy is skipped, and its
 * name says why.
 */
export function describeEachStore(body: (kind: StoreKind) => void): void {
  for (const kind of STORE_KINDS) {
    const pgInfo = kind === 'postgres' ? testPostgres() : undefined;
    const skip = pgInfo && 'skip' in pgInfo ? pgInfo.skip : undefined;
    describe.skipIf(skip !== undefined)(skip ? `${kind} store — SKIPPED: ${skip}` : `${kind} store`, () => body(kind));
  }
}

/** Opens a new harness on `kind` before each test (handed to `set`) and closes it after. */
export function freshHarnessPerTest(kind: StoreKind, set: (harness: Harness) => void): void {
  let current: Harness | undefined;
  beforeEach(async () => {
    current = await openHarness(kind);
    set(current);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
}

/** A fixed mid-window start, so a test's minute never straddles two rate-limit windows by accident. */
const START = Date.UTC(2026, 11, 1, 9, 0, 5);

export async function openHarness(kind: StoreKind = 'sqlite', config: Partial<ClassroomConfig> = {}): Promise<Harness> {
  return kind === 'sqlite' ? openSqlite(config) : openPostgres(config);
}

function serverOn(store: ClassroomStore, bus: EventBus, config: Partial<ClassroomConfig>, clock: { now: number }, closeBus: boolean): HarnessServer {
  const service = new ClassroomService({ store, bus, config, now: () => clock.now });
  return {
    store,
    bus,
    service,
    async close() {
      if (closeBus) await bus.close();
      await store.close();
    },
  };
}

function openSqlite(config: Partial<ClassroomConfig>): Harness {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-classroom-'));
  const file = path.join(dir, 'nested', 'classroom.db');
  const clock = { now: START };
  // One process: every "server" shares the in-process bus (that is what SQLite mode is).
  const bus = new LocalEventBus();
  const main = serverOn(SqliteClassroomStore.open(file), bus, config, clock, false);
  const others: HarnessServer[] = [];
  const sql = async (query: string, params: unknown[] = []): Promise<Row[]> => {
    const db = new Database(file);
    try {
      const stmt = db.prepare(query);
      if (stmt.reader) return stmt.all(...params) as Row[];
      stmt.run(...params);
      return [];
    } finally {
      db.close();
    }
  };
  return {
    ...main,
    kind: 'sqlite',
    clock,
    location: file,
    advance(ms) {
      clock.now += ms;
    },
    sql,
    async dumpText() {
      const rows: string[] = [];
      for (const t of TABLES)
        rows.push(
          `${t}: ${JSON.stringify(await sql(`SELECT * FROM ${t}`), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`,
        );
      const files = [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1'));
      return [...rows, ...files].join('\n');
    },
    async openServer(c = config) {
      const server = serverOn(SqliteClassroomStore.open(file), bus, c, clock, false);
      others.push(server);
      return server;
    },
    async close() {
      for (const s of others) await s.close();
      await main.close();
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(config: Partial<ClassroomConfig>): Promise<Harness> {
  const info = testPostgres();
  if ('skip' in info) throw new Error(info.skip);
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: info.url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`SET search_path TO ${schema}`);
  const location = `${info.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const clock = { now: START };
  const open = (c: Partial<ClassroomConfig>, retryMs = 50) => {
    const store = new PostgresClassroomStore({ connectionString: location, poolSize: 4 });
    return serverOn(store, new PostgresEventBus(store, { retryMs, maxRetryMs: Math.max(500, retryMs) }), c, clock, true);
  };
  const main = open(config);
  await (main.store as PostgresClassroomStore).ready();
  const others: HarnessServer[] = [];
  const sql = async (query: string, params: unknown[] = []): Promise<Row[]> => {
    let n = 0;
    const text = query.replace(/\?/g, () => `$${++n}`);
    return (await admin.query<Row>(text, params)).rows;
  };
  return {
    ...main,
    kind: 'postgres',
    clock,
    location,
    advance(ms) {
      clock.now += ms;
    },
    sql,
    async dumpText() {
      const rows: string[] = [];
      for (const t of TABLES)
        rows.push(
          `${t}: ${JSON.stringify(await sql(`SELECT * FROM ${t}`), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`,
        );
      return rows.join('\n');
    },
    async openServer(c = config, options = {}) {
      const server = open(c, options.listenRetryMs);
      others.push(server);
      return server;
    },
    async close() {
      for (const s of others) await s.close();
      await main.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
      await admin.end();
    },
  };
}

/** The participant id of `nickname` in the session, as the teacher sees it (tests address students by id, as the API does). */
export async function participantId(service: ClassroomService, code: string, teacherToken: string, nickname: string): Promise<number> {
  const p = (await service.getSession(code, teacherToken)).participants?.find((x) => x.nickname === nickname);
  if (!p) throw new Error(`nobody called ${nickname} in ${code}`);
  return p.id;
}

/** Removes the student called `nickname` (by their id). */
export async function kickNickname(service: ClassroomService, code: string, teacherToken: string, nickname: string, block = false): Promise<void> {
  await service.removeParticipants(code, teacherToken, { ids: [await participantId(service, code, teacherToken, nickname)], block });
}

/**
 * The SQLite file under the classroom store (sqlite-store.ts): opening and migrating it, WAL mode
 * with `synchronous=FULL` (every acknowledged commit is on disk before the API answers, also across
 * a power cut; NORMAL could lose the last commits), group commit, and the mapping of driver errors
 * that pass by themselves to StoreUnavailableError. Created and migrated when first opened — never
 * at import time, so `next build` does not touch it.
 *
 * better-sqlite3 is synchronous: each transaction runs to its end before the call returns, and
 * writes take the lock up front (`BEGIN IMMEDIATE`), so several processes sharing the file wait for
 * each other (busy timeout) instead of failing half-way.
 */
import 'server-only';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { StoreUnavailableError } from './errors';
import { SCHEMA_MIGRATIONS_DDL, pendingMigrations } from './migrations';
import { num, type Row } from './rows';

type Db = Database.Database;

/** SQLite result codes that pass by themselves: the API answers 503 and the client retries. */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOMEM)/;

/** Driver errors that pass by themselves become StoreUnavailableError (503); others stay as they are. */
export function transientSqliteError(error: unknown): unknown {
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

const closedError = () => new StoreUnavailableError('The classroom database is closed (the server is shutting down).');

export class SqliteConnection {
  readonly file: string;
  readonly db: Db;
  /**
   * A second connection for rate-limit counters only, with `synchronous=OFF`: a counter is not worth
   * an fsync (a crash may forget the last moment's counts, never an entry or a vote), and each fsync
   * blocks the server's event loop. Entries, votes and everything else go through `db` (FULL).
   */
  readonly counters: Db;
  private closed = false;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly pending: { fn: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];

  private constructor(file: string, db: Db, counters: Db) {
    this.file = file;
    this.db = db;
    this.counters = counters;
  }

  /** Opens (creating the folder and file if needed) and migrates the database at `file`. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteConnection {
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
      migrate(db);
      db.pragma('foreign_keys = ON');
      counters = file === ':memory:' ? db : new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      if (counters !== db) counters.pragma('synchronous = OFF');
    } catch (error) {
      counters?.close();
      db.close();
      throw error;
    }
    return new SqliteConnection(file, db, counters);
  }

  /** A prepared statement, compiled once per SQL text. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Runs `fn` as a write. Writes that arrive in the same turn of the event loop share one
   * transaction (BEGIN IMMEDIATE) and so one fsync (group commit): each runs in its own savepoint,
   * so one that fails is rolled back alone, and none is acknowledged before the shared commit is
   * on disk. Under load this turns one 7 ms fsync per request into one per batch.
   */
  write<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      if (this.closed) throw closedError();
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
      const e = transientSqliteError(error);
      for (const item of batch) item.reject(e);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i];
      if (o?.ok) item.resolve(o.value);
      else item.reject(transientSqliteError(o?.error));
    });
  }

  /** Runs `fn` in a read transaction (one consistent snapshot). */
  read<T>(fn: () => T): Promise<T> {
    return this.run(() => this.db.transaction(fn).deferred());
  }

  /** Runs `fn` now; driver errors that pass become StoreUnavailableError. */
  async run<T>(fn: () => T): Promise<T> {
    if (this.closed) throw closedError();
    try {
      return fn();
    } catch (error) {
      throw transientSqliteError(error);
    }
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound file. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.counters !== this.db) this.counters.close();
    this.db.close();
  }
}

/**
 * Applies every migration the file has not recorded yet, each in its own transaction. Foreign keys
 * are off meanwhile (SQLite's own procedure for changing tables: a table rebuilt by a migration
 * must not cascade deletes into the rows that reference it); each migration's transaction checks
 * them before it commits.
 */
function migrate(db: Db): void {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const applied = (db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => num(r.version));
  db.pragma('foreign_keys = OFF');
  for (const m of pendingMigrations(applied, 'LATENT_LAB_DB')) {
    db.transaction(() => {
      // Another process may have applied it between the check and this lock.
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version)) return;
      db.exec(m.sqlite);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`Migration ${m.version} (${m.name}) would break ${broken.length} foreign key(s); nothing was changed.`);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }).immediate();
  }
}

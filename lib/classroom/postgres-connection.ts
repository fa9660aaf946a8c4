/**
 * The PostgreSQL connection pool under the classroom store (postgres-store.ts): migrations on first
 * use, transactions, and calls of the schema's change functions, with every outage turned into
 * StoreUnavailableError (503) instead of a hang or a driver error.
 *
 * - A database that is down, restarting or overloaded never hangs a request: connecting times out
 *   after a few seconds, statements after 15 s. The pool drops broken connections and opens new
 *   ones when the server is back; nothing needs a restart.
 * - Migrations (migrations.ts, shared with SQLite) run on first use under an advisory lock, so two
 *   app servers starting together apply each one once.
 */
import 'server-only';
import pg from 'pg';
import { StoreUnavailableError } from './errors';
import { SCHEMA_MIGRATIONS_DDL, pendingMigrations } from './migrations';
import { channelFor } from './postgres-notify';
import { isTransientPgError, retryable, translatePgError } from './postgres-errors';
import type { Row } from './rows';

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
export const SWEEP_LOCK = 7_301_946_002;

/** One transaction's statements. */
export interface Tx {
  rows(sql: string, values?: unknown[]): Promise<Row[]>;
  one(sql: string, values?: unknown[]): Promise<Row | undefined>;
}

export interface Setup {
  schema: string;
  channel: string;
}

/** pg sends Buffers as bytea; plain Uint8Arrays become Buffers without a copy. */
function param(v: unknown): unknown {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));

export class PgConnection {
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
  async tx<T>(mode: 'write' | 'snapshot', fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withClient(async (client) => {
          const run = async (sql: string, values: unknown[] = []) => client.query<Row>(sql, values.map(param));
          const tx: Tx = { rows: async (sql, values) => (await run(sql, values)).rows, one: async (sql, values) => (await run(sql, values)).rows[0] };
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
          await pause(attempt);
          continue;
        }
        throw error;
      }
    }
  }

  /** One statement outside a transaction. */
  async query(sql: string, values: unknown[] = []): Promise<Row[]> {
    return this.withClient(async (client) => (await client.query<Row>(sql, values.map(param))).rows);
  }

  /**
   * Calls one of the schema's change functions (migrations.ts) with the notification channel as its
   * last argument: a single statement, so a single round trip and its own transaction. Retried (up
   * to three times) only when PostgreSQL says it rolled it back (deadlock, serialization failure):
   * then nothing was written. A call whose answer is lost is never retried: 503 instead.
   */
  async call(fn: string, args: unknown[]): Promise<Row> {
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
          await pause(attempt);
          continue;
        }
        throw error;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/**
 * Which PostgreSQL driver errors pass by themselves (the database is down, restarting, overloaded,
 * or it rolled a transaction back) and become StoreUnavailableError (the API answers 503 with
 * Retry-After), and which transactions may safely run again.
 */
import 'server-only';
import { StoreUnavailableError } from './errors';

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
export function retryable(error: unknown): boolean {
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return code === '40001' || code === '40P01';
}

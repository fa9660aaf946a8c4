/**
 * The app's one classroom service, created on first use (never at import time, so `next build`
 * does not create a database). Storage:
 * - `DATABASE_URL=postgres://…` (or `postgresql://…`): that PostgreSQL database, shared by every
 *   app server pointed at it, with live events across servers through LISTEN/NOTIFY;
 * - otherwise (the default): SQLite at ./data/latent-lab.db, or the file LATENT_LAB_DB names.
 * Either is created/migrated when first used. LATENT_LAB_RETENTION_DAYS sets the retention (default 7).

 */
import 'server-only';
import path from 'node:path';
import { StoreUnavailableError } from './errors';
import { DEFAULT_CONFIG, type ClassroomConfig } from './config';
import { LocalEventBus, type EventBus } from './events';
import { PostgresEventBus } from './postgres-events';
import { PostgresClassroomStore } from './postgres-store';
import type { Env } from './server-env';
import { ClassroomService } from './service';
import { SqliteClassroomStore } from './sqlite-store';
import type { ClassroomStore } from './store';

export type { Env } from './server-env';

export type StorageChoice = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * Which storage the environment asks for. DATABASE_URL must be a PostgreSQL URL when set (another
 * scheme is a configuration mistake and says so); unset or empty means the embedded SQLite file.
 */
export function storageFromEnv(env: Env = process.env): StorageChoice {
  const url = env.DATABASE_URL?.trim();
  if (!url) return { kind: 'sqlite', file: databasePath(env) };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? url.slice(0, 12);
  throw new StoreUnavailableError(
    `DATABASE_URL is set to a "${scheme}" address; the classroom stores its data in PostgreSQL (postgres://user:password@host:5432/database) or, with DATABASE_URL unset, in the embedded SQLite file.`,
  );
}

/** Where the embedded database lives. */
export function databasePath(env: Env = process.env): string {
  return path.resolve(/*turbopackIgnore: true*/ env.LATENT_LAB_DB?.trim() || path.join(/*turbopackIgnore: true*/ process.cwd(), 'data', 'latent-lab.db'));
}

/** The configuration from the environment; bad values fall back to the defaults with a warning. */
export function configFromEnv(env: Env = process.env): ClassroomConfig {
  const raw = env.LATENT_LAB_RETENTION_DAYS?.trim();
  let retentionDays = DEFAULT_CONFIG.retentionDays;
  if (raw) {
    const n = Number(raw);
    if (Number.isFinite(n) && n > 0 && n <= 3650) retentionDays = n;
    else console.warn(`LATENT_LAB_RETENTION_DAYS=${raw} is not a number of days from 0 to 3650; using ${retentionDays}.`);
  }
  return { ...DEFAULT_CONFIG, retentionDays };
}

const holder = globalThis as typeof globalThis & { __latentLabClassroom?: ClassroomService };

/** Opens the storage `choice` names, with its event bus. */
export function openStorage(choice: StorageChoice): { store: ClassroomStore; bus: EventBus } {
  if (choice.kind === 'postgres') {
    const store = new PostgresClassroomStore({ connectionString: choice.url });
    // Connect and migrate now, in the background: the first request then finds the schema ready
    // (and if the database is down, requests answer 503 until it is back).
    store.ready().catch((error: unknown) => console.error(`Classroom PostgreSQL: not ready yet (${error instanceof Error ? error.message : String(error)}).`));
    return { store, bus: new PostgresEventBus(store) };
  }
  return { store: SqliteClassroomStore.open(choice.file), bus: new LocalEventBus() };
}

/**
 * The service (opening the database on the first call; a failed open is retried on the next). It
 * sweeps expired sessions on a timer from then on (every 30 s, also while no request comes).
 */
export function classroom(): ClassroomService {
  if (!holder.__latentLabClassroom) {
    const { store, bus } = openStorage(storageFromEnv());
    const service = new ClassroomService({ store, bus, config: configFromEnv() });
    service.startSweeper();
    holder.__latentLabClassroom = service;
  }
  return holder.__latentLabClassroom;
}

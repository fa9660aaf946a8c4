/**
 * The app's one classroom service, created on first use (never at import time, so `next build`
 * does not create a database): SQLite at ./data/latent-lab.db, or the file LATENT_LAB_DB names,
 * created and migrated when opened. LATENT_LAB_RETENTION_DAYS sets the retention (default 7).
 */
import 'server-only';
import path from 'node:path';
import { LocalEventBus } from './events';
import { ClassroomService, DEFAULT_CONFIG, type ClassroomConfig } from './service';
import { SqliteClassroomStore } from './sqlite-store';

/** Where the embedded database lives. */
export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(/*turbopackIgnore: true*/ env.LATENT_LAB_DB?.trim() || path.join(/*turbopackIgnore: true*/ process.cwd(), 'data', 'latent-lab.db'));
}

/** The configuration from the environment; bad values fall back to the defaults with a warning. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ClassroomConfig {
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

/** The service (opening the database on the first call; a failed open is retried on the next). */
export function classroom(): ClassroomService {
  if (!holder.__latentLabClassroom) {
    const store = SqliteClassroomStore.open(databasePath());
    holder.__latentLabClassroom = new ClassroomService({ store, bus: new LocalEventBus(), config: configFromEnv() });
  }
  return holder.__latentLabClassroom;
}

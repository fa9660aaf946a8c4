import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteClassroomStore } from './sqlite-store';
import { openHarness, type Harness } from './testing/harness';

let h: Harness;
beforeEach(async () => {
  h = await openHarness('sqlite');
});
afterEach(async () => {
  await h.close();
});

describe('SQLite store', () => {
  it('opens in WAL mode with synchronous=FULL, migrated once, and refuses a newer schema', async () => {
    const db = new Database(h.location);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version)).toEqual([1]);
    } finally {
      db.close();
    }
    // Opening again applies nothing twice.
    const again = SqliteClassroomStore.open(h.location);
    await again.close();
    const db2 = new Database(h.location);
    db2.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 0)").run();
    db2.close();
    expect(() => SqliteClassroomStore.open(h.location)).toThrow(/newer Latent Lab/);
  });
});

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations';
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
  it('runs its own connections in WAL mode with synchronous=FULL (counters OFF) and foreign keys on', () => {
    // Read back from the store's own connections: `synchronous` is per connection, so a fresh one proves nothing.
    expect((h.store as SqliteClassroomStore).pragmas()).toEqual({ journalMode: 'wal', synchronous: 2, foreignKeys: 1, countersSynchronous: 0 });
  });

  it('is migrated once, and refuses a newer schema', async () => {
    const db = new Database(h.location);
    try {
      expect((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version)).toEqual(
        MIGRATIONS.map((m) => m.version),
      );
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

  it('upgrades a database of schema 1 in place: students stay admitted, votes stay', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-upgrade-'));
    const file = path.join(dir, 'v1.db');
    try {
      const v1 = new Database(file);
      v1.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      v1.exec(MIGRATIONS[0]?.sqlite ?? '');
      v1.exec(`INSERT INTO schema_migrations VALUES (1, 'v1', 0);
        INSERT INTO sessions (id, code, title, challenge, teacher_token_hash, created_at, expires_at) VALUES (1, 'ABCDEF', 't', '{"kind":"free"}', 'h', 0, 1e15);
        INSERT INTO participants (id, session_id, nickname, nickname_key, token_hash, joined_at) VALUES (1, 1, 'Ada', 'ada', 'a', 5), (2, 1, 'Bo', 'bo', 'b', 6);
        INSERT INTO submissions (id, session_id, participant_id, title, kind, midi, created_at) VALUES (1, 1, 1, 'x', 'melody', x'00', 7);
        INSERT INTO votes VALUES (1, 2, 8);
        INSERT INTO rate_limits VALUES ('k', 0, 3);`);
      v1.close();
      const store = SqliteClassroomStore.open(file);
      try {
        const people = await store.listParticipants(1);
        expect(people.map((p) => [p.nickname, p.admittedAt, p.blocked])).toEqual([
          ['Ada', 5, false],
          ['Bo', 6, false],
        ]);
        expect((await store.listSubmissions(1)).map((s) => s.votes)).toEqual([1]);
        expect((await store.sessionById(1))?.admission).toBe('open');
        expect((await store.hitRateLimit('k', 1, 60_000, 1000)).allowed).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

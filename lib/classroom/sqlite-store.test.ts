import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL } from './migrations';
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

  describe('migration 3 (timbre entries: the submissions table rebuilt with a wav column and wider checks)', () => {
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-upgrade3-'));
      file = path.join(dir, 'v2.db');
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    /** A database of schema 2 (as the previous Latent Lab left it) with melody, drum and image entries, votes and events. */
    function makeV2(extra = ''): void {
      const db = new Database(file);
      try {
        db.exec(SCHEMA_MIGRATIONS_DDL);
        for (const m of MIGRATIONS.filter((x) => x.version <= 2)) {
          db.exec(m.sqlite);
          db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
        }
        db.exec(`
          INSERT INTO sessions (id, code, title, challenge, teacher_token_hash, created_at, expires_at, last_seq, admission)
            VALUES (1, 'ABCDEF', 'one', '{"kind":"free"}', 'h1', 0, 1e15, 9, 'open'), (2, 'BCDEFG', 'two', '{"kind":"free"}', 'h2', 0, 1e15, 2, 'teacher');
          INSERT INTO participants (id, session_id, nickname, nickname_key, token_hash, joined_at, admitted_at, device_hash, blocked)
            VALUES (1, 1, 'Ada', 'ada', 'a', 5, 5, 'dev-a', 0), (2, 1, 'Bo', 'bo', 'b', 6, 6, NULL, 0), (3, 1, 'Cy', 'cy', 'c', 7, 7, NULL, 1),
                   (4, 2, 'Di', 'di', 'd', 8, NULL, NULL, 0);
          INSERT INTO submissions (id, session_id, participant_id, title, kind, midi, png, latent, params, hidden, created_at) VALUES
            (3, 1, 1, 'tune', 'melody', x'4d54686400000006', NULL, NULL, '{"steps":7}', 0, 10),
            (7, 1, 2, 'groove', 'drums', x'4d546864ff', NULL, '[0.5,-1]', '{"temperature":0.5}', 0, 11),
            (12, 1, 3, 'seven', 'image', NULL, x'89504e470d0a1a0a', '[1,2]', '{"model":"vae"}', 1, 12),
            (20, 2, 4, 'late', 'image', NULL, x'89504e47', NULL, NULL, 0, 13);
          INSERT INTO votes VALUES (3, 2, 20), (3, 3, 21), (7, 1, 22), (12, 2, 23), (20, 4, 24);
          INSERT INTO events VALUES (1, 1, 10, '{"type":"submitted"}'), (1, 2, 11, '{"type":"voted"}'), (2, 1, 13, '{"type":"joined"}');
          INSERT INTO rate_limits VALUES ('k', 5, 1);
          ${extra}`);
      } finally {
        db.close();
      }
    }

    const TABLES = ['sessions', 'participants', 'submissions', 'votes', 'events', 'rate_limits'];
    function dump(): Record<string, unknown[]> {
      const db = new Database(file, { readonly: true });
      try {
        return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
      } finally {
        db.close();
      }
    }
    function versions(): number[] {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
      } finally {
        db.close();
      }
    }

    it('keeps every row, id, vote and event, and then takes timbre entries (with their WAV only)', async () => {
      makeV2();
      const before = dump();
      const store = SqliteClassroomStore.open(file);
      try {
        expect(versions()).toEqual([1, 2, 3]);
        const after = dump();
        expect(after.submissions).toEqual((before.submissions as Record<string, unknown>[]).map((r) => ({ ...r, wav: null })));
        for (const t of TABLES.filter((x) => x !== 'submissions')) expect(after[t], t).toEqual(before[t]);
        expect(store.integrityCheck()).toBe('ok');
        expect((await store.listSubmissions(1)).map((x) => [x.id, x.kind, x.votes, x.hidden])).toEqual([
          [3, 'melody', 2, false],
          [7, 'drums', 1, false],
          [12, 'image', 1, true],
        ]);
        const db = new Database(file);
        try {
          expect(db.pragma('foreign_key_check')).toEqual([]);
          const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE tbl_name LIKE 'submissions%' ORDER BY name").all();
          expect(objects).toEqual([
            { type: 'table', name: 'submissions' },
            { type: 'index', name: 'submissions_participant' },
            { type: 'index', name: 'submissions_session' },
          ]);
          // The database itself holds each kind to its own file.
          db.pragma('foreign_keys = ON');
          const insert = (kind: string, midi: Buffer | null, png: Buffer | null, wav: Buffer | null) => () =>
            db
              .prepare('INSERT INTO submissions (session_id, participant_id, title, kind, midi, png, wav, created_at) VALUES (1, 1, ?, ?, ?, ?, ?, 30)')
              .run('x', kind, midi, png, wav);
          const b = Buffer.from([1]);
          expect(insert('timbre', b, null, null)).toThrow(/CHECK constraint/);
          expect(insert('image', null, null, b)).toThrow(/CHECK constraint/);
          expect(insert('melody', null, null, b)).toThrow(/CHECK constraint/);
          expect(insert('video', b, b, b)).toThrow(/CHECK constraint/);
        } finally {
          db.close();
        }
        const added = await store.addSubmission(
          1,
          1,
          { title: 'blend', kind: 'timbre', midi: null, png: null, wav: new Uint8Array([82, 73, 70, 70]), latent: [0.1], params: null },
          40,
        );
        if (!added.ok) throw new Error('refused');
        expect(added.submission.id).toBe(21); // after the highest id kept
        expect((await store.getSubmission(1, 21))?.wav).toEqual(new Uint8Array([82, 73, 70, 70]));
        // Foreign keys still cascade from the rebuilt table: deleting session 2 takes its entry and vote.
        await store.deleteSession(2);
        expect(dump().votes).toEqual((before.votes as Record<string, unknown>[]).filter((v) => v.submission_id !== 20));
      } finally {
        await store.close();
      }
    });

    it('changes nothing when the rebuild fails half-way (one transaction), and succeeds once the cause is gone', async () => {
      // A vote for an entry that does not exist (written with foreign keys off): the rebuilt table
      // fails the foreign-key check after the old table was dropped and the new one renamed.
      makeV2('PRAGMA foreign_keys = OFF; INSERT INTO votes VALUES (99, 1, 25);');
      const before = dump();
      expect(() => SqliteClassroomStore.open(file)).toThrow(/Migration 3 .* would break 1 foreign key/);
      expect(versions()).toEqual([1, 2]);
      expect(dump()).toEqual(before);
      const db = new Database(file);
      try {
        expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'submissions'").get() as { sql: string }).sql).not.toContain('wav');
        expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'submissions_v3'").all()).toEqual([]);
        db.prepare('DELETE FROM votes WHERE submission_id = 99').run();
      } finally {
        db.close();
      }
      await SqliteClassroomStore.open(file).close();
      expect(versions()).toEqual([1, 2, 3]);
    });
  });
});

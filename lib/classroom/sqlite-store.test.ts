import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteClassroomStore } from './sqlite-store';
import { openHarness, type Harness } from './testing/harness';

let h: Harness;
beforeEach(() => {
  h = openHarness();
});
afterEach(async () => {
  await h.close();
});

async function session(code = 'ABCDEF') {
  const r = await h.store.createSession({ code, title: 't', challengeJson: '{"kind":"free"}', teacherTokenHash: `h-${code}`, createdAt: 0, endsAt: null, expiresAt: 1e15 });
  if (!r.ok) throw new Error('code taken');
  return r.session.id;
}

describe('SQLite store', () => {
  it('opens in WAL mode with synchronous=FULL, migrated once, and refuses a newer schema', async () => {
    const db = new Database(h.file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version)).toEqual([1]);
    } finally {
      db.close();
    }
    // Opening again applies nothing twice.
    const again = SqliteClassroomStore.open(h.file);
    await again.close();
    const db2 = new Database(h.file);
    db2.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 0)").run();
    db2.close();
    expect(() => SqliteClassroomStore.open(h.file)).toThrow(/newer Latent Lab/);
  });

  it('commits concurrent writes together but keeps each one’s failure to itself (group commit)', async () => {
    const id = await session();
    const names = Array.from({ length: 30 }, (_, i) => (i === 17 ? 'N3' : `N${i}`));
    const results = await Promise.all(names.map((n, i) => h.store.addParticipant(id, { nickname: n, nicknameKey: n.toLowerCase(), tokenHash: `tok${i}` }, 1, 500)));
    expect(results.filter((r) => r.ok)).toHaveLength(29);
    expect(results[17]).toEqual({ ok: false, reason: 'nickname_taken' });
    // A write that breaks a constraint fails alone, in the middle of a batch.
    const participantId = results[0]?.ok ? results[0].participantId : -1;
    const bad = { title: 'x', kind: 'image' as const, midi: null, png: null, latent: null, params: null };
    const good = { title: 'y', kind: 'melody' as const, midi: new Uint8Array([1]), png: null, latent: null, params: null };
    const mixed = await Promise.allSettled([h.store.addSubmission(id, participantId, good, 2), h.store.addSubmission(id, participantId, bad, 2), h.store.addSubmission(id, participantId, good, 2)]);
    expect(mixed.map((m) => m.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((mixed[1] as PromiseRejectedResult).reason)).toMatch(/CHECK constraint/);
    // The log is gap-free: 29 joins and 2 entries, numbered 1..31.
    const events = await h.store.eventsSince(id, 0, 100);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect((await h.store.listSubmissions(id)).map((s) => s.title)).toEqual(['y', 'y']);
  });
});

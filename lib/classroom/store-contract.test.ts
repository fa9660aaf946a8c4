// The storage contract at the level where it matters for several app servers: concurrent writes,
// the gap-free event log, and rules that must hold when two servers share one database (one vote,
// unique nicknames, the session cap, rate limits, live events). Runs against both stores: SQLite
// (two store connections on one file, one process) and PostgreSQL (two pools and two LISTEN
// connections on one database, as two app servers would have).
import { beforeEach, describe, expect, it } from 'vitest';
import { ClassroomError } from './errors';
import { DEFAULT_CONFIG } from './service';
import { drumEntry, freeSession } from './testing/fixtures';
import { describeEachStore, freshHarnessPerTest, type Harness, type HarnessServer } from './testing/harness';
import { listenTo } from './testing/listen';

let h: Harness;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    if (error instanceof ClassroomError) return error.code;
    throw error;
  }
}

async function storeSession(code = 'ABCDEF'): Promise<number> {
  const r = await h.store.createSession({
    code,
    title: 't',
    challengeJson: '{"kind":"free"}',
    teacherTokenHash: `h-${code}`,
    createdAt: 0,
    endsAt: null,
    expiresAt: 1e15,
    admission: 'open',
  });
  if (!r.ok) throw new Error('code taken');
  return r.session.id;
}

describeEachStore((kind) => {
  freshHarnessPerTest(kind, (opened) => (h = opened));

  describe('concurrent writes', () => {
    it('keeps each write’s failure to itself and numbers the log without gaps', async () => {
      const id = await storeSession();
      const names = Array.from({ length: 30 }, (_, i) => (i === 17 ? 'N3' : `N${i}`));
      const results = await Promise.all(
        names.map((n, i) => h.store.addParticipant(id, { nickname: n, nicknameKey: n.toLowerCase(), tokenHash: `tok${i}`, deviceHash: null }, 1, 500)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(29);
      // Two joins race for "N3": whichever commits first wins, the other is refused.
      expect([results[3], results[17]].filter((r) => r?.ok === false)).toEqual([{ ok: false, reason: 'nickname_taken' }]);
      // A write that breaks a constraint fails alone, between two that succeed.
      const participantId = results[0]?.ok ? results[0].participantId : -1;
      const bad = { title: 'x', kind: 'image' as const, midi: null, png: null, wav: null, latent: null, params: null };
      const good = { title: 'y', kind: 'melody' as const, midi: new Uint8Array([1]), png: null, wav: null, latent: null, params: null };
      const mixed = await Promise.allSettled([
        h.store.addSubmission(id, participantId, good, 2),
        h.store.addSubmission(id, participantId, bad, 2),
        h.store.addSubmission(id, participantId, good, 2),
      ]);
      expect(mixed.map((m) => m.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((mixed[1] as PromiseRejectedResult).reason)).toMatch(/CHECK constraint|check constraint/i);
      // The log is gap-free: 29 joins and 2 entries, numbered 1..31.
      const events = await h.store.eventsSince(id, 0, 100);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      expect((await h.store.listSubmissions(id)).map((s) => s.title)).toEqual(['y', 'y']);
      expect((await h.store.snapshot(id))?.session.lastSeq).toBe(31);
    });
  });

  describe('two app servers on one database', () => {
    let other: HarnessServer;
    beforeEach(async () => {
      other = await h.openServer();
    });

    it('counts one vote per student per entry, whichever server each attempt reaches', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(s.code, { nickname: 'Ada' }, 'a')).studentToken;
      const bo = (await other.service.join(s.code, { nickname: 'Bo' }, 'a')).studentToken;
      const { id } = await h.service.submit(s.code, ada, drumEntry());
      const servers = [h.service, other.service];
      const attempts = await Promise.all(Array.from({ length: 12 }, (_, i) => codeOf((servers[i % 2] ?? h.service).vote(s.code, bo, id))));
      expect(attempts.filter((c) => c === 'ok')).toHaveLength(1);
      expect(attempts.filter((c) => c === 'already_voted')).toHaveLength(11);
      const [entry] = await other.service.listSubmissions(s.code, s.teacherToken);
      expect(entry?.votes).toBe(1);
    });

    it('keeps nicknames unique and the session cap, with joins racing through both servers', async () => {
      const small = await h.openServer({ maxParticipants: 5 });
      const smallOther = await h.openServer({ maxParticipants: 5 });
      const s = await small.service.createSession(freeSession(), 'a');
      const servers = [small.service, smallOther.service];
      const same = await Promise.all(
        Array.from({ length: 6 }, (_, i) => codeOf((servers[i % 2] ?? small.service).join(s.code, { nickname: i % 2 ? 'ZOË' : 'zoë' }, `10.0.0.${i}`))),
      );
      expect(same.filter((c) => c === 'ok')).toHaveLength(1);
      expect(same.filter((c) => c === 'nickname_taken')).toHaveLength(5);
      const many = await Promise.all(
        Array.from({ length: 10 }, (_, i) => codeOf((servers[i % 2] ?? small.service).join(s.code, { nickname: `Kid ${i}` }, `10.0.1.${i}`))),
      );
      expect(many.filter((c) => c === 'ok')).toHaveLength(4);
      expect(many.filter((c) => c === 'session_full')).toHaveLength(6);
      expect((await small.service.getSession(s.code, s.teacherToken)).participants).toHaveLength(5);
    });

    it('counts rate limits in the database: hits through both servers add up', async () => {
      const limits = { ...DEFAULT_CONFIG.rateLimits, submissionsPerToken: 6 };
      const one = await h.openServer({ rateLimits: limits });
      const two = await h.openServer({ rateLimits: limits });
      const s = await one.service.createSession(freeSession(), 'a');
      const ada = (await one.service.join(s.code, { nickname: 'Ada' }, 'a')).studentToken;
      const results: string[] = [];
      for (let i = 0; i < 8; i++) results.push(await codeOf((i % 2 ? two : one).service.submit(s.code, ada, drumEntry(`g${i}`))));
      // Either server alone saw only 4 entries (under 6), but together it is 8: the last two are refused.
      expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
      h.advance(60_000);
      expect(await codeOf(two.service.submit(s.code, ada, drumEntry('next minute')))).toBe('ok');
    });

    it('brings entries, votes, hiding and removals made through one server to listeners on the other', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(s.code, { nickname: 'Ada' }, 'a')).studentToken;
      const bo = (await h.service.join(s.code, { nickname: 'Bo' }, 'a')).studentToken;
      // The teacher's projector and a student are connected to the other server.
      const teacher = await listenTo(other.service, s.code, s.teacherToken);
      const student = await listenTo(other.service, s.code, bo);
      await teacher.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
      await student.until((e) => e.some((x) => x.type === 'snapshot'), "the student's snapshot");
      const { id } = await h.service.submit(s.code, ada, drumEntry('Across'));
      await h.service.vote(s.code, bo, id);
      await h.service.setHidden(s.code, s.teacherToken, id, { hidden: true });
      await h.service.setHidden(s.code, s.teacherToken, id, { hidden: false });
      await h.service.removeSubmission(s.code, ada, id);
      await teacher.until((e) => e.some((x) => x.type === 'removed'), 'the removal');
      await student.until((e) => e.length === 6, 'the removal (student)');
      expect(teacher.events.map((e) => e.event.type)).toEqual(['snapshot', 'submitted', 'voted', 'updated', 'updated', 'removed']);
      expect(teacher.events.map((e) => Number(e.id))).toEqual([2, 3, 4, 5, 6, 7]);
      expect(teacher.events[2]?.event).toEqual({ type: 'voted', id, votes: 1, byYou: false });
      // The student sees its own vote (without counts), the entry leave while hidden and come back.
      expect(student.events.map((e) => e.event.type)).toEqual(['snapshot', 'submitted', 'voted', 'removed', 'updated', 'removed']);
      // Deleting the session through the first server ends the streams on the second.
      await h.service.deleteSession(s.code, s.teacherToken);
      await teacher.done;
      await student.done;
      expect(teacher.events.at(-1)?.event).toEqual({ type: 'deleted' });
      expect(other.bus.listenerCount()).toBe(0);
    });

    it('gives listeners on both servers every event once and in order while both servers write', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const servers = [h.service, other.service];
      const tokens = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => (await (servers[i % 2] ?? h.service).join(s.code, { nickname: `W${i}` }, 'a')).studentToken),
      );
      const listeners = await Promise.all([listenTo(h.service, s.code, s.teacherToken), listenTo(other.service, s.code, s.teacherToken)]);
      for (const l of listeners) await l.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
      const ids = (
        await Promise.all(
          tokens.map(async (token, i) => {
            const mine: number[] = [];
            for (let k = 0; k < 5; k++) mine.push((await (servers[(i + k) % 2] ?? h.service).submit(s.code, token, drumEntry(`w${i} #${k}`, 0.5, k))).id);
            return mine;
          }),
        )
      ).flat();
      for (const l of listeners) await l.until((e) => e.filter((x) => x.type === 'submitted').length >= ids.length, 'every entry');
      const last = (await h.store.snapshot((await h.store.sessionByCode(s.code))?.id ?? -1))?.session.lastSeq;
      for (const l of listeners) {
        const seqs = l.events.map((e) => Number(e.id));
        // Snapshot at 6 (six joins), then 7..36 exactly once each.
        expect(seqs).toEqual(Array.from({ length: 31 }, (_, i) => i + 6));
        expect(seqs.at(-1)).toBe(last);
        const seen = l.events.flatMap((e) => (e.event.type === 'submitted' ? [e.event.submission.id] : []));
        expect([...seen].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
        l.abort.abort();
      }
    });
  });
});

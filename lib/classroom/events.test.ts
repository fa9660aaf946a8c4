import { Midi } from '@tonejs/midi';
import { decode as decodePng } from 'fast-png';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openEventStream } from './sse';
import { digitEntry, drumEntry, freeSession, melodyEntry } from './testing/fixtures';
import { describeEachStore, freshHarnessPerTest, kickNickname, type Harness } from './testing/harness';
import { listenTo, type Listener } from './testing/listen';

let h: Harness;

/** A listener on this test's service. */
function listen(code: string, token: string, lastEventId: string | null = null, heartbeatMs?: number): Promise<Listener> {
  return listenTo(h.service, code, token, lastEventId, heartbeatMs);
}

describeEachStore((kind) => {
  freshHarnessPerTest(kind, (opened) => (h = opened));

  describe('live events (Server-Sent Events)', () => {
    it('streams a snapshot, then every change, with the right headers', async () => {
      const c = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
      const teacher = await listen(c.code, c.teacherToken);
      expect(teacher.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(teacher.response.headers.get('cache-control')).toBe('no-cache, no-transform');
      await teacher.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
      const bo = (await h.service.join(c.code, { nickname: 'Bo' }, 'a')).studentToken;
      const { id } = await h.service.submit(c.code, ada, melodyEntry('Morph'));
      await h.service.vote(c.code, bo, id);
      await teacher.until((e) => e.some((x) => x.type === 'voted'), 'the vote');
      const types = teacher.events.map((e) => e.event.type);
      expect(types).toEqual(['snapshot', 'joined', 'submitted', 'voted']);
      const voted = teacher.events[3]?.event;
      expect(voted).toMatchObject({ type: 'voted', id, votes: 1 });
      // Ids are the session's gap-free sequence numbers.
      expect(teacher.events.map((e) => Number(e.id))).toEqual([1, 2, 3, 4]);
      teacher.abort.abort();
      await teacher.done;
    });

    it('shows each listener only what it may see: hidden counts, hidden entries, its own vote', async () => {
      const c = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
      const bo = (await h.service.join(c.code, { nickname: 'Bo' }, 'a')).studentToken;
      const cy = (await h.service.join(c.code, { nickname: 'Cy' }, 'a')).studentToken;
      const boStream = await listen(c.code, bo);
      const cyStream = await listen(c.code, cy);
      // Both galleries are read before the entry comes (else a snapshot may already hold it).
      await boStream.until((e) => e.some((x) => x.type === 'snapshot'), "Bo's snapshot");
      await cyStream.until((e) => e.some((x) => x.type === 'snapshot'), "Cy's snapshot");
      const { id } = await h.service.submit(c.code, ada, drumEntry());
      await h.service.vote(c.code, bo, id);
      await boStream.until((e) => e.some((x) => x.type === 'voted'), "Bo's vote");
      expect(boStream.events.find((e) => e.event.type === 'voted')?.event).toEqual({ type: 'voted', id, votes: null, byYou: true });
      await h.service.setHidden(c.code, c.teacherToken, id, { hidden: true });
      await cyStream.until((e) => e.some((x) => x.type === 'removed'), 'the hidden entry leaving');
      // Cy never got Bo's vote (counts are secret until revealed); the hidden entry left Cy's gallery.
      expect(cyStream.events.map((e) => e.event.type)).toEqual(['snapshot', 'submitted', 'removed']);
      await h.service.setHidden(c.code, c.teacherToken, id, { hidden: false });
      await h.service.updateSession(c.code, c.teacherToken, { votesRevealed: true });
      await cyStream.until((e) => e.filter((x) => x.type === 'snapshot').length === 2, 'the reveal');
      const reveal = cyStream.events.at(-1)?.event;
      expect(reveal?.type === 'snapshot' && reveal.submissions.map((s) => [s.id, s.votes])).toEqual([[id, 1]]);
      boStream.abort.abort();
      cyStream.abort.abort();
    });

    it('resumes after a reconnect with exactly the missed events (Last-Event-ID)', async () => {
      const c = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
      const first = await listen(c.code, c.teacherToken);
      await first.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
      const a = await h.service.submit(c.code, ada, drumEntry('one'));
      await first.until((e) => e.some((x) => x.type === 'submitted'), 'the first entry');
      const seen = first.ids.at(-1) ?? null;
      first.abort.abort();
      await first.done;
      // Changes while disconnected.
      const b = await h.service.submit(c.code, ada, drumEntry('two'));
      await h.service.removeSubmission(c.code, ada, a.id);
      const again = await listen(c.code, c.teacherToken, seen);
      const c3 = await h.service.submit(c.code, ada, drumEntry('three'));
      await again.until((e) => e.filter((x) => x.type === 'submitted').length === 2, 'the catch-up and the live entry');
      expect(again.events.map((e) => e.event.type)).toEqual(['submitted', 'removed', 'submitted']);
      const ids = again.events.map((e) => (e.event.type === 'submitted' ? e.event.submission.id : e.event.type === 'removed' ? e.event.id : 0));
      expect(ids).toEqual([b.id, a.id, c3.id]);
      again.abort.abort();
    });

    it('fills a gap when the bus loses a message', async () => {
      const c = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
      const s = await listen(c.code, c.teacherToken);
      await s.until((e) => e.length === 1, 'the snapshot');
      // Lose one notification: the next one must bring the missing event from the log.
      const publish = h.bus.publish.bind(h.bus);
      let drop = true;
      h.bus.publish = async (id, m) => {
        if (drop) {
          drop = false;
          return;
        }
        return publish(id, m);
      };
      await h.service.submit(c.code, ada, drumEntry('lost'));
      await h.service.submit(c.code, ada, drumEntry('found'));
      await s.until((e) => e.filter((x) => x.type === 'submitted').length === 2, 'both entries');
      expect(s.events.map((e) => e.event.type === 'submitted' && e.event.submission.title).slice(1)).toEqual(['lost', 'found']);
      s.abort.abort();
    });

    it('sends heartbeats and releases everything when the client goes away', async () => {
      const c = await h.service.createSession(freeSession(), 'a');
      const s = await listen(c.code, c.teacherToken, null, 30);
      await new Promise((r) => setTimeout(r, 120));
      expect(s.raw.join('')).toContain(': ping\n\n');
      expect(h.bus.listenerCount()).toBe(1);
      s.abort.abort();
      await s.done;
      expect(h.bus.listenerCount()).toBe(0);
    });

    it('ends the stream of a kicked student and of everyone when the session is deleted', async () => {
      const c = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
      const bo = (await h.service.join(c.code, { nickname: 'Bo' }, 'a')).studentToken;
      const adaStream = await listen(c.code, ada);
      const boStream = await listen(c.code, bo);
      const teacher = await listen(c.code, c.teacherToken);
      for (const l of [adaStream, boStream, teacher]) await l.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
      await kickNickname(h.service, c.code, c.teacherToken, 'Ada');
      await adaStream.done;
      expect(adaStream.events.at(-1)?.event).toMatchObject({ type: 'kicked', nickname: 'Ada', blocked: false });
      await h.service.deleteSession(c.code, c.teacherToken);
      await boStream.done;
      await teacher.done;
      expect(boStream.events.at(-1)?.event).toEqual({ type: 'deleted' });
      expect(h.bus.listenerCount()).toBe(0);
      // The session's tokens went with it: the same 401 as any unknown token.
      await expect(openEventStream(h.service, c.code, bo, { lastEventId: null, signal: new AbortController().signal })).rejects.toMatchObject({
        code: 'unauthorized',
      });
    });
  });

  describe('export', () => {
    it('is a ZIP with session.json and every entry as a MIDI or PNG file that parses', async () => {
      const c = await h.service.createSession(freeSession('Friday <b>jam</b>'), 'a');
      const ada = (await h.service.join(c.code, { nickname: 'Ada Lovelace' }, 'a')).studentToken;
      const bo = (await h.service.join(c.code, { nickname: 'Bø' }, 'a')).studentToken;
      const m = await h.service.submit(c.code, ada, melodyEntry('Süße Melodie'));
      const d = await h.service.submit(c.code, bo, drumEntry('Groove/../../etc'));
      const g = await h.service.submit(c.code, bo, digitEntry('Seven'));
      await h.service.vote(c.code, bo, m.id);
      const { fileName, bytes } = await h.service.exportZip(c.code, c.teacherToken);
      expect(fileName).toBe(`latent-lab-${c.code}.zip`);
      const files = unzipSync(bytes);
      const doc = JSON.parse(strFromU8(files['session.json'] ?? new Uint8Array())) as {
        session: { code: string; title: string };
        participants: { nickname: string }[];
        submissions: { id: number; votes: number; file: string; kind: string }[];
      };
      expect(doc.session).toMatchObject({ code: c.code, title: 'Friday <b>jam</b>' });
      expect(doc.participants.map((p) => p.nickname)).toEqual(['Ada Lovelace', 'Bø']);
      expect(doc.submissions.map((s) => [s.id, s.votes])).toEqual([
        [m.id, 1],
        [d.id, 0],
        [g.id, 0],
      ]);
      for (const s of doc.submissions) {
        expect(s.file).toMatch(/^entries\/\d{4}-[a-z0-9-]+-[a-z0-9-]+\.(mid|png)$/);
        const file = files[s.file];
        expect(file, s.file).toBeDefined();
        if (s.kind === 'image') expect(decodePng(file ?? new Uint8Array()).width).toBe(28);
        else expect(new Midi(file).tracks.reduce((n, t) => n + t.notes.length, 0)).toBeGreaterThan(0);
      }
      expect(Object.keys(files).sort()).toEqual(['README.txt', 'session.json', ...doc.submissions.map((s) => s.file)].sort());
    });
  });
});

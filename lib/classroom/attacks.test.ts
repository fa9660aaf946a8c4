// A student who wants to disrupt a lesson (issue "Classroom under attack"): every attack the
// hostile pass found, on both stores, through the service and the real route handlers.
import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from './client';
import { ClassroomError } from './errors';
import { checkPng } from './media';
import { drumEntry, freeSession, digitEntry } from './testing/fixtures';
import { describeEachStore, freshHarnessPerTest, openHarness, participantId, type Harness } from './testing/harness';
import { controllerFloodMidi, iccpBomb, paletteWithPlte, paletteWithoutPlte, pngBomb, worstAllowedMidi, worstAllowedPng } from './testing/hostile';
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

describeEachStore((kind) => {
  freshHarnessPerTest(kind, (opened) => (h = opened));

  describe('look-alike and blank nicknames', () => {
    it('keeps out names that only look different from one already in the session', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      expect(await codeOf(h.service.join(s.code, { nickname: 'Alice' }, 'a'))).toBe('ok');
      const lookalikes = [
        'Al\u00adice', // soft hyphen
        'Al\u034fice', // combining grapheme joiner
        'Alice\ufe0f', // variation selector
        'Al\u180eice', // Mongolian vowel separator
        'Al\u061cice', // Arabic letter mark
        'Alice\u{E0041}', // tag character
        'Al\u200bice', // zero-width space
        '\u0410lice', // Cyrillic A
        'Аlісе', // Cyrillic а, і, с, е
        'ＡＬＩＣＥ', // fullwidth
        '𝐀lice', // mathematical bold A
      ];
      for (const name of lookalikes) expect(await codeOf(h.service.join(s.code, { nickname: name }, 'a')), JSON.stringify(name)).toBe('nickname_taken');
      // Names that are different in plain ASCII stay different.
      for (const name of ['Alicia', 'Arnie', 'Amie', 'A1ice']) expect(await codeOf(h.service.join(s.code, { nickname: name }, 'a')), name).toBe('ok');
    });

    it('refuses names that are blank once invisible characters are removed, and shows the cleaned name', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      for (const name of ['\u3164', '\u2800', '\u200b\u200b', '\u3164 \u2800', '\ufe0f', '\u{E0041}\u{E0042}', '\u115f\u1160'])
        expect(await codeOf(h.service.join(s.code, { nickname: name }, 'a')), JSON.stringify(name)).toBe('invalid');
      const r = await h.service.join(s.code, { nickname: 'Zo\u00ade' }, 'a');
      expect(r.nickname).toBe('Zoe');
    });
  });

  describe('participants are addressed by id', () => {
    it('removes students whose names look like paths one by one, and nobody else', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const names = ['..', '.', '%41', 'A', '100%', 'x/y'];
      for (const n of names) await h.service.join(s.code, { nickname: n }, 'a');
      for (const n of names) {
        const id = await participantId(h.service, s.code, s.teacherToken, n);
        expect(await h.service.removeParticipants(s.code, s.teacherToken, { ids: [id] })).toEqual({ removed: 1 });
        const view = await h.service.getSession(s.code, s.teacherToken);
        expect(view.participants?.filter((p) => p.kicked).map((p) => p.nickname)).toEqual(names.slice(0, names.indexOf(n) + 1));
      }
    });
  });

  describe('a flood of joins', () => {
    it('limits joins per session well below its size, whatever the address', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const { joinsPerSession } = h.service.config.rateLimits;
      expect(joinsPerSession).toBeLessThanOrEqual(h.service.config.maxParticipants / 5);
      const codes: string[] = [];
      for (let i = 0; i < joinsPerSession + 3; i++) codes.push(await codeOf(h.service.join(s.code, { nickname: `Bot ${i}` }, `203.0.113.${i % 250}`)));
      expect(codes.filter((c) => c === 'ok')).toHaveLength(joinsPerSession);
      expect(codes.slice(joinsPerSession)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
    });

    it('does not count removed students against the size of the session, and removes a flood in one go', async () => {
      const h2 = await openHarness(kind, { maxParticipants: 5 });
      try {
        const s = await h2.service.createSession(freeSession(), 'a');
        for (let i = 0; i < 5; i++) await h2.service.join(s.code, { nickname: `Bot ${i}` }, 'a');
        expect(await codeOf(h2.service.join(s.code, { nickname: 'Real student' }, 'a'))).toBe('session_full');
        const bots = (await h2.service.getSession(s.code, s.teacherToken)).participants?.map((p) => p.id) ?? [];
        expect(await h2.service.removeParticipants(s.code, s.teacherToken, { ids: bots })).toEqual({ removed: 5 });
        expect(await codeOf(h2.service.join(s.code, { nickname: 'Real student' }, 'a'))).toBe('ok');
      } finally {
        await h2.close();
      }
    });

    it('lets the teacher admit students one by one: until then they see nothing and can do nothing', async () => {
      const s = await h.service.createSession({ ...freeSession(), admission: 'teacher' }, 'a');
      const r = await h.service.join(s.code, { nickname: 'Ada' }, 'a');
      expect(r.admitted).toBe(false);
      const view = await h.service.getSession(s.code, r.studentToken);
      expect(view.you).toMatchObject({ role: 'student', nickname: 'Ada', admitted: false });
      expect(await codeOf(h.service.submit(s.code, r.studentToken, drumEntry()))).toBe('not_admitted');
      expect(await codeOf(h.service.listSubmissions(s.code, r.studentToken))).toBe('not_admitted');
      const stream = await listenTo(h.service, s.code, r.studentToken);
      await stream.until((e) => e.some((x) => x.type === 'snapshot'), 'the waiting snapshot');
      expect(stream.events[0]?.event).toMatchObject({ type: 'snapshot', submissions: [], session: { you: { admitted: false } } });
      const id = await participantId(h.service, s.code, s.teacherToken, 'Ada');
      expect(await h.service.admitParticipants(s.code, s.teacherToken, { ids: [id] })).toEqual({ admitted: 1 });
      // Let in: the stream sends the session again, now with the student's rights.
      await stream.until((e) => e.filter((x) => x.type === 'snapshot').length === 2, 'the snapshot after admission');
      expect(stream.events[1]?.event).toMatchObject({ type: 'snapshot', session: { you: { admitted: true } } });
      expect(await codeOf(h.service.submit(s.code, r.studentToken, drumEntry()))).toBe('ok');
      stream.abort.abort();
      // Switching admission off lets the next ones straight in.
      await h.service.updateSession(s.code, s.teacherToken, { admission: 'open' });
      expect((await h.service.join(s.code, { nickname: 'Bo' }, 'a')).admitted).toBe(true);
    });

    it("blocks a removed student's browser when the teacher asks, not a new browser", async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const device = 'd_' + 'x'.repeat(24);
      await h.service.join(s.code, { nickname: 'Troll', device }, 'a');
      await h.service.removeParticipants(s.code, s.teacherToken, { ids: [await participantId(h.service, s.code, s.teacherToken, 'Troll')], block: true });
      expect(await codeOf(h.service.join(s.code, { nickname: 'Troll two', device }, 'a'))).toBe('blocked');
      expect(await codeOf(h.service.join(s.code, { nickname: 'Someone', device: 'd_' + 'y'.repeat(24) }, 'a'))).toBe('ok');
      const other = await h.service.createSession(freeSession(), 'b');
      expect(await codeOf(h.service.join(other.code, { nickname: 'Troll', device }, 'a'))).toBe('ok');
    });
  });

  describe('creating sessions', () => {
    it('does not let one flood of creations (from forged addresses) lock other teachers out', async () => {
      for (let i = 0; i < 130; i++) await codeOf(h.service.createSession(freeSession(`Flood ${i}`), `192.0.2.${i}`));
      expect(await codeOf(h.service.createSession(freeSession('A real lesson'), '198.51.100.7'))).toBe('ok');
      // One address alone is still limited.
      const codes: string[] = [];
      for (let i = 0; i < 12; i++) codes.push(await codeOf(h.service.createSession(freeSession(`x${i}`), '203.0.113.9')));
      expect(codes.filter((c) => c === 'rate_limited').length).toBeGreaterThan(0);
    });
  });

  describe('requests without a token', () => {
    it('answers the same for live and unknown codes, and limits them per address', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const live = (await h.service.getSession(s.code, undefined, '198.51.100.20').catch((e: ClassroomError) => e)) as ClassroomError;
      const unknown = (await h.service.getSession('ZZZZZZ', undefined, '198.51.100.20').catch((e: ClassroomError) => e)) as ClassroomError;
      expect([live.code, live.status]).toEqual(['unauthorized', 401]);
      expect([unknown.code, unknown.message]).toEqual([live.code, live.message]);
      const forged = 's_' + 'x'.repeat(32);
      const a = (await h.service.getSession(s.code, forged, '198.51.100.20').catch((e: ClassroomError) => e)) as ClassroomError;
      const b = (await h.service.getSession('ZZZZZZ', forged, '198.51.100.20').catch((e: ClassroomError) => e)) as ClassroomError;
      expect([a.code, a.message]).toEqual([b.code, b.message]);
      const codes: string[] = [];
      for (let i = 0; i < h.service.config.rateLimits.probesPerAddress; i++)
        codes.push(await codeOf(h.service.getSession('ZZZZZZ', undefined, '198.51.100.20')));
      expect(codes.at(-1)).toBe('rate_limited');
      expect(await codeOf(h.service.getSession(s.code, s.teacherToken, '198.51.100.20'))).toBe('ok');
    });
  });

  describe('expired sessions', () => {
    it('are swept on a timer while the server is idle, and their open streams end', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const ada = (await h.service.join(s.code, { nickname: 'Ada' }, 'a')).studentToken;
      const stream = await listenTo(h.service, s.code, ada);
      await stream.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
      const stop = h.service.startSweeper(20);
      try {
        h.advance(7 * 86_400_000 + 1000);
        // No request comes: only the timer can delete the rows and end the stream.
        await stream.until((e) => e.some((x) => x.type === 'deleted'), 'the deletion');
        await stream.done;
        expect(Number((await h.sql('SELECT COUNT(*) AS n FROM sessions'))[0]?.n)).toBe(0);
        expect(h.bus.listenerCount()).toBe(0);
      } finally {
        stop();
      }
    });
  });

  describe('entries that would stall or flood the server', () => {
    it('refuses a MIDI file full of controller events before parsing it, and takes the busiest allowed one', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const t = (await h.service.join(s.code, { nickname: 'Tess' }, 'a')).studentToken;
      const bomb = controllerFloodMidi(86_000);
      expect(bomb.byteLength).toBeLessThanOrEqual(258 * 1024);
      const err = (await h.service
        .submit(s.code, t, { title: 'bomb', kind: 'melody', midiBase64: bytesToBase64(bomb) })
        .catch((e: unknown) => e)) as ClassroomError;
      expect(err.code).toBe('invalid');
      expect(err.message).toMatch(/events besides notes/);
      expect(await codeOf(h.service.submit(s.code, t, { title: 'busy', kind: 'melody', midiBase64: bytesToBase64(worstAllowedMidi()) }))).toBe('ok');
    });

    it('refuses PNG bombs and palette PNGs without a palette', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const t = (await h.service.join(s.code, { nickname: 'Tess' }, 'a')).studentToken;
      const submit = (png: Uint8Array) => codeOf(h.service.submit(s.code, t, { ...digitEntry(), pngBase64: bytesToBase64(png) }));
      expect(await submit(pngBomb())).toBe('invalid');
      expect(await submit(iccpBomb())).toBe('invalid');
      expect(await submit(paletteWithoutPlte())).toBe('invalid');
      expect(await submit(paletteWithPlte())).toBe('ok');
      expect(await submit(worstAllowedPng())).toBe('ok');
      expect(checkPng(worstAllowedPng())).toEqual({ width: 256, height: 256, channels: 4 });
    });

    it('slides its rate limits: no minute boundary lets a second burst through', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const t = (await h.service.join(s.code, { nickname: 'Tess' }, 'a')).studentToken;
      const limit = h.service.config.rateLimits.submissionsPerToken;
      h.advance(50_000); // 5 s before a minute boundary (the harness starts 5 s into a minute)
      for (let i = 0; i < limit; i++) expect(await codeOf(h.service.submit(s.code, t, drumEntry(`a${i}`)))).toBe('ok');
      h.advance(10_000); // 5 s after the boundary
      const codes: string[] = [];
      for (let i = 0; i < limit; i++) codes.push(await codeOf(h.service.submit(s.code, t, drumEntry(`b${i}`))));
      // 10 s at 20 a minute earn 3 more, not a fresh 20.
      expect(codes.filter((c) => c === 'ok')).toHaveLength(Math.floor((10_000 * limit) / 60_000));
    });
  });
});

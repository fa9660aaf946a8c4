import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from './client';
import { ClassroomError } from './errors';
import { CODE_ALPHABET, ERROR_STATUS, LIMITS, type ErrorCode } from './schema';
import { DEFAULT_CONFIG } from './service';
import { hashToken } from './tokens';
import {
  digitEntry,
  digitSession,
  drumEntry,
  drumMidi,
  drumSession,
  freeSession,
  melodyEntry,
  melodyMidi,
  melodySession,
  timbreEntry,
  timbreSession,
  timbreWav,
} from './testing/fixtures';
import { describeEachStore, freshHarnessPerTest, kickNickname, openHarness, type Harness } from './testing/harness';

let h: Harness;

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    if (error instanceof ClassroomError) return error.code;
    throw error;
  }
}

async function classOf(create = melodySession()) {
  const s = await h.service.createSession(create, '10.0.0.1');
  const join = async (nickname: string) => (await h.service.join(s.code, { nickname }, '10.0.0.1')).studentToken;
  return { ...s, join };
}

describeEachStore((kind) => {
  freshHarnessPerTest(kind, (opened) => (h = opened));

  describe('sessions', () => {
    it('creates a session with a 6-character code from the unambiguous alphabet and an unguessable teacher token', async () => {
      const s = await h.service.createSession(melodySession(), 'a');
      expect(s.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{6}$`));
      expect(s.teacherToken).toMatch(/^t_[A-Za-z0-9_-]{32}$/);
      const view = await h.service.getSession(s.code, s.teacherToken);
      expect(view.you).toEqual({ role: 'teacher' });
      expect(view.retentionDays).toBe(7);
      expect(Date.parse(view.expiresAt) - Date.parse(view.createdAt)).toBe(7 * 86_400_000);
      // Only the token's hash is stored (every row of every table, and SQLite's file and WAL).
      const raw = await h.dumpText();
      expect(raw).toContain(s.code);
      expect(raw).toContain(hashToken(s.teacherToken));
      expect(raw).not.toContain(s.teacherToken);
    });

    it('accepts codes typed in lower case or with spaces', async () => {
      const s = await h.service.createSession(freeSession(), 'a');
      const typed = `${s.code.slice(0, 3).toLowerCase()} ${s.code.slice(3)}`;
      expect((await h.service.getSession(typed, s.teacherToken)).code).toBe(s.code);
    });

    it('fills the defaults of each challenge and picks the digit challenge a seed', async () => {
      const d = await h.service.createSession({ title: 'Seven', challenge: { kind: 'digit-from-code' } }, 'a');
      const view = await h.service.getSession(d.code, d.teacherToken);
      expect(view.challenge).toMatchObject({ kind: 'digit-from-code', model: 'vae', target: 7 });
      expect(view.challenge.kind === 'digit-from-code' && Number.isInteger(view.challenge.seed)).toBe(true);
      const g = await h.service.createSession({ title: 'Groove', challenge: { kind: 'drum-groove' } }, 'a');
      expect((await h.service.getSession(g.code, g.teacherToken)).challenge).toMatchObject({ kind: 'drum-groove', maxTemperature: 1 });
    });

    it('refuses bad session bodies with 422 and a reason', async () => {
      for (const [i, body] of [
        {},
        { title: 'x' },
        { title: 'x', challenge: { kind: 'karaoke' } },
        { title: 'x'.repeat(41), challenge: { kind: 'free' } },
        { title: 'ok', challenge: { kind: 'melody-interpolation', a: 'not a melody', b: '60.0.4' } },
        { title: 'ok', challenge: { kind: 'drum-groove', maxTemperature: 9 } },
        { title: 'ok', challenge: { kind: 'free' }, timeLimitMinutes: 0 },
        { title: 'ok', challenge: { kind: 'free' }, extra: 1 },
        { title: 'fuck this', challenge: { kind: 'free' } },
        'a string',
        null,
      ].entries()) {
        expect(await codeOf(h.service.createSession(body, `198.51.100.${i}`)), JSON.stringify(body)).toBe('invalid');
      }
    });
  });

  describe('authorization matrix', () => {
    it('gives each role exactly its rights, and a token of one session none in another', async () => {
      const c = await classOf();
      const other = await classOf(freeSession('Other class'));
      const author = await c.join('Ada');
      const student = await c.join('Bo');
      const kicked = await c.join('Cy');
      const otherStudent = await other.join('Ada');
      const { id } = await h.service.submit(c.code, author, melodyEntry());
      await kickNickname(h.service, c.code, c.teacherToken, 'Cy');

      const roles: Record<string, string | undefined> = {
        anonymous: undefined,
        garbage: 's_' + 'x'.repeat(32),
        teacherOfOther: other.teacherToken,
        studentOfOther: otherStudent,
        kicked,
        student,
        author,
        teacher: c.teacherToken,
      };
      const S = h.service;
      const actions: Record<string, (t: string | undefined) => Promise<unknown>> = {
        'read session': (t) => S.getSession(c.code, t),
        'list entries': (t) => S.listSubmissions(c.code, t),
        'read an entry': (t) => S.getSubmission(c.code, t, id),
        submit: (t) => S.submit(c.code, t, melodyEntry('Another')),
        vote: (t) => S.vote(c.code, t, id),
        hide: (t) => S.setHidden(c.code, t, id, { hidden: false }),
        kick: (t) => S.removeParticipants(c.code, t, { ids: [999_999] }),
        lock: (t) => S.updateSession(c.code, t, { status: 'open' }),
        'reveal votes': (t) => S.updateSession(c.code, t, { votesRevealed: false }),
        export: (t) => S.exportZip(c.code, t),
      };
      const common = { anonymous: 'unauthorized', garbage: 'unauthorized', teacherOfOther: 'wrong_session', studentOfOther: 'wrong_session', kicked: 'kicked' };
      const teacherOnly = { ...common, student: 'forbidden', author: 'forbidden', teacher: 'ok' };
      const expected: Record<string, Record<string, string>> = {
        'read session': { ...common, student: 'ok', author: 'ok', teacher: 'ok' },
        'list entries': { ...common, student: 'ok', author: 'ok', teacher: 'ok' },
        'read an entry': { ...common, student: 'ok', author: 'ok', teacher: 'ok' },
        submit: { ...common, student: 'ok', author: 'ok', teacher: 'forbidden' },
        vote: { ...common, student: 'ok', author: 'own_entry', teacher: 'forbidden' },
        hide: teacherOnly,
        // The teacher may kick; participant 999999 is not in the session, which proves the right was granted.
        kick: { ...teacherOnly, teacher: 'not_found' },
        lock: teacherOnly,
        'reveal votes': teacherOnly,
        export: teacherOnly,
      };
      const got: Record<string, Record<string, string>> = {};
      for (const [action, run] of Object.entries(actions)) {
        got[action] = {};
        for (const [role, token] of Object.entries(roles)) got[action][role] = await codeOf(run(token));
      }
      expect(got).toEqual(expected);

      // Removing an entry: a student only their own; the teacher any.
      const second = await h.service.submit(c.code, author, melodyEntry('Second'));
      expect(await codeOf(S.removeSubmission(c.code, student, second.id))).toBe('forbidden');
      expect(await codeOf(S.removeSubmission(c.code, other.teacherToken, second.id))).toBe('wrong_session');
      expect(await codeOf(S.removeSubmission(c.code, author, second.id))).toBe('ok');
      const third = await h.service.submit(c.code, author, melodyEntry('Third'));
      expect(await codeOf(S.removeSubmission(c.code, c.teacherToken, third.id))).toBe('ok');
      // An entry id of another session is not found through this one.
      const foreign = await h.service.submit(other.code, otherStudent, melodyEntry('Elsewhere'));
      expect(await codeOf(S.getSubmission(c.code, c.teacherToken, foreign.id))).toBe('not_found');
      expect(await codeOf(S.removeSubmission(c.code, c.teacherToken, foreign.id))).toBe('not_found');
      // Deleting the session: teacher only.
      expect(await codeOf(S.deleteSession(c.code, student))).toBe('forbidden');
      expect(await codeOf(S.deleteSession(c.code, other.teacherToken))).toBe('wrong_session');
      expect(await codeOf(S.deleteSession(c.code, c.teacherToken))).toBe('ok');
      // Its tokens went with it: the same 401 as any unknown token.
      expect(await codeOf(S.getSession(c.code, c.teacherToken))).toBe('unauthorized');
      expect(await codeOf(S.getSession(other.code, other.teacherToken))).toBe('ok');
    });

    it('maps every error code to the status the API promises', () => {
      expect(ERROR_STATUS).toMatchObject({
        invalid: 422,
        unauthorized: 401,
        wrong_session: 401,
        forbidden: 403,
        kicked: 403,
        locked: 403,
        not_found: 404,
        already_voted: 409,
        nickname_taken: 409,
        too_large: 413,
        rate_limited: 429,
        bad_json: 400,
      });
    });
  });

  describe('votes', () => {
    it('allows one vote per student per entry, never for their own, and counts them', async () => {
      const c = await classOf();
      const a = await c.join('Ada');
      const b = await c.join('Bo');
      const d = await c.join('Di');
      const { id } = await h.service.submit(c.code, a, melodyEntry());
      expect(await h.service.vote(c.code, b, id)).toEqual({ id, votes: null });
      expect(await codeOf(h.service.vote(c.code, b, id))).toBe('already_voted');
      expect(await codeOf(h.service.vote(c.code, a, id))).toBe('own_entry');
      // Ten votes at once from the same student: exactly one lands.
      const results = await Promise.all(Array.from({ length: 10 }, () => codeOf(h.service.vote(c.code, d, id))));
      expect(results.filter((r) => r === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r === 'already_voted')).toHaveLength(9);
      const [teacherView] = await h.service.listSubmissions(c.code, c.teacherToken);
      expect(teacherView?.votes).toBe(2);
      // Students see counts only once the teacher reveals them, and whether they voted.
      const [bView] = await h.service.listSubmissions(c.code, b);
      expect(bView).toMatchObject({ votes: null, voted: true, mine: false });
      await h.service.updateSession(c.code, c.teacherToken, { votesRevealed: true });
      const [aView] = await h.service.listSubmissions(c.code, a);
      expect(aView).toMatchObject({ votes: 2, voted: false, mine: true });
    });

    it('is enforced by the database itself (primary key), not only by the service', async () => {
      const c = await classOf();
      const a = await c.join('Ada');
      const b = await c.join('Bo');
      const { id } = await h.service.submit(c.code, a, melodyEntry());
      await h.service.vote(c.code, b, id);
      const [row] = await h.sql('SELECT participant_id FROM votes WHERE submission_id = ?', [id]);
      const voter = Number(row?.participant_id);
      await expect(h.sql('INSERT INTO votes (submission_id, participant_id, created_at) VALUES (?, ?, 0)', [id, voter])).rejects.toThrow(
        /UNIQUE|PRIMARY KEY|duplicate key/,
      );
      await expect(
        h.sql(
          "INSERT INTO participants (session_id, nickname, nickname_key, token_hash, joined_at) SELECT session_id, 'ADA', 'ada', 'h', 0 FROM participants LIMIT 1",
        ),
      ).rejects.toThrow(/UNIQUE|duplicate key/);
    });

    it('refuses votes on hidden entries and after the session is closed', async () => {
      const c = await classOf();
      const a = await c.join('Ada');
      const b = await c.join('Bo');
      const one = await h.service.submit(c.code, a, melodyEntry('One'));
      const two = await h.service.submit(c.code, a, melodyEntry('Two'));
      await h.service.setHidden(c.code, c.teacherToken, one.id, { hidden: true });
      expect(await codeOf(h.service.vote(c.code, b, one.id))).toBe('not_found');
      // Hidden entries vanish for other students, stay visible (marked) for their author and the teacher.
      expect((await h.service.listSubmissions(c.code, b)).map((s) => s.id)).toEqual([two.id]);
      expect((await h.service.listSubmissions(c.code, a)).map((s) => [s.id, s.hidden])).toEqual([
        [one.id, true],
        [two.id, false],
      ]);
      await h.service.updateSession(c.code, c.teacherToken, { status: 'locked' });
      expect(await codeOf(h.service.vote(c.code, b, two.id))).toBe('ok');
      await h.service.updateSession(c.code, c.teacherToken, { status: 'closed' });
      const d = await codeOf(c.join('Di'));
      expect(d).toBe('closed');
      const e = await h.service.vote(c.code, b, one.id).catch((err: unknown) => err);
      expect((e as ClassroomError).code).toBe('closed');
    });
  });

  describe('locking, time limits and kicking', () => {
    it('refuses entries while locked and takes them again once reopened', async () => {
      const c = await classOf();
      const a = await c.join('Ada');
      await h.service.updateSession(c.code, c.teacherToken, { status: 'locked' });
      expect(await codeOf(h.service.submit(c.code, a, melodyEntry()))).toBe('locked');
      expect((await h.service.getSession(c.code, a)).accepting).toBe(false);
      await h.service.updateSession(c.code, c.teacherToken, { status: 'open' });
      expect(await codeOf(h.service.submit(c.code, a, melodyEntry()))).toBe('ok');
      await h.service.updateSession(c.code, c.teacherToken, { status: 'closed' });
      expect(await codeOf(h.service.submit(c.code, a, melodyEntry()))).toBe('closed');
      expect(await h.service.listSubmissions(c.code, c.teacherToken)).toHaveLength(1);
    });

    it('stops taking entries when the time limit runs out; reopening lifts the limit', async () => {
      const c = await h.service.createSession({ ...melodySession(), timeLimitMinutes: 10 }, 'a');
      const a = (await h.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
      h.advance(9 * 60_000);
      expect(await codeOf(h.service.submit(c.code, a, melodyEntry()))).toBe('ok');
      h.advance(61_000);
      const err = await h.service.submit(c.code, a, melodyEntry()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClassroomError);
      expect((err as ClassroomError).message).toMatch(/Time is up/);
      const reopened = await h.service.updateSession(c.code, c.teacherToken, { status: 'open' });
      expect(reopened).toMatchObject({ accepting: true, endsAt: null });
      expect(await codeOf(h.service.submit(c.code, a, melodyEntry()))).toBe('ok');
    });

    it("stops a kicked nickname's token everywhere and keeps the nickname taken", async () => {
      const c = await classOf();
      const a = await c.join('Ada');
      const b = await c.join('Bo');
      const { id } = await h.service.submit(c.code, b, melodyEntry());
      const view0 = await h.service.getSession(c.code, c.teacherToken);
      await kickNickname(h.service, c.code, c.teacherToken, 'Ada');
      for (const call of [
        () => h.service.getSession(c.code, a),
        () => h.service.listSubmissions(c.code, a),
        () => h.service.submit(c.code, a, melodyEntry()),
        () => h.service.vote(c.code, a, id),
        () => h.service.getSubmission(c.code, a, id),
      ]) {
        expect(await codeOf(call())).toBe('kicked');
      }
      expect(await codeOf(c.join('ADA'))).toBe('nickname_taken');
      const adaId = view0.participants?.find((p) => p.nickname === 'Ada')?.id ?? -1;
      expect(await codeOf(h.service.removeParticipants(c.code, c.teacherToken, { ids: [adaId] }))).toBe('not_found');
      const view = await h.service.getSession(c.code, c.teacherToken);
      expect(view.participants?.map((p) => [p.nickname, p.kicked])).toEqual([
        ['Ada', true],
        ['Bo', false],
      ]);
    });
  });

  describe('nicknames and titles', () => {
    it('keeps nicknames unique in a session regardless of case, and free across sessions', async () => {
      const c = await classOf();
      await c.join('Zoë');
      expect(await codeOf(c.join('ZOË'))).toBe('nickname_taken');
      expect(await codeOf(c.join('  zoë  '))).toBe('nickname_taken');
      const other = await classOf(freeSession());
      expect(await codeOf(other.join('Zoë'))).toBe('ok');
    });

    it('filters rude words but lets markup-looking names through as plain text', async () => {
      const c = await classOf();
      for (const rude of ['shit', 'Sh1t happens', 'f.u.c.k', 'FUCKER', 'bitches']) expect(await codeOf(c.join(rude)), rude).toBe('invalid');
      for (const fine of ['Scunthorpe', 'Cassie', 'class clown', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>'])
        expect(await codeOf(c.join(fine)), fine).toBe('ok');
      const t = await c.join('Titles');
      expect(await codeOf(h.service.submit(c.code, t, melodyEntry('piss off')))).toBe('invalid');
    });

    it('counts the 40-character limits in characters and refuses control characters', async () => {
      const c = await classOf();
      expect(await codeOf(c.join('é'.repeat(40)))).toBe('ok');
      expect(await codeOf(c.join('x'.repeat(41)))).toBe('invalid');
      expect(await codeOf(c.join('🎹'.repeat(40)))).toBe('ok');
      expect(await codeOf(c.join('bad\u202ename'))).toBe('invalid');
      expect(await codeOf(c.join('   '))).toBe('invalid');
      const t = await c.join('Tess');
      expect(await codeOf(h.service.submit(c.code, t, melodyEntry('x'.repeat(41))))).toBe('invalid');
      expect(await codeOf(h.service.submit(c.code, t, melodyEntry('x'.repeat(40))))).toBe('ok');
    });
  });

  describe('entries are checked at submit time', () => {
    it('refuses oversize media with too_large (413)', async () => {
      const c = await classOf(freeSession());
      const t = await c.join('Tess');
      const bigMidi = new Uint8Array(LIMITS.midiBytes + 1);
      bigMidi.set(melodyMidi());
      expect(await codeOf(h.service.submit(c.code, t, { title: 'big', kind: 'melody', midiBase64: bytesToBase64(bigMidi) }))).toBe('too_large');
      const bigPng = new Uint8Array(LIMITS.pngBytes + 1);
      expect(await codeOf(h.service.submit(c.code, t, { title: 'big', kind: 'image', pngBase64: bytesToBase64(bigPng), latent: [0, 0] }))).toBe('too_large');
      // Exactly at the limit is fine as far as size goes (the bytes must still be a real file).
      const longMidi = melodyMidi(40);
      expect(longMidi.byteLength).toBeLessThan(LIMITS.midiBytes);
      expect(await codeOf(h.service.submit(c.code, t, { title: 'long', kind: 'melody', midiBase64: bytesToBase64(longMidi) }))).toBe('ok');
    });

    it('refuses bytes that are not MIDI or not PNG (422)', async () => {
      const c = await classOf(freeSession());
      const t = await c.join('Tess');
      const midi = melodyMidi();
      const truncated = midi.slice(0, midi.length - 20);
      const notMidi = new TextEncoder().encode('RIFF....WAVEfmt this is a wav file');
      const png = digitEntry().pngBase64 ?? '';
      const pngBytes = Uint8Array.from(Buffer.from(png, 'base64'));
      const badCrc = pngBytes.slice();
      badCrc[30] = (badCrc[30] ?? 0) ^ 0xff;
      const giant = pngBytes.slice();
      new DataView(giant.buffer).setUint32(16, 100_000);
      const cases: [string, Record<string, unknown>][] = [
        ['empty MIDI', { kind: 'melody', midiBase64: '' }],
        ['truncated MIDI', { kind: 'melody', midiBase64: bytesToBase64(truncated) }],
        ['a WAV as MIDI', { kind: 'melody', midiBase64: bytesToBase64(notMidi) }],
        ['a PNG as MIDI', { kind: 'melody', midiBase64: png }],
        ['drums entry without drums', { kind: 'drums', midiBase64: bytesToBase64(midi) }],
        ['a MIDI as PNG', { kind: 'image', pngBase64: bytesToBase64(midi) }],
        ['PNG with a broken CRC', { kind: 'image', pngBase64: bytesToBase64(badCrc) }],
        ['PNG that claims to be 100000 px wide', { kind: 'image', pngBase64: bytesToBase64(giant) }],
        ['truncated PNG', { kind: 'image', pngBase64: bytesToBase64(pngBytes.slice(0, 40)) }],
        ['image entry without PNG', { kind: 'image' }],
        ['melody with a PNG', { kind: 'melody', midiBase64: bytesToBase64(midi), pngBase64: png }],
        ['not base64', { kind: 'melody', midiBase64: '%%%' }],
        ['NaN in the latent code', { kind: 'image', pngBase64: png, latent: [Number.NaN, 1] }],
        ['unknown kind', { kind: 'video', midiBase64: bytesToBase64(midi) }],
      ];
      for (const [what, body] of cases) expect(await codeOf(h.service.submit(c.code, t, { title: 'x', ...body })), what).toBe('invalid');
      expect(await h.service.listSubmissions(c.code, c.teacherToken)).toHaveLength(0);
    });

    it('holds entries to what the challenge fixed', async () => {
      const mel = await classOf(melodySession());
      const m = await mel.join('Mo');
      expect(await codeOf(h.service.submit(mel.code, m, drumEntry()))).toBe('invalid');
      expect(await codeOf(h.service.submit(mel.code, m, { ...melodyEntry(), params: { ...melodyEntry().params, a: '60.0.4' } }))).toBe('invalid');
      expect(await codeOf(h.service.submit(mel.code, m, { ...melodyEntry(), params: { ...melodyEntry().params, steps: 99 } }))).toBe('invalid');
      expect(await codeOf(h.service.submit(mel.code, m, melodyEntry()))).toBe('ok');

      const drums = await classOf(drumSession('Groove', 0.6));
      const d = await drums.join('Di');
      expect(await codeOf(h.service.submit(drums.code, d, drumEntry('hot', 0.9)))).toBe('invalid');
      expect(await codeOf(h.service.submit(drums.code, d, { ...drumEntry(), midiBase64: bytesToBase64(melodyMidi()) }))).toBe('invalid');
      const fourBars = drumMidi(0, 50); // same 32 steps at half the tempo are still 2 bars: allowed
      expect(await codeOf(h.service.submit(drums.code, d, { ...drumEntry(), midiBase64: bytesToBase64(fourBars) }))).toBe('ok');
      expect(await codeOf(h.service.submit(drums.code, d, drumEntry('cool', 0.6)))).toBe('ok');

      const digit = await classOf(digitSession());
      const g = await digit.join('Gi');
      expect(await codeOf(h.service.submit(digit.code, g, { ...digitEntry(), latent: [1, 2, 3] }))).toBe('invalid');
      expect(await codeOf(h.service.submit(digit.code, g, { ...digitEntry(), params: { model: 'conv-vae' } }))).toBe('invalid');
      const ok = await h.service.submit(digit.code, g, digitEntry());
      const detail = await h.service.getSubmission(digit.code, g, ok.id);
      expect(detail).toMatchObject({ kind: 'image', latent: [0.5, -1.25], midiBase64: null, wavBase64: null });
      expect(detail.pngBase64).toBe(digitEntry().pngBase64);
    });

    it('takes timbre entries (a WAV and a 16-number code) in the timbre challenge and the free one, and nowhere else', async () => {
      const blend = await classOf(timbreSession());
      const t = await blend.join('Tim');
      const params = timbreEntry().params ?? {};
      expect(await codeOf(h.service.submit(blend.code, t, drumEntry()))).toBe('invalid');
      expect(await codeOf(h.service.submit(blend.code, t, { ...timbreEntry(), params: { ...params, b: 'p0' } }))).toBe('invalid');
      expect(await codeOf(h.service.submit(blend.code, t, { ...timbreEntry(), params: { ...params, step: 0 } }))).toBe('invalid');
      expect(await codeOf(h.service.submit(blend.code, t, { ...timbreEntry(), latent: [1, 2] }))).toBe('invalid');
      const { id } = await h.service.submit(blend.code, t, timbreEntry('Half guitar'));
      const detail = await h.service.getSubmission(blend.code, blend.teacherToken, id);
      expect(detail).toMatchObject({ kind: 'timbre', title: 'Half guitar', latent: timbreEntry().latent, params, midiBase64: null, pngBase64: null });
      expect(detail.wavBase64).toBe(timbreEntry().wavBase64);
      const file = await h.service.getSubmissionFile(blend.code, t, id);
      expect(file.contentType).toBe('audio/wav');
      expect(file.fileName).toMatch(/^\d{4}-tim-half-guitar\.wav$/);
      expect(bytesToBase64(file.bytes)).toBe(timbreEntry().wavBase64);

      const free = await classOf(freeSession());
      const f = await free.join('Fay');
      expect(await codeOf(h.service.submit(free.code, f, { ...timbreEntry(), params: { anything: true } }))).toBe('ok');
      expect(await codeOf(h.service.submit(free.code, f, { ...timbreEntry(), latent: undefined }))).toBe('invalid');
      for (const other of [melodySession(), drumSession(), digitSession()]) {
        const c = await classOf(other);
        expect(await codeOf(h.service.submit(c.code, await c.join('Tom'), timbreEntry())), other.challenge.kind).toBe('invalid');
      }
    });

    it('refuses WAVs that are too large (413) or not a 16-bit PCM WAV (422), and a WAV in the wrong field', async () => {
      const c = await classOf(timbreSession());
      const t = await c.join('Tess');
      const big = new Uint8Array(LIMITS.wavBytes + 1);
      big.set(timbreWav());
      expect(await codeOf(h.service.submit(c.code, t, timbreEntry('big', big)))).toBe('too_large');
      const wav = timbreWav();
      const float = wav.slice();
      new DataView(float.buffer).setUint16(20, 3, true);
      const lying = wav.slice();
      new DataView(lying.buffer).setUint32(40, 0xffffffff, true);
      const cases: [string, Record<string, unknown>][] = [
        ['MIDI bytes as a WAV', { wavBase64: bytesToBase64(melodyMidi()) }],
        ['an empty WAV', { wavBase64: '' }],
        ['a truncated WAV', { wavBase64: bytesToBase64(wav.slice(0, 1000)) }],
        ['float samples', { wavBase64: bytesToBase64(float) }],
        ['a data chunk that claims 4 GB', { wavBase64: bytesToBase64(lying) }],
        ['a silent WAV', { wavBase64: bytesToBase64(timbreWav().fill(0, 44)) }],
        ['no WAV', { wavBase64: undefined }],
        ['the WAV as MIDI', { wavBase64: undefined, midiBase64: bytesToBase64(wav) }],
        ['a MIDI file besides the WAV', { midiBase64: bytesToBase64(melodyMidi()) }],
      ];
      for (const [what, body] of cases) expect(await codeOf(h.service.submit(c.code, t, { ...timbreEntry(), ...body })), what).toBe('invalid');
      expect(await h.service.listSubmissions(c.code, c.teacherToken)).toHaveLength(0);
    });
  });

  describe('rate limits', () => {
    it('counts entries per token: one student hitting the limit does not slow another', async () => {
      const c = await classOf(freeSession());
      const a = await c.join('Ada');
      const b = await c.join('Bo');
      const limit = h.service.config.rateLimits.submissionsPerToken;
      for (let i = 0; i < limit; i++) expect(await codeOf(h.service.submit(c.code, a, drumEntry(`g${i}`)))).toBe('ok');
      const err = (await h.service.submit(c.code, a, drumEntry('one too many')).catch((e: unknown) => e)) as ClassroomError;
      expect(err.code).toBe('rate_limited');
      expect(err.retryAfterSeconds).toBeGreaterThan(0);
      expect(err.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(await codeOf(h.service.submit(c.code, b, drumEntry('b is fine')))).toBe('ok');
      h.advance(60_000);
      expect(await codeOf(h.service.submit(c.code, a, drumEntry('next minute')))).toBe('ok');
    });

    it('lets 100 joins a minute from one address through (a whole school behind one address) and stops a flood', async () => {
      // Spread over sessions (each session has its own, lower limit).
      const classes = await Promise.all(Array.from({ length: 5 }, () => classOf(freeSession())));
      const join = (i: number) => codeOf(h.service.join(classes[i % 5]?.code ?? '', { nickname: `Student ${i}` }, '203.0.113.7'));
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => join(i)));
      expect(results.every((r) => r === 'ok')).toBe(true);
      const limit = h.service.config.rateLimits.joinsPerAddress;
      let refused = 0;
      for (let i = 100; i < limit + 5; i++) if ((await join(i)) === 'rate_limited') refused++;
      expect(refused).toBe(5);
      expect(await codeOf(h.service.join(classes[0]?.code ?? '', { nickname: 'From elsewhere' }, '198.51.100.1'))).toBe('ok');
    });

    it('caps joins per session whatever the address (addresses can be forged) and the size of a session', async () => {
      const h2 = await openHarness(kind, { maxParticipants: 6, rateLimits: { ...DEFAULT_CONFIG.rateLimits, joinsPerSession: 4 } });
      try {
        const c = await h2.service.createSession(freeSession(), 'a');
        const codes = [];
        for (let i = 0; i < 5; i++) codes.push(await codeOf(h2.service.join(c.code, { nickname: `N${i}` }, `198.51.100.${i}`)));
        expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'rate_limited']);
        h2.advance(60_000);
        codes.length = 0;
        for (let i = 5; i < 8; i++) codes.push(await codeOf(h2.service.join(c.code, { nickname: `N${i}` }, `198.51.100.${i}`)));
        expect(codes).toEqual(['ok', 'ok', 'session_full']);
      } finally {
        await h2.close();
      }
    });

    it('counts votes per token', async () => {
      const h2 = await openHarness(kind, { rateLimits: { ...DEFAULT_CONFIG.rateLimits, votesPerToken: 3 } });
      try {
        const c = await h2.service.createSession(freeSession(), 'a');
        const a = (await h2.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
        const b = (await h2.service.join(c.code, { nickname: 'Bo' }, 'a')).studentToken;
        const ids: number[] = [];
        for (let i = 0; i < 4; i++) ids.push((await h2.service.submit(c.code, a, drumEntry(`g${i}`))).id);
        const codes = [];
        for (const id of ids) codes.push(await codeOf(h2.service.vote(c.code, b, id)));
        expect(codes).toEqual(['ok', 'ok', 'ok', 'rate_limited']);
      } finally {
        await h2.close();
      }
    });
  });

  describe('retention', () => {
    it('deletes a session and all its data once its retention ends', async () => {
      const c = await classOf();
      const a = await c.join('Ada');
      await h.service.submit(c.code, a, melodyEntry());
      h.advance(7 * 86_400_000 - 1000);
      expect(await codeOf(h.service.getSession(c.code, c.teacherToken))).toBe('ok');
      h.advance(2000);
      expect(await codeOf(h.service.getSession(c.code, c.teacherToken))).toBe('not_found');
      // Unreachable at once; the rows go with the next sweep (requests run one at most once a minute).
      expect(await h.service.sweep()).toBe(1);
      for (const table of ['sessions', 'participants', 'submissions', 'votes', 'events'])
        expect(Number((await h.sql(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n), table).toBe(0);
    });

    it('uses the configured retention period', async () => {
      const h2 = await openHarness(kind, { retentionDays: 1 });
      try {
        const c = await h2.service.createSession(freeSession(), 'a');
        const view = await h2.service.getSession(c.code, c.teacherToken);
        expect(view.retentionDays).toBe(1);
        expect(Date.parse(view.expiresAt) - Date.parse(view.createdAt)).toBe(86_400_000);
        h2.advance(86_400_000);
        expect(await h2.service.sweep()).toBe(1);
      } finally {
        await h2.close();
      }
    });
  });
});

// The HTTP layer of the classroom API, through the real route handlers (the same functions Next
// serves), once on a SQLite file (LATENT_LAB_DB) and once on PostgreSQL (DATABASE_URL): statuses,
// JSON error shapes, body limits, and no 500 for bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachStore, openHarness, participantId, type Harness } from '@/lib/classroom/testing/harness';
import { bytesToBase64 } from '@/lib/classroom/client';
import { LIMITS } from '@/lib/classroom/schema';
import { strFromU8, unzipSync } from 'fflate';
import { drumEntry, freeSession, melodyEntry, melodyMidi, melodySession, timbreEntry, timbreSession, timbreWav } from '@/lib/classroom/testing/fixtures';
import type { CreateSessionInput } from '@/lib/classroom/requests';
import * as sessionRoute from './[code]/route';
import * as eventsRoute from './[code]/events/route';
import * as exportRoute from './[code]/export/route';
import * as joinRoute from './[code]/join/route';
import * as kickRoute from './[code]/participants/[id]/route';
import * as removeRoute from './[code]/participants/remove/route';
import * as admitRoute from './[code]/participants/admit/route';
import * as entryRoute from './[code]/submissions/[id]/route';
import * as mediaRoute from './[code]/submissions/[id]/media/route';
import * as voteRoute from './[code]/submissions/[id]/vote/route';
import * as listRoute from './[code]/submissions/route';
import * as createRoute from './route';
import { classroom } from '@/lib/classroom/server';

/** The app's classroom service is a process-wide singleton: each store kind gets a fresh one. */
const holder = globalThis as { __latentLabClassroom?: { store: { close(): Promise<void> }; bus: { close(): Promise<void> } } };
async function resetService(): Promise<void> {
  await holder.__latentLabClassroom?.bus.close();
  await holder.__latentLabClassroom?.store.close();
  delete holder.__latentLabClassroom;
}

const base = 'http://127.0.0.1/api/sessions';
function req(method: string, url: string, options: { token?: string; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { 'x-forwarded-for': '192.0.2.10', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Request(url, { method, headers, body, duplex: 'half' } as RequestInit);
}
const ctx = <T extends Record<string, string>>(params: T) => ({ params: Promise.resolve(params) });

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(10);
  return { status: res.status, code: body.error.code, message: body.error.message };
}

let teachers = 0;
async function newSession(body: CreateSessionInput = freeSession()) {
  // Each test's teacher from their own address (creations are limited per address).
  const res = await createRoute.POST(req('POST', base, { body, headers: { 'x-forwarded-for': `198.51.100.${++teachers}` } }));
  expect(res.status).toBe(201);
  const s = (await res.json()) as { code: string; teacherToken: string };
  const join = async (nickname: string) => {
    const r = await joinRoute.POST(req('POST', `${base}/${s.code}/join`, { body: { nickname } }), ctx({ code: s.code }));
    expect(r.status).toBe(201);
    return ((await r.json()) as { studentToken: string }).studentToken;
  };
  return { ...s, join };
}

describeEachStore((kind) => {
  let h: Harness;
  beforeAll(async () => {
    // The database the harness made (a file, or a schema of the test cluster), reached the way a
    // real server reaches it: through the environment.
    h = await openHarness(kind);
    await resetService();
    if (kind === 'postgres') process.env.DATABASE_URL = h.location;
    else process.env.LATENT_LAB_DB = h.location;
  });
  afterAll(async () => {
    await resetService();
    delete process.env.DATABASE_URL;
    delete process.env.LATENT_LAB_DB;
    await h.close();
  });

  it('serves this store through the environment', () => {
    expect(classroom().store.dialect).toBe(kind);
  });

  describe('classroom HTTP API', () => {
    it('walks the documented happy path with the documented statuses and shapes', async () => {
      const s = await newSession();
      const ada = await s.join('Ada');
      const bo = await s.join('Bo');
      const sub = await listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, body: drumEntry('Groove') }), ctx({ code: s.code }));
      expect(sub.status).toBe(201);
      const { id } = (await sub.json()) as { id: number };
      expect(Number.isInteger(id)).toBe(true);
      const list = await listRoute.GET(req('GET', `${base}/${s.code}/submissions`, { token: s.teacherToken }), ctx({ code: s.code }));
      expect(list.status).toBe(200);
      const rows = (await list.json()) as Record<string, unknown>[];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id, nickname: 'Ada', title: 'Groove', kind: 'drums', votes: 0 });
      expect(Number.isNaN(Date.parse(String(rows[0]?.createdAt)))).toBe(false);
      const vote = () => voteRoute.POST(req('POST', `${base}/${s.code}/submissions/${id}/vote`, { token: bo }), ctx({ code: s.code, id: String(id) }));
      expect((await vote()).status).toBe(200);
      expect(await errorOf(await vote())).toMatchObject({ status: 409, code: 'already_voted' });
      const patch = await sessionRoute.PATCH(req('PATCH', `${base}/${s.code}`, { token: s.teacherToken, body: { status: 'locked' } }), ctx({ code: s.code }));
      expect(patch.status).toBe(200);
      expect(((await patch.json()) as { status: string }).status).toBe('locked');
      const locked = await listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, body: drumEntry('Late') }), ctx({ code: s.code }));
      expect(await errorOf(locked)).toMatchObject({ status: 403, code: 'locked' });
      const zip = await exportRoute.GET(req('GET', `${base}/${s.code}/export`, { token: s.teacherToken }), ctx({ code: s.code }));
      expect(zip.status).toBe(200);
      expect(zip.headers.get('content-type')).toBe('application/zip');
      expect(zip.headers.get('content-disposition')).toContain(`latent-lab-${s.code}.zip`);
      expect([...new Uint8Array(await zip.arrayBuffer()).subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
      const boId = await participantId(classroom(), s.code, s.teacherToken, 'Bo');
      const kick = await kickRoute.DELETE(
        req('DELETE', `${base}/${s.code}/participants/${boId}`, { token: s.teacherToken }),
        ctx({ code: s.code, id: String(boId) }),
      );
      expect(kick.status).toBe(204);
      const del = await entryRoute.DELETE(req('DELETE', `${base}/${s.code}/submissions/${id}`, { token: ada }), ctx({ code: s.code, id: String(id) }));
      expect(del.status).toBe(204);
      const gone = await sessionRoute.DELETE(req('DELETE', `${base}/${s.code}`, { token: s.teacherToken }), ctx({ code: s.code }));
      expect(gone.status).toBe(204);
      // The session and its tokens are gone: the same 401 as any unknown token.
      expect(await errorOf(await sessionRoute.GET(req('GET', `${base}/${s.code}`, { token: s.teacherToken }), ctx({ code: s.code })))).toMatchObject({
        status: 401,
        code: 'unauthorized',
      });
    });

    it('answers the event stream with SSE headers, and refuses it without a token', async () => {
      const s = await newSession();
      const abort = new AbortController();
      const request = new Request(`${base}/${s.code}/events`, { headers: { authorization: `Bearer ${s.teacherToken}` }, signal: abort.signal });
      const res = await eventsRoute.GET(request, ctx({ code: s.code }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader.read()).value);
      abort.abort();
      expect(await errorOf(await eventsRoute.GET(new Request(`${base}/${s.code}/events`), ctx({ code: s.code })))).toMatchObject({
        status: 401,
        code: 'unauthorized',
      });
    });

    it('refuses oversize bodies with 413 before buffering them', async () => {
      const s = await newSession();
      const ada = await s.join('Ada');
      const big = 'x'.repeat(LIMITS.smallBodyBytes + 1);
      expect(await errorOf(await createRoute.POST(req('POST', base, { raw: JSON.stringify({ title: big }) })))).toMatchObject({
        status: 413,
        code: 'too_large',
      });
      // No Content-Length (a stream): cut off while reading.
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i <= LIMITS.submissionBodyBytes / (16 * 1024); i++) c.enqueue(new Uint8Array(16 * 1024).fill(32));
          c.close();
        },
      });
      expect(
        await errorOf(await listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, raw: stream }), ctx({ code: s.code }))),
      ).toMatchObject({ status: 413 });
      // A MIDI over 256 KB inside an acceptable body.
      const midi = new Uint8Array(LIMITS.midiBytes + 10);
      midi.set(melodyMidi());
      const res = await listRoute.POST(
        req('POST', `${base}/${s.code}/submissions`, { token: ada, body: { title: 'big', kind: 'melody', midiBase64: bytesToBase64(midi) } }),
        ctx({ code: s.code }),
      );
      expect(await errorOf(res)).toMatchObject({ status: 413, code: 'too_large' });
      // Titles and nicknames over 40 characters: 422.
      expect(
        await errorOf(await joinRoute.POST(req('POST', `${base}/${s.code}/join`, { body: { nickname: 'n'.repeat(41) } }), ctx({ code: s.code }))),
      ).toMatchObject({ status: 422, code: 'invalid' });
      const longTitle = await listRoute.POST(
        req('POST', `${base}/${s.code}/submissions`, { token: ada, body: drumEntry('t'.repeat(41)) }),
        ctx({ code: s.code }),
      );
      expect(await errorOf(longTitle)).toMatchObject({ status: 422, code: 'invalid' });
    });

    it('never answers 500 to bad input', async () => {
      const s = await newSession();
      const ada = await s.join('Ada');
      const bodies: (string | undefined)[] = [
        undefined,
        '',
        '   ',
        '{',
        'null',
        '[]',
        '"text"',
        '42',
        'true',
        '{"nickname":null}',
        '{"nickname":[1,2]}',
        '{"nickname":{"$gt":""}}',
        '{"title":1e309}',
        '\u0000',
        '{"__proto__":{"x":1}}',
      ];
      const codes = ['lower1', 'TOOLONGCODE', '', '%00', '../../etc', s.code.toLowerCase()];
      const ids = ['abc', '-1', '0', '1.5', '99999999999999999999', '1e3', ''];
      const statuses: number[] = [];
      for (const raw of bodies) {
        statuses.push((await createRoute.POST(req('POST', base, { raw }))).status);
        statuses.push((await joinRoute.POST(req('POST', `${base}/${s.code}/join`, { raw }), ctx({ code: s.code }))).status);
        statuses.push((await listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, raw }), ctx({ code: s.code }))).status);
        statuses.push((await sessionRoute.PATCH(req('PATCH', `${base}/${s.code}`, { token: s.teacherToken, raw }), ctx({ code: s.code }))).status);
        statuses.push(
          (await entryRoute.PATCH(req('PATCH', `${base}/${s.code}/submissions/1`, { token: s.teacherToken, raw }), ctx({ code: s.code, id: '1' }))).status,
        );
      }
      for (const code of codes) {
        statuses.push((await joinRoute.POST(req('POST', `${base}/x/join`, { body: { nickname: 'Zed' } }), ctx({ code }))).status);
        statuses.push((await listRoute.GET(req('GET', `${base}/x/submissions`, { token: ada }), ctx({ code }))).status);
      }
      for (const id of ids) {
        statuses.push((await voteRoute.POST(req('POST', `${base}/${s.code}/submissions/x/vote`, { token: ada }), ctx({ code: s.code, id }))).status);
        statuses.push((await entryRoute.GET(req('GET', `${base}/${s.code}/submissions/x`, { token: ada }), ctx({ code: s.code, id }))).status);
      }
      for (const auth of ['Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', `Bearer ${'s_'.padEnd(2000, 'x')}`]) {
        statuses.push((await listRoute.GET(req('GET', `${base}/${s.code}/submissions`, { headers: { authorization: auth } }), ctx({ code: s.code }))).status);
      }
      expect(statuses.filter((x) => x >= 500)).toEqual([]);
      expect(new Set(statuses).size).toBeGreaterThan(3);
      expect(statuses.every((x) => [200, 201, 400, 401, 403, 404, 409, 413, 422, 429].includes(x))).toBe(true);
    });

    it('removes students by id through the routes (names like "..", "%41", "x/y" never go in a path), in bulk too', async () => {
      const s = await newSession();
      const names = ['..', '.', '%41', 'A', '100%', 'x/y', 'Bot 1', 'Bot 2'];
      for (const n of names) await s.join(n);
      const svc = classroom();
      for (const n of names.slice(0, 6)) {
        const id = await participantId(svc, s.code, s.teacherToken, n);
        const res = await kickRoute.DELETE(
          req('DELETE', `${base}/${s.code}/participants/${id}`, { token: s.teacherToken }),
          ctx({ code: s.code, id: String(id) }),
        );
        expect(res.status, n).toBe(204);
      }
      const bots = await Promise.all(['Bot 1', 'Bot 2'].map((n) => participantId(svc, s.code, s.teacherToken, n)));
      const bulk = await removeRoute.POST(
        req('POST', `${base}/${s.code}/participants/remove`, { token: s.teacherToken, body: { ids: bots, block: true } }),
        ctx({ code: s.code }),
      );
      expect(await bulk.json()).toEqual({ removed: 2 });
      const view = await svc.getSession(s.code, s.teacherToken);
      expect(view.participants?.map((p) => [p.nickname, p.kicked, p.blocked])).toEqual(names.map((n, i) => [n, true, i >= 6]));
      // The session is still there; a nickname or a malformed id in the path is a JSON 404, never a 500.
      for (const id of ['..', 'A', '%41', '0', '-1', 'x']) {
        expect(
          await errorOf(await kickRoute.DELETE(req('DELETE', `${base}/${s.code}/participants/x`, { token: s.teacherToken }), ctx({ code: s.code, id }))),
        ).toMatchObject({
          status: 404,
        });
      }
      expect((await sessionRoute.GET(req('GET', `${base}/${s.code}`, { token: s.teacherToken }), ctx({ code: s.code }))).status).toBe(200);
      const admit = await admitRoute.POST(
        req('POST', `${base}/${s.code}/participants/admit`, { token: s.teacherToken, body: { ids: [bots[0]] } }),
        ctx({ code: s.code }),
      );
      expect(await errorOf(admit)).toMatchObject({ status: 404, code: 'not_found' });
    });

    it('takes a timbre entry with wavBase64 and serves its WAV back as audio/wav, to those who may see it', async () => {
      const s = await newSession(timbreSession());
      const ada = await s.join('Ada');
      const bo = await s.join('Bo');
      const wav = timbreWav(3);
      const post = await listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, body: timbreEntry('Blend', wav) }), ctx({ code: s.code }));
      expect(post.status).toBe(201);
      const { id } = (await post.json()) as { id: number };
      const media = (token?: string) =>
        mediaRoute.GET(req('GET', `${base}/${s.code}/submissions/${id}/media`, { token }), ctx({ code: s.code, id: String(id) }));
      for (const token of [ada, bo, s.teacherToken]) {
        const res = await media(token);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('audio/wav');
        expect(res.headers.get('content-length')).toBe(String(wav.byteLength));
        expect(res.headers.get('cache-control')).toBe('private, no-store');
        expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="\d{4}-ada-blend\.wav"$/);
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(wav);
      }
      // The JSON detail carries it too.
      const detail = await entryRoute.GET(req('GET', `${base}/${s.code}/submissions/${id}`, { token: bo }), ctx({ code: s.code, id: String(id) }));
      expect(await detail.json()).toMatchObject({ kind: 'timbre', midiBase64: null, pngBase64: null, wavBase64: timbreEntry('Blend', wav).wavBase64 });
      // The same rules as the entry: no token, another session's token, or a hidden entry of someone else → no file.
      expect(await errorOf(await media())).toMatchObject({ status: 401, code: 'unauthorized' });
      const other = await newSession(timbreSession());
      expect(await errorOf(await media(other.teacherToken))).toMatchObject({ status: 401, code: 'wrong_session' });
      const hide = await entryRoute.PATCH(
        req('PATCH', `${base}/${s.code}/submissions/${id}`, { token: s.teacherToken, body: { hidden: true } }),
        ctx({ code: s.code, id: String(id) }),
      );
      expect(hide.status).toBe(200);
      expect(await errorOf(await media(bo))).toMatchObject({ status: 404, code: 'not_found' });
      expect((await media(ada)).status).toBe(200);
      expect((await media(s.teacherToken)).status).toBe(200);
      for (const bad of ['0', 'x', '99999']) {
        const res = await mediaRoute.GET(req('GET', `${base}/${s.code}/submissions/${bad}/media`, { token: ada }), ctx({ code: s.code, id: bad }));
        expect(await errorOf(res)).toMatchObject({ status: 404 });
      }
      // The export holds the WAV, byte for byte.
      const zip = await exportRoute.GET(req('GET', `${base}/${s.code}/export`, { token: s.teacherToken }), ctx({ code: s.code }));
      const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
      const doc = JSON.parse(strFromU8(files['session.json'] ?? new Uint8Array())) as { submissions: { kind: string; file: string; latent: number[] }[] };
      expect(doc.submissions).toHaveLength(1);
      expect(doc.submissions[0]).toMatchObject({
        kind: 'timbre',
        latent: timbreEntry().latent,
        file: expect.stringMatching(/^entries\/\d{4}-ada-blend\.wav$/),
      });
      expect(files[doc.submissions[0]?.file ?? '']).toEqual(wav);
    });

    it('serves MIDI entries as audio/midi from the same route', async () => {
      const s = await newSession(melodySession());
      const ada = await s.join('Ada');
      const post = await listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, body: melodyEntry('Tune') }), ctx({ code: s.code }));
      const { id } = (await post.json()) as { id: number };
      const res = await mediaRoute.GET(req('GET', `${base}/${s.code}/submissions/${id}/media`, { token: ada }), ctx({ code: s.code, id: String(id) }));
      expect(res.headers.get('content-type')).toBe('audio/midi');
      expect([...new Uint8Array(await res.arrayBuffer()).subarray(0, 4)]).toEqual([0x4d, 0x54, 0x68, 0x64]);
    });

    it('refuses bad timbre bodies: the wrong kind for the challenge, oversize WAVs and bodies, damaged WAVs', async () => {
      const s = await newSession(timbreSession());
      const ada = await s.join('Ada');
      const submit = (body: unknown, raw?: string) =>
        listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, body, raw }), ctx({ code: s.code }));
      expect(await errorOf(await submit(drumEntry()))).toMatchObject({
        status: 422,
        code: 'invalid',
        message: expect.stringMatching(/takes timbre entries, not drums/),
      });
      const mel = await newSession(melodySession());
      const melAda = await mel.join('Ada');
      const wrong = await listRoute.POST(req('POST', `${base}/${mel.code}/submissions`, { token: melAda, body: timbreEntry() }), ctx({ code: mel.code }));
      expect(await errorOf(wrong)).toMatchObject({ status: 422, message: expect.stringMatching(/takes melody entries, not timbre/) });
      // A WAV over 1 MB in a body the server still reads (under 1.5 MB): 413 for the WAV.
      const big = new Uint8Array(LIMITS.wavBytes + 1024);
      big.set(timbreWav());
      expect(await errorOf(await submit(timbreEntry('big', big)))).toMatchObject({
        status: 413,
        code: 'too_large',
        message: expect.stringMatching(/WAV file is larger than 1024 KB/),
      });
      // A body over the submission limit: 413 before parsing.
      const huge = JSON.stringify({ ...timbreEntry(), wavBase64: 'A'.repeat(LIMITS.submissionBodyBytes) });
      expect(await errorOf(await submit(undefined, huge))).toMatchObject({ status: 413, code: 'too_large' });
      const corrupt = timbreWav();
      new DataView(corrupt.buffer).setUint16(22, 0, true); // 0 channels
      expect(await errorOf(await submit(timbreEntry('zero', corrupt)))).toMatchObject({ status: 422, message: expect.stringMatching(/0 channels/) });
      expect(await errorOf(await submit({ ...timbreEntry(), wavBase64: 'not base64!' }))).toMatchObject({
        status: 422,
        message: expect.stringMatching(/wavBase64 is not base64/),
      });
      expect(await errorOf(await submit({ ...timbreEntry(), wavBase64: bytesToBase64(melodyMidi()) }))).toMatchObject({
        status: 422,
        message: expect.stringMatching(/not a WAV file/),
      });
      const list = await listRoute.GET(req('GET', `${base}/${s.code}/submissions`, { token: s.teacherToken }), ctx({ code: s.code }));
      expect(await list.json()).toEqual([]);
    });

    it('answers 429 with Retry-After once a token passes its limit', async () => {
      const s = await newSession();
      const ada = await s.join('Ada');
      let last: Response | undefined;
      for (let i = 0; i <= LIMITS.titleChars && (!last || last.status !== 429); i++) {
        last = await listRoute.POST(req('POST', `${base}/${s.code}/submissions`, { token: ada, body: drumEntry(`g${i}`) }), ctx({ code: s.code }));
      }
      expect(last?.status).toBe(429);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await errorOf(last as Response)).code).toBe('rate_limited');
    });
  });
});

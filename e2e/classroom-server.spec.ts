// The classroom API against real production servers (`next start`) of our own, each with its own
// database: crash safety under SIGKILL, per-address join limits and live events through the server.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ClassroomApiError, ClassroomClient, followEvents } from '../lib/classroom/client';
import type { ClassroomEvent } from '../lib/classroom/schema';
import { drumEntry, freeSession, melodyEntry } from '../lib/classroom/testing/fixtures';
import { startProdServer, type ProdServer } from '../scripts/testing/prod-server';

const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);

test.describe('classroom server', () => {
  test.describe.configure({ mode: 'serial' });
  let dir: string;
  test.beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-e2e-server-'));
  });
  test.afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGKILL in the middle of a stream of submissions loses no acknowledged entry and leaves a sound database', async () => {
    test.setTimeout(180_000);
    const db = path.join(dir, 'crash.db');
    let server: ProdServer | undefined = await startProdServer({ port: BASE_PORT + 2, env: { LATENT_LAB_DB: db } });
    try {
      const api = new ClassroomClient({ baseUrl: server.url });
      const s = await api.createSession(freeSession('Crash test'));
      const students = await Promise.all(Array.from({ length: 12 }, (_, i) => api.join(s.code, `Writer ${i}`).then((r) => r.studentToken)));
      const acked: number[] = [];
      let failedAfterKill = 0;
      let killed = false;
      const victim = server;
      // Twelve writers submit as fast as they can; the server is killed once 60 entries are acknowledged.
      const writers = students.map(async (token, w) => {
        for (let i = 0; i < 20 && !killed; i++) {
          try {
            const { id } = await api.submit(s.code, token, i % 2 ? drumEntry(`w${w} #${i}`) : melodyEntry(`w${w} #${i}`));
            acked.push(id);
            if (acked.length >= 60 && !killed) {
              killed = true;
              victim.process.kill('SIGKILL');
            }
          } catch (error) {
            if (!killed) throw error;
            failedAfterKill++;
          }
        }
      });
      await Promise.all(writers);
      await victim.stop();
      expect(victim.process.signalCode).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(60);
      expect(failedAfterKill).toBeGreaterThan(0); // requests were in flight when it died

      server = await startProdServer({ port: BASE_PORT + 2, env: { LATENT_LAB_DB: db } });
      const after = await new ClassroomClient({ baseUrl: server.url }).list(s.code, s.teacherToken);
      const stored = new Set(after.map((x) => x.id));
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      await server.stop();
      server = undefined;
      const check = new Database(db, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        check.close();
      }
    } finally {
      await server?.stop('SIGKILL');
    }
  });

  test('through the real server: a class joining at once from one address passes, a flood gets 429, live events stream unbuffered', async () => {
    test.setTimeout(120_000);
    const server = await startProdServer({ port: BASE_PORT + 1, env: { LATENT_LAB_DB: path.join(dir, 'limits.db') } });
    try {
      const api = new ClassroomClient({ baseUrl: server.url });
      const s = await api.createSession(freeSession('Big school'));
      // A class of 50 at once (the per-session limit is 60 a minute, far below the 500-student cap).
      const joined = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.join(s.code, `Pupil ${i}`).then(
            (r) => r.studentToken,
            (e: unknown) => (e instanceof ClassroomApiError ? e.status : 0),
          ),
        ),
      );
      expect(joined.filter((x) => typeof x !== 'string')).toEqual([]);
      let status = 201;
      let n = 50;
      while (status === 201 && n < 400) {
        status = await api.join(s.code, `Pupil ${n++}`).then(
          () => 201,
          (e: unknown) => (e instanceof ClassroomApiError ? e.status : 0),
        );
      }
      expect(status).toBe(429);
      expect(n).toBeGreaterThan(60);
      expect(n).toBeLessThan(70);

      // A listener gets a submission within a moment (the production server does not buffer the stream).
      const first = await api.join(s.code, 'Pupil again').catch((e: unknown) => e);
      expect(first).toBeInstanceOf(ClassroomApiError); // still rate-limited from this address
      const got: ClassroomEvent[] = [];
      const events = followEvents({ baseUrl: server.url, code: s.code, token: s.teacherToken, onEvent: (e) => got.push(e) });
      await expect.poll(() => got.some((e) => e.type === 'snapshot'), { timeout: 10_000 }).toBe(true);
      const t0 = Date.now();
      const { id } = await api.submit(s.code, String(joined[0]), drumEntry('Live'));
      await expect.poll(() => got.some((e) => e.type === 'submitted' && e.submission.id === id), { timeout: 5_000 }).toBe(true);
      expect(Date.now() - t0).toBeLessThan(5_000);
      const raw = await fetch(`${server.url}/api/sessions/${s.code}/events`, { headers: { authorization: `Bearer ${s.teacherToken}` } });
      expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(raw.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(raw.headers.get('content-encoding')).toBeNull();
      await raw.body?.cancel();
      events.close();
    } finally {
      await server.stop();
    }
  });
  test('stops on Ctrl-C or SIGTERM while students listen, and answers API calls unzipped', async () => {
    test.setTimeout(120_000);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const server = await startProdServer({ port: BASE_PORT + 4, env: { LATENT_LAB_DB: path.join(dir, `stop-${signal}.db`) } });
      try {
        const api = new ClassroomClient({ baseUrl: server.url });
        const s = await api.createSession(freeSession('Last lesson'));
        const students = await Promise.all(['Ann', 'Ben', 'Cy'].map((n) => api.join(s.code, n)));
        for (const [i, st] of students.entries()) await api.submit(s.code, st.studentToken, melodyEntry(`Tune ${i}`));
        // The gallery list is JSON over 1 KB: Next would gzip it, which costs the class's server CPU.
        const list = await fetch(`${server.url}/api/sessions/${s.code}/submissions`, {
          headers: { authorization: `Bearer ${s.teacherToken}`, 'accept-encoding': 'gzip, deflate, br' },
        });
        expect(list.headers.get('content-encoding')).toBeNull();
        expect((await list.text()).length).toBeGreaterThan(1024);
        // Every student's tab listens to the live events, as in a lesson.
        const snapshots: number[] = [];
        const streams = students.map((st, i) =>
          followEvents({ baseUrl: server.url, code: s.code, token: st.studentToken, onEvent: (e) => e.type === 'snapshot' && snapshots.push(i) }),
        );
        await expect.poll(() => snapshots.length, { timeout: 10_000 }).toBe(3);
        const t0 = Date.now();
        const stopped = await Promise.race([server.stop(signal).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 15_000))]);
        for (const e of streams) e.close();
        expect(stopped, `the server did not exit within 15 s of ${signal} with 3 listeners`).toBe(true);
        expect(Date.now() - t0).toBeLessThan(15_000);
      } finally {
        server.process.kill('SIGKILL');
        await server.stop();
      }
    }
  });
});

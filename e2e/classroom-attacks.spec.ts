// The classroom under attack and on a school network, against real production servers: malformed
// paths, participants addressed by id, forged addresses, identical answers without a token,
// security headers, the join link's address, hidden entries on the projector, and the lab's bar
// following the session live.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ClassroomClient } from '../lib/classroom/client';
import { drumEntry, freeSession } from '../lib/classroom/testing/fixtures';
import { startProdServer, type ProdServer } from '../scripts/testing/prod-server';
import { expect, test } from './fixtures';

const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);

/** A POST from another local address (127.0.0.2 is this machine too): a different client to the server. */
function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

test.describe('classroom API on a real server', () => {
  test.describe.configure({ mode: 'serial' });
  let dir: string;
  let server: ProdServer;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-e2e-attacks-'));
    server = await startProdServer({ port: BASE_PORT + 3, env: { LATENT_LAB_DB: path.join(dir, 'a.db'), LATENT_LAB_PUBLIC_URL: 'http://class.example:8080' } });
  });
  test.afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a malformed percent escape in any API segment is a JSON 400, not a bare 500', async () => {
    for (const p of ['/api/sessions/%zz', '/api/sessions/ABCDEF/submissions/%zz', '/api/sessions/ABCDEF/participants/%E0%A4%A']) {
      const res = await fetch(server.url + p);
      expect(res.status, p).toBe(400);
      expect(res.headers.get('content-type'), p).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_path');
    }
  });

  test('removing a student called ".." removes that student, never the session; the client never follows a redirect', async () => {
    const api = new ClassroomClient({ baseUrl: server.url });
    const s = await api.createSession(freeSession('Dots'));
    for (const n of ['..', '.', '%41', 'A', '100%', 'x/y']) await api.join(s.code, n);
    const view = await api.getSession(s.code, s.teacherToken);
    for (const p of view.participants ?? []) await api.kick(s.code, s.teacherToken, p.id);
    const after = await api.getSession(s.code, s.teacherToken);
    expect(after.participants?.map((p) => [p.nickname, p.kicked])).toEqual(['..', '.', '%41', 'A', '100%', 'x/y'].map((n) => [n, true]));
    // The path a ".." nickname used to turn into: Next redirects it, and the client refuses to replay a DELETE there.
    await expect(api.raw('DELETE', `/${s.code}/participants/..`, { token: s.teacherToken })).rejects.toThrow();
    expect((await api.getSession(s.code, s.teacherToken)).code).toBe(s.code);
  });

  test('forged X-Forwarded-For addresses do not multiply the creation limit, and a flood does not lock another client out', async () => {
    let created = 0;
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const { status } = await postFrom('127.0.0.1', `${server.url}/api/sessions`, freeSession(`Flood ${i}`), { 'x-forwarded-for': `10.${i}.0.1` });
      if (status === 201) created++;
      if (status === 429) limited++;
    }
    expect(created).toBeLessThanOrEqual(10);
    expect(limited).toBeGreaterThanOrEqual(30);
    expect((await postFrom('127.0.0.2', `${server.url}/api/sessions`, freeSession('A real lesson'))).status).toBe(201);
  });

  test('without a token, a live code and an unknown one get the same answer', async () => {
    const created = await postFrom('127.0.0.3', `${server.url}/api/sessions`, freeSession('Probe'));
    expect(created.status).toBe(201);
    const s = JSON.parse(created.text) as { code: string };
    const live = await fetch(`${server.url}/api/sessions/${s.code}`);
    const unknown = await fetch(`${server.url}/api/sessions/${s.code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ'}`);
    expect([live.status, await live.text()]).toEqual([unknown.status, await unknown.text()]);
    expect(live.status).toBe(401);
  });

  test('pages and API answers carry the security headers; the server offers its public URL for the join link', async () => {
    for (const p of ['/classroom', '/api/classroom', '/api/sessions/ZZZZZZ']) {
      const res = await fetch(server.url + p);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("'wasm-unsafe-eval'");
      expect(csp, p).toMatch(/worker-src 'self' blob:/);
      expect(res.headers.get('x-frame-options'), p).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
    const info = (await (await fetch(`${server.url}/api/classroom`)).json()) as { joinBaseUrls: string[]; publicUrl: string };
    expect(info.publicUrl).toBe('http://class.example:8080');
    expect(info.joinBaseUrls[0]).toBe('http://class.example:8080');
  });
});

async function openTeacher(page: Page, code: string, token: string): Promise<void> {
  await page.goto(`/classroom/session?code=${code}#key=${token}`);
  await expect(page.getByTestId('session-heading')).toBeVisible();
}

test('the projected join link never uses localhost: it warns and offers the server’s addresses', async ({ page, request }) => {
  const s = (await (await request.post('/api/sessions', { data: freeSession('Network') })).json()) as { code: string; teacherToken: string };
  await openTeacher(page, s.code, s.teacherToken);
  await expect(page.getByTestId('join-address-warning')).toBeVisible();
  const info = (await (await request.get('/api/classroom')).json()) as { joinBaseUrls: string[] };
  const link = page.getByTestId('join-link');
  if (info.joinBaseUrls.length > 0) await expect(link).toHaveAttribute('href', `${info.joinBaseUrls[0]}/classroom/join?code=${s.code}`);
  else await expect(page.getByTestId('join-address-warning')).toContainText('No network address');
  await expect(page.getByTestId('join-qr')).toHaveAttribute('data-text', (await link.getAttribute('href')) ?? '');
});

test('hidden entries do not appear on the projector', async ({ page, request, baseURL }) => {
  const api = new ClassroomClient({ baseUrl: baseURL });
  const s = (await (await request.post('/api/sessions', { data: freeSession('Projector') })).json()) as { code: string; teacherToken: string };
  const ada = await api.join(s.code, 'Ada');
  const shown = await api.submit(s.code, ada.studentToken, drumEntry('Shown'));
  const hidden = await api.submit(s.code, ada.studentToken, drumEntry('Hidden one'));
  await api.hide(s.code, s.teacherToken, hidden.id, true);
  await openTeacher(page, s.code, s.teacherToken);
  await expect(page.getByTestId('entry')).toHaveCount(2);
  await page.getByTestId('projector-toggle').click();
  await expect(page.getByTestId('entry')).toHaveCount(1);
  await expect(page.getByTestId('entry')).toHaveAttribute('data-id', String(shown.id));
  await expect(page.getByText('Hidden one')).toHaveCount(0);
});

test('the lab’s classroom bar follows the session live: a lock and the end of the time limit show without pressing Submit', async ({
  page,
  request,
  baseURL,
}) => {
  const api = new ClassroomClient({ baseUrl: baseURL });
  const s = (await (await request.post('/api/sessions', { data: { ...freeSession('Live bar'), timeLimitMinutes: 2 } })).json()) as {
    code: string;
    teacherToken: string;
  };
  await page.clock.install();
  await page.goto(`/classroom/join?code=${s.code}`);
  await page.getByTestId('nickname-input').fill('Ada');
  await page.getByTestId('join').click();
  await expect(page).toHaveURL(new RegExp(`classroom=${s.code}`));
  const bar = page.getByTestId('classroom-bar');
  await expect(bar).toContainText('Live bar');
  await expect(page.getByTestId('bar-closed')).toHaveCount(0);
  await api.updateSession(s.code, s.teacherToken, { status: 'locked' });
  await expect(page.getByTestId('bar-closed')).toHaveText(/locked/);
  await api.updateSession(s.code, s.teacherToken, { status: 'open' });
  await expect(page.getByTestId('bar-closed')).toHaveCount(0);
  await page.clock.fastForward('03:00');
  await expect(page.getByTestId('bar-closed')).toHaveText(/Time is up/);
  await expect(page.getByTestId('submit-entry')).toBeDisabled();
});

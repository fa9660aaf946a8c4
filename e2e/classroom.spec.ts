// A teacher and two students in three browser windows: join, make an entry in the drum lab with the
// challenge loaded, see it on the projector without reloading, vote, reveal, export, kick.
import { Midi } from '@tonejs/midi';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from '@playwright/test';
import { expect, reloadPage, test, watchPage, type PageProblems } from './fixtures';
import { downloaded } from './harness/downloads';

const XSS_NICK = '<script>window.__xss=1</script>';
const XSS_TITLE = '<img src=x onerror="window.__xss=2">';

async function studentPage(browser: Browser): Promise<{ page: Page; problems: PageProblems; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  page.on('dialog', (d) => {
    throw new Error(`a dialog opened on a student page: ${d.message()}`);
  });
  return { page, problems, close: () => context.close() };
}

/**
 * Problems other than requests cut short by leaving a page: an event stream, or (for a student who
 * goes from the lab to the gallery at once) the lab's worker and model files still loading.
 */
function real(problems: PageProblems, anyAborted = false): PageProblems {
  const keep = (list: string[]) => list.filter((p) => !(anyAborted ? /\(net::ERR_ABORTED\)$/ : /\/events \(net::ERR_ABORTED\)$/).test(p));
  return { ...problems, failedRequests: keep(problems.failedRequests), consoleErrors: keep(problems.consoleErrors) };
}

async function join(page: Page, code: string, nickname: string): Promise<void> {
  await page.goto(`/classroom/join?code=${code}`);
  await expect(page.getByTestId('join-code-input')).toHaveValue(code);
  await page.getByTestId('nickname-input').fill(nickname);
  await page.getByTestId('join').click();
}

test('a teacher runs a drum challenge with two students: live gallery, votes, inert names, export, kick', async ({ page: teacher, browser, problems }) => {
  test.setTimeout(240_000);
  teacher.on('dialog', (d) => void d.accept());

  // The teacher sets the challenge.
  await teacher.goto('/classroom');
  await expect(teacher.getByTestId('retention-days')).toHaveText('7 days');
  await teacher.getByTestId('session-title').fill('Groove off');
  await teacher.getByTestId('challenge-kind').selectOption('drum-groove');
  await teacher.getByTestId('max-temperature').fill('0.8');
  await teacher.getByTestId('create-session').click();
  await expect(teacher.getByTestId('session-heading')).toHaveText('Groove off');
  const code = ((await teacher.getByTestId('join-code').textContent()) ?? '').replace(/\s/g, '');
  expect(code).toMatch(/^[A-Z2-9]{6}$/);
  await expect(teacher.getByTestId('join-link')).toHaveAttribute('href', new RegExp(`/classroom/join\\?code=${code}$`));
  await expect(teacher.getByTestId('join-qr')).toHaveAttribute('data-text', new RegExp(`code=${code}$`));
  await expect(teacher.getByTestId('retention')).toContainText('7 days after it was created');
  expect(teacher.url()).not.toContain('#key'); // the secret never stays in the (projected) address bar

  // Student 1 (a nickname that looks like markup) joins: the drum lab opens with the challenge.
  const s1 = await studentPage(browser);
  await join(s1.page, code, XSS_NICK);
  await expect(s1.page).toHaveURL(new RegExp(`/music/drums\\?.*classroom=${code}`));
  await expect(s1.page.getByTestId('classroom-bar')).toContainText('Groove off');
  await expect(s1.page.getByTestId('bar-nickname')).toHaveText(XSS_NICK);
  await expect(teacher.getByTestId('joined-count')).toHaveText('1');
  await expect(teacher.getByTestId('joined-list')).toContainText(XSS_NICK);

  // A reload keeps the identity.
  await reloadPage(s1.page);
  await expect(s1.page.getByTestId('bar-nickname')).toHaveText(XSS_NICK);

  // The lab makes the groove; the bar submits it.
  await expect(s1.page.getByTestId('music-model-info')).toContainText('drums_2bar', { timeout: 90_000 });
  await expect(s1.page.getByTestId('drum-pattern')).toHaveCount(8, { timeout: 60_000 });
  await expect(s1.page.getByTestId('drum-patterns')).not.toHaveAttribute('data-busy', '1');
  await s1.page.getByTestId('entry-title-input').fill(XSS_TITLE);
  await expect(s1.page.getByTestId('submit-entry')).toHaveText('Submit to Groove off');
  await s1.page.getByTestId('submit-entry').click();
  await expect(s1.page.getByTestId('bar-done')).toContainText('Submitted');

  // It appears on the projector without a reload, as plain text.
  const entry = teacher.getByTestId('entry');
  await expect(entry).toHaveCount(1);
  await expect(entry.getByTestId('entry-title')).toHaveText(XSS_TITLE);
  await expect(entry.getByTestId('entry-nickname')).toHaveText(XSS_NICK);
  await expect(entry).toHaveAttribute('data-votes', '0');

  // Student 2 joins, goes to the gallery, votes.
  const s2 = await studentPage(browser);
  await join(s2.page, code, 'Bo');
  await expect(s2.page.getByTestId('classroom-bar')).toBeVisible();
  await s2.page.getByTestId('bar-gallery').click();
  const s2entry = s2.page.getByTestId('entry');
  await expect(s2entry.getByTestId('entry-title')).toHaveText(XSS_TITLE);
  await expect(s2entry.getByTestId('entry-votes')).toContainText('hidden');
  await s2entry.getByTestId('vote').click();
  await expect(s2entry.getByTestId('vote')).toHaveText('✓ Voted');
  await expect(s2entry.getByTestId('vote')).toBeDisabled();
  await expect(entry).toHaveAttribute('data-votes', '1'); // the teacher's count moved, live
  await expect(entry.getByTestId('entry-votes')).toHaveText('1 vote');

  // Revealing the votes shows the count to the students, live.
  await teacher.getByTestId('reveal').click();
  await expect(s2entry.getByTestId('entry-votes')).toHaveText('1 vote');

  // Student 1's gallery: their own entry cannot be voted for; the markup stayed text everywhere.
  await s1.page.getByTestId('bar-gallery').click();
  const mine = s1.page.getByTestId('entry');
  await expect(mine.getByTestId('entry-title')).toHaveText(XSS_TITLE);
  await expect(mine.getByTestId('vote')).toHaveCount(0);
  await expect(mine.getByTestId('withdraw')).toBeVisible();
  for (const p of [teacher, s1.page, s2.page]) {
    expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect(p.locator('img[src="x"]')).toHaveCount(0);
    await expect(p.locator('main script')).toHaveCount(0);
  }

  // Export: a ZIP whose MIDI files parse.
  const { download, bytes } = await downloaded(teacher, () => teacher.getByTestId('export').click());
  expect(download.suggestedFilename()).toBe(`latent-lab-${code}.zip`);
  const files = unzipSync(new Uint8Array(bytes));
  const doc = JSON.parse(strFromU8(files['session.json'] ?? new Uint8Array())) as { submissions: { title: string; votes: number; file: string }[] };
  expect(doc.submissions.map((x) => [x.title, x.votes])).toEqual([[XSS_TITLE, 1]]);
  const mids = Object.keys(files).filter((f) => f.endsWith('.mid'));
  expect(mids).toHaveLength(1);
  for (const f of mids) {
    const midi = new Midi(files[f]);
    const hits = midi.tracks.filter((t) => t.channel === 9).flatMap((t) => t.notes);
    expect(hits.length).toBeGreaterThan(0);
  }

  // Kicking Bo stops Bo's page at once.
  await teacher.getByRole('button', { name: 'Remove Bo from the session' }).click();
  await expect(s2.page.getByTestId('student-fatal')).toContainText('removed you');
  await expect(teacher.getByTestId('joined-count')).toHaveText('1');

  // Locking submissions: the lab's submit button says so.
  await teacher.getByTestId('lock').click();
  await expect(teacher.getByTestId('session-status')).toHaveText(/locked/i);
  await s1.page.getByRole('link', { name: /open the lab/i }).click();
  await expect(s1.page.getByTestId('classroom-bar')).toContainText('Submissions are locked');
  await expect(s1.page.getByTestId('submit-entry')).toBeDisabled();

  // Bo's kicked token made the server answer 403 once (expected); nothing else went wrong anywhere.
  const s2problems = real(s2.problems, true);
  s2problems.failedRequests = s2problems.failedRequests.filter((p) => !/\/events \(HTTP 403\)/.test(p));
  s2problems.consoleErrors = s2problems.consoleErrors.filter((p) => !/403/.test(p));
  expect(real(s1.problems, true)).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: [] });
  expect(s2problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: [] });
  const t = real(problems);
  problems.failedRequests.splice(0, problems.failedRequests.length, ...t.failedRequests);
  problems.consoleErrors.splice(0, problems.consoleErrors.length, ...t.consoleErrors);
  await s1.close();
  await s2.close();
});

test('the digit challenge keeps its model: switching to the lab default is noticed and put back', async ({ page, request }) => {
  const created = await request.post('/api/sessions', { data: { title: 'Sevens', challenge: { kind: 'digit-from-code', model: 'vae', target: 7 } } });
  expect(created.status()).toBe(201);
  const { code } = (await created.json()) as { code: string };
  await join(page, code, 'Ada');
  await expect(page).toHaveURL(new RegExp(`/image\\?.*model=vae.*classroom=${code}`));
  const bar = page.getByTestId('classroom-bar');
  await expect(bar).toContainText('Sevens');
  await expect(bar).not.toContainText('The challenge uses');

  // The lab's default model is left out of the URL: the bar must still see that it is not the VAE.
  await page.getByTestId('image-model').selectOption('dense-ae');
  await expect(page).not.toHaveURL(/model=/);
  await expect(bar).toContainText('The challenge uses the VAE.');
  await bar.getByRole('button', { name: 'Switch back' }).click();
  await expect(page).toHaveURL(/model=vae/);
  await expect(page.getByTestId('image-model')).toHaveValue('vae');
  await expect(bar).not.toContainText('The challenge uses');
});

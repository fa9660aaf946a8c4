// The timbre challenge in the classroom: the teacher picks two instruments by name, a student's
// entry (a WAV and its 16-number code, submitted through the API as the timbre lab does) appears live
// in the gallery as a waveform and plays from the served WAV, another student plays it and votes,
// the projector shows it, and hiding it takes it away from the other students.
// (Submitting from the timbre lab's own page is tested with that page.)
import type { Page } from '@playwright/test';
import { encodeWav } from '../lib/audio/wav';
import { ClassroomClient, bytesToBase64 } from '../lib/classroom/client';
import { renderNotes } from '../lib/sound/testing/synth';
import { expect, test, watchPage, type PageProblems } from './fixtures';

/** A 1.28 s note at 16 kHz, 16-bit mono, as the timbre lab writes one (C4 with a few harmonics). */
function noteWav(): Uint8Array {
  return encodeWav([renderNotes([{ pitch: 60, start: 0.01, end: 1, amplitude: 0.5 }], 1.28, 16_000)], 16_000);
}

/** Problems minus what does not count here: event streams cut by leaving a page. */
function real(problems: PageProblems): PageProblems {
  return { ...problems, failedRequests: problems.failedRequests.filter((p) => !/\/events \(net::ERR_ABORTED\)$/.test(p)) };
}

/** Plays an entry's sound with its Play button and waits until it has sounded and ended. */
async function playsThrough(entry: ReturnType<Page['getByTestId']>): Promise<void> {
  const audio = entry.getByTestId('entry-audio');
  await entry.getByTestId('play').click();
  await expect(entry.getByTestId('play')).toHaveText('■ Stop');
  await expect(entry).toHaveClass(/entry-playing/);
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.3);
  // A single note: it ends by itself, and the button says Play again.
  await expect(entry.getByTestId('play')).toHaveText('▶ Play', { timeout: 10_000 });
  expect(await audio.evaluate((a: HTMLAudioElement) => a.ended)).toBe(true);
}

test('a timbre challenge: the entry’s WAV is drawn, played, voted for, projected and hidden', async ({ page: teacher, browser, problems, baseURL }) => {
  test.setTimeout(180_000);
  teacher.on('dialog', (d) => void d.accept());

  // The teacher chooses the two instruments by name, grouped by family.
  await teacher.goto('/classroom');
  await teacher.getByTestId('session-title').fill('Between two');
  await teacher.getByTestId('challenge-kind').selectOption('timbre-blend');
  const menuA = teacher.getByTestId('timbre-a');
  await expect(menuA.locator('optgroup')).toHaveCount(14);
  await expect(menuA.locator('option')).toHaveCount(111);
  await expect(menuA.locator('optgroup[label="Strings"] option')).toHaveText([
    'Violin',
    'Viola',
    'Cello',
    'Tremolo Strings',
    'Pizzicato Strings',
    'Orchestral Harp',
    'Timpani',
  ]);
  await menuA.selectOption({ label: 'Acoustic Guitar (nylon)' });
  await teacher.getByTestId('timbre-b').selectOption({ label: 'Acoustic Guitar (nylon)' });
  await expect(teacher.getByTestId('create-session')).toBeDisabled(); // two different instruments
  await teacher.getByTestId('timbre-b').selectOption({ label: 'Flute' });
  await teacher.getByTestId('create-session').click();
  await expect(teacher.getByTestId('session-heading')).toHaveText('Between two');
  await expect(teacher.getByTestId('teacher-session')).toContainText('Make a sound between Acoustic Guitar (nylon) (A) and Flute (B)');
  const code = ((await teacher.getByTestId('join-code').textContent()) ?? '').replace(/\s/g, '');
  expect(code).toMatch(/^[A-Z2-9]{6}$/);

  // Two students join (through the API: the timbre lab's page is not part of this test).
  const api = new ClassroomClient({ baseUrl: baseURL });
  const ada = await api.join(code, 'Ada');
  const bo = await api.join(code, 'Bo');

  // Ada submits a note as the timbre lab does: step 3 of a 7-step morph from the guitar to the flute.
  const wav = noteWav();
  const served = teacher.waitForResponse((r) => /\/api\/sessions\/[A-Z2-9]{6}\/submissions\/\d+\/media$/.test(r.url()));
  const { id } = await api.submit(code, ada.studentToken, {
    title: 'Half guitar',
    kind: 'timbre',
    wavBase64: bytesToBase64(wav),
    latent: Array.from({ length: 16 }, (_, i) => Math.round(Math.sin(i) * 100) / 100),
    params: { a: 'p24', b: 'p73', steps: 7, step: 3, mode: 'slerp', pitch: 60 },
  });

  // It appears on the teacher's page without a reload: its waveform, what it blends, and its sound.
  const entry = teacher.getByTestId('entry');
  await expect(entry).toHaveCount(1);
  await expect(entry).toHaveAttribute('data-kind', 'timbre');
  await expect(entry.getByTestId('entry-title')).toHaveText('Half guitar');
  await expect(entry).toContainText('between Acoustic Guitar (nylon) and Flute');
  await expect(entry.getByTestId('entry-waveform')).toBeVisible();
  const response = await served;
  expect(response.url()).toContain(`/submissions/${id}/media`);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('audio/wav');
  expect(new Uint8Array(await response.body())).toEqual(wav);
  // The waveform is drawn (ink on the canvas), and the <audio> plays the served bytes.
  const inked = await entry
    .getByTestId('entry-waveform')
    .evaluate(
      (c: HTMLCanvasElement) => Array.from(c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? []).filter((v, i) => i % 4 === 3 && v > 0).length,
    );
  expect(inked).toBeGreaterThan(100);
  const audio = entry.getByTestId('entry-audio');
  await expect(audio).toHaveAttribute('src', /^blob:/);
  const src = await audio.evaluate(async (a: HTMLAudioElement) => {
    const r = await fetch(a.src);
    return { status: r.status, type: r.headers.get('content-type'), bytes: (await r.arrayBuffer()).byteLength };
  });
  expect(src).toEqual({ status: 200, type: 'audio/wav', bytes: wav.byteLength });
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.duration)).toBeCloseTo(1.28, 2);
  await playsThrough(entry);

  // Bo, in his own browser: the lab button opens the timbre lab with the two instruments; he plays and votes.
  const boContext = await browser.newContext();
  const bp = await boContext.newPage();
  const boProblems = watchPage(bp);
  await bp.addInitScript(([c, token]) => window.localStorage.setItem(`latent-lab:classroom:student:${c}`, JSON.stringify({ code: c, token, nickname: 'Bo' })), [
    code,
    bo.studentToken,
  ] as const);
  await bp.goto(`/classroom/join?code=${code}`);
  await expect(bp.getByTestId('my-nickname')).toHaveText('Bo');
  await expect(bp.getByTestId('open-lab-timbre')).toHaveAttribute('href', `/music/timbre?a=p24&b=p73&classroom=${code}`);
  const boEntry = bp.getByTestId('entry');
  await expect(boEntry.getByTestId('entry-waveform')).toBeVisible();
  await playsThrough(boEntry);
  await expect(boEntry.getByTestId('entry-votes')).toContainText('hidden');
  await boEntry.getByTestId('vote').click();
  await expect(boEntry.getByTestId('vote')).toHaveText('✓ Voted');
  await expect(entry).toHaveAttribute('data-votes', '1'); // the teacher's count moved, live
  await expect(entry.getByTestId('entry-votes')).toHaveText('1 vote');

  // The projector view shows it, playable, without moderation buttons.
  await teacher.getByTestId('projector-toggle').click();
  await expect(entry.getByTestId('entry-waveform')).toBeVisible();
  await expect(entry.getByTestId('play')).toBeVisible();
  await expect(entry.getByTestId('hide')).toHaveCount(0);
  await teacher.getByTestId('projector-toggle').click();

  // Hiding it takes it away from Bo at once; Ada (through the API) still sees her own.
  await entry.getByTestId('hide').click();
  await expect(entry.getByTestId('hide')).toHaveText('Show');
  await expect(bp.getByTestId('entry')).toHaveCount(0);
  expect((await api.list(code, ada.studentToken)).map((x) => [x.id, x.hidden])).toEqual([[id, true]]);

  // Bo makes his own in the timbre lab (A and B are the challenge's) and submits a step of the morph from the classroom bar.
  await bp.getByTestId('open-lab-timbre').click();
  await expect(bp).toHaveURL(new RegExp(`/music/timbre\\?a=p24&b=p73&classroom=${code}`));
  await expect(bp.getByTestId('morph-strip')).toHaveAttribute('data-count', '7', { timeout: 120_000 });
  await bp.getByTestId('entry-title-input').fill('Bo blend');
  await bp.getByTestId('submit-entry').click();
  await expect(bp.getByTestId('bar-error')).toContainText('Click the step of the morph');
  await bp.getByTestId('morph-item').nth(3).click();
  await bp.getByTestId('submit-entry').click();
  await expect(bp.getByTestId('bar-done')).toContainText('step 4 of 7');
  await expect(teacher.getByTestId('entry')).toHaveCount(2);
  await expect(teacher.getByTestId('entry').filter({ hasText: 'Bo blend' }).getByTestId('entry-waveform')).toBeVisible();

  expect(real(boProblems)).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: [] });
  const t = real(problems);
  problems.failedRequests.splice(0, problems.failedRequests.length, ...t.failedRequests);
  problems.consoleErrors.splice(0, problems.consoleErrors.length, ...t.consoleErrors);
  await boContext.close();
});

import { Midi } from '@tonejs/midi';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, reloadPage, test, type PageProblems } from './fixtures';
import { downloaded, wavRms } from './harness/downloads';

/** A Standard MIDI File written with @tonejs/midi: notes as [pitch, start beat, length in beats]. */
function midiFile(
  notes: readonly (readonly [number, number, number])[],
  options: { drums?: boolean; meter?: [number, number]; emptyTrack?: boolean } = {},
): Buffer {
  const midi = new Midi();
  midi.header.setTempo(120);
  if (options.meter) midi.header.timeSignatures.push({ ticks: 0, timeSignature: options.meter });
  const track = midi.addTrack();
  track.name = options.drums ? 'Drums' : 'Lead';
  if (options.drums) track.channel = 9;
  if (!options.emptyTrack) for (const [pitch, beat, length] of notes) track.addNote({ midi: pitch, time: beat * 0.5, duration: length * 0.5, velocity: 0.8 });
  return Buffer.from(midi.toArray());
}

const MELODY_A = midiFile([
  [60, 0, 1],
  [62, 1, 1],
  [64, 2, 1],
  [65, 3, 1],
  [67, 4, 2],
  [67, 6, 2],
]);
const MELODY_B = midiFile([
  [72, 0, 2],
  [71, 2, 1],
  [69, 3, 1],
  [67, 4, 1],
  [65, 5, 1],
  [64, 6, 2],
]);

async function melodyReady(page: Page): Promise<void> {
  await expect(page.getByTestId('music-model-info')).toContainText('mel_2bar', { timeout: 90_000 });
  await expect(page.getByTestId('interp-item').first()).toBeVisible({ timeout: 60_000 }); // the first interpolation ran
}

async function drumsReady(page: Page, patterns = 8): Promise<void> {
  await expect(page.getByTestId('music-model-info')).toContainText('drums_2bar', { timeout: 90_000 });
  await expect(page.getByTestId('drum-pattern')).toHaveCount(patterns, { timeout: 60_000 });
  await expect(page.getByTestId('drum-patterns')).not.toHaveAttribute('data-busy', '1');
}

/** Clicks "interpolate" and waits for that click's result (not the one already on screen) to be drawn. */
async function interpolateAndWait(page: Page): Promise<void> {
  const latency = page.getByTestId('interp-latency');
  const run = Number((await latency.getAttribute('data-run')) ?? '0');
  await page.getByTestId('interpolate').click();
  await expect(latency).toHaveAttribute('data-run', String(run + 1));
}

/** The lab's error message (Next.js keeps its own empty role="alert" route announcer on every page). */
function errorAlert(page: Page) {
  return page.locator('[role="alert"].notice-error');
}

/** Removes the problems a test provoked on purpose (by exact URL), so the watcher still checks everything else. */
function expectProvoked(problems: PageProblems, url: string): void {
  const keep = (list: string[]) => list.filter((p) => !p.includes(url) && !/ERR_CONNECTION_REFUSED/.test(p));
  problems.failedRequests.splice(0, problems.failedRequests.length, ...keep(problems.failedRequests));
  problems.consoleErrors.splice(0, problems.consoleErrors.length, ...keep(problems.consoleErrors));
}

test('melody lab: upload two MIDI files, interpolate 7 steps, play with a moving playhead, export MIDI', async ({ page, problems }) => {
  await page.goto('/music/melody');
  await melodyReady(page);
  await page.getByTestId('melody-file-a').setInputFiles({ name: 'scale-up.mid', mimeType: 'audio/midi', buffer: MELODY_A });
  await expect(page.getByTestId('import-preview-a')).toBeVisible();
  await expect(page.getByTestId('melody-roll-a')).toHaveAttribute('data-notes', '6');
  await page.getByTestId('melody-file-b').setInputFiles({ name: 'scale-down.mid', mimeType: 'audio/midi', buffer: MELODY_B });
  await expect(page.getByTestId('melody-roll-b')).toHaveAttribute('data-notes', '6');
  await expect(page).toHaveURL(/a=60\.0\.4_62\.4\.4_64\.8\.4/); // the melodies live in the URL

  await page.getByTestId('interp-steps').fill('7');
  await interpolateAndWait(page);
  await expect(page.getByTestId('interp-latency')).toHaveAttribute('data-steps', '7');
  await expect(page.getByTestId('interp-item')).toHaveCount(7);
  // The strip was made from the uploaded melodies (not the examples the page opened with).
  const url = new URL(page.url());
  await expect(page.getByTestId('interp-strip')).toHaveAttribute('data-a', url.searchParams.get('a') ?? '-');
  await expect(page.getByTestId('interp-strip')).toHaveAttribute('data-b', url.searchParams.get('b') ?? '-');
  const perItem = (await page.getByTestId('interp-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-notes'))))) as number[];
  expect(perItem.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

  await page.getByTestId('play').click();
  await expect(page.getByTestId('audio-state')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('playhead')).toHaveCount(1); // a line on the roll that is sounding
  const first = Number(await page.getByTestId('audio-state').getAttribute('data-ticks'));
  await expect.poll(async () => Number(await page.getByTestId('audio-state').getAttribute('data-ticks')), { timeout: 10_000 }).toBeGreaterThan(first + 4);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('playhead')).toHaveCount(0);

  const { download, bytes } = await downloaded(page, () => page.getByTestId('export-midi').click());
  expect(download.suggestedFilename()).toBe('interpolation.mid');
  const midi = new Midi(bytes);
  const notes = midi.tracks.flatMap((t) => t.notes);
  const ppq = midi.header.ppq;
  const twoBars = 8 * ppq;
  // One MIDI file: the 7 results one after another, 2 bars each, the same notes as the pictures.
  expect(notes.length).toBe(perItem.reduce((a, b) => a + b, 0));
  for (const n of notes) {
    expect(n.midi).toBeGreaterThanOrEqual(21);
    expect(n.midi).toBeLessThanOrEqual(108);
    expect(n.ticks).toBeLessThan(7 * twoBars);
  }
  const counts = Array.from({ length: 7 }, (_, i) => notes.filter((n) => Math.floor(n.ticks / twoBars) === i).length);
  expect(counts).toEqual(perItem);
  void problems;
});

test('melody lab: variations, a drawn note, single-step playback and a WAV that is not silent', async ({ page, problems }) => {
  await page.goto('/music/melody?steps=3');
  await melodyReady(page);
  await expect(page.getByTestId('interp-item')).toHaveCount(3);

  // Draw a note on A's piano roll: the URL's melody A grows by one note.
  const roll = page.getByTestId('melody-roll-a');
  const before = Number(await roll.getAttribute('data-notes'));
  const box = await roll.boundingBox();
  if (!box) throw new Error('no piano roll');
  await page.mouse.move(box.x + box.width * 0.97, box.y + box.height * 0.1);
  await page.mouse.down();
  await page.mouse.up();
  await expect(roll).toHaveAttribute('data-notes', String(before + 1));

  // The same from the keyboard: → moves the cursor to step 2 (where no note starts: the editor keeps
  // one voice, so a new note replaces one starting on the same step), Space adds a note there,
  // Shift+→ lengthens it, Space removes it.
  await roll.focus();
  await expect(page.getByTestId('roll-cursor')).toHaveCount(1);
  await page.keyboard.press('ArrowRight');
  await expect(roll).toHaveAttribute('aria-label', /Cursor: [A-G]♯?-?\d, step 2[.,]/);
  await page.keyboard.press('Space');
  await expect(roll).toHaveAttribute('data-notes', String(before + 2));
  await page.keyboard.press('Shift+ArrowRight');
  await expect(page).toHaveURL(/a=[^&]*\.1\.2(_|&|$)/);
  await page.keyboard.press('Space');
  await expect(roll).toHaveAttribute('data-notes', String(before + 1));

  // Typing "12" passes through "1" (below the minimum of 2) without snapping back.
  const steps = page.getByTestId('interp-steps');
  await steps.fill('');
  await steps.pressSequentially('12');
  await expect(steps).toHaveValue('12');
  await expect(page).toHaveURL(/[?&]steps=12/);
  await page.getByTestId('variations-n').fill('3');
  await page.getByTestId('variations').click();
  await expect(page.getByTestId('variation-item')).toHaveCount(3);
  await page.getByRole('button', { name: 'Play variation 2' }).click();
  await expect(page.getByTestId('audio-state')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('variation-item').nth(1).getByTestId('playhead')).toHaveCount(1);
  await page.getByTestId('stop').click();

  const { bytes } = await downloaded(page, () => page.getByTestId('export-wav').click());
  const wav = wavRms(bytes);
  expect(wav.sampleRate).toBe(44100);
  expect(wav.seconds).toBeGreaterThan(3 * 4); // 3 × 2 bars at 120 BPM, plus a release tail
  expect(wav.rms).toBeGreaterThan(0.005);
  void problems;
});

test('melody lab: bad files and an unreachable model give clear messages and the lab keeps working', async ({ page, problems }) => {
  await page.goto('/music/melody?steps=2');
  await melodyReady(page);
  const alert = errorAlert(page);
  const cases: { name: string; buffer: Buffer; message: RegExp }[] = [
    { name: 'notes.txt', buffer: Buffer.from('these are not the notes you are looking for'), message: /not a (Standard )?MIDI file/i },
    { name: 'silent.mid', buffer: midiFile([], { emptyTrack: true }), message: /no notes/i },
    {
      name: 'beat.mid',
      buffer: midiFile(
        [
          [36, 0, 0.25],
          [38, 1, 0.25],
        ],
        { drums: true },
      ),
      message: /only drums/i,
    },
  ];
  // Playwright hands over at most 50 MB as a buffer: the 50 MB file goes through a temporary file.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'latent-lab-'));
  const huge = path.join(tmp, 'huge.mid');
  await writeFile(huge, Buffer.alloc(50 * 1024 * 1024, 0x4d));
  for (const c of [...cases, { name: 'huge.mid', buffer: undefined, message: /50\.0 MB.*up to 8 MB/ }]) {
    await page.getByTestId('melody-file-a').setInputFiles(c.buffer ? { name: c.name, mimeType: 'audio/midi', buffer: c.buffer } : huge);
    await expect(alert).toContainText(c.message);
    await expect(alert).toContainText(c.name);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await expect(alert).toHaveCount(0);
  }
  await rm(tmp, { recursive: true, force: true });

  // An import error does not outlive the next import that works; a waltz (3/4) is read, with a note.
  await page.getByTestId('melody-file-a').setInputFiles({ name: 'notes.txt', mimeType: 'audio/midi', buffer: Buffer.from('not midi') });
  await expect(alert).toContainText('notes.txt');
  const waltz = midiFile(
    [
      [60, 0, 1],
      [64, 1, 1],
      [67, 2, 1],
      [72, 3, 1],
      [67, 4, 1],
      [64, 5, 1],
    ],
    { meter: [3, 4] },
  );
  await page.getByTestId('melody-file-a').setInputFiles({ name: 'waltz.mid', mimeType: 'audio/midi', buffer: waltz });
  await expect(page.getByTestId('music-notice')).toContainText(/In 3\/4: .*bar line of the piece/);
  await expect(alert).toHaveCount(0);
  await expect(page.getByTestId('melody-roll-a')).toHaveAttribute('data-notes', '6');
  // A waltz with a pickup (bar 1: rests, then one note on beat 3): the window starts at its first whole bar, bars
  // are the waltz's own (12 sixteenths, drawn so), and "bar 5" is its bar 5.
  const pickup = midiFile([[67, 2, 1], ...Array.from({ length: 24 }, (_, i) => [60 + (i % 5), 3 + i, 1] as const)], { meter: [3, 4] });
  await page.getByTestId('melody-file-a').setInputFiles({ name: 'waltzes6.mid', mimeType: 'audio/midi', buffer: pickup });
  await expect(page.getByTestId('melody-bar-a')).toHaveValue('2');
  await expect(page.getByTestId('music-notice')).toContainText(/^Melody A: 32 sixteenths from bar 2 of track 1 of waltzes6\.mid \(3\/4; \d+ notes\)\./);
  const preview = page.getByTestId('import-preview-a').locator('svg.piano-roll');
  const barLines = await preview.locator('line.pr-bar').evaluateAll((lines) => lines.map((l) => Number(l.getAttribute('x1'))));
  expect(barLines.length).toBeGreaterThan(3);
  expect(new Set(barLines.slice(1).map((x, i) => Math.round(x - (barLines[i] ?? 0))))).toEqual(new Set([12 * 4])); // 12 steps of 4 px
  await page.getByTestId('melody-bar-a').fill('5');
  await expect(page.getByTestId('music-notice')).toContainText('from bar 5 of track 1 of waltzes6.mid');

  // Clear gives an empty roll to draw on (not the example back).
  await page.getByTestId('melody-example-a').selectOption('frere-jacques');
  await page.getByTestId('melody-clear-a').click();
  await expect(page.getByTestId('melody-roll-a')).toHaveAttribute('data-notes', '0');
  await reloadPage(page);
  await expect(page.getByTestId('melody-roll-a')).toHaveAttribute('data-notes', '0');

  const unreachable = 'http://127.0.0.1:9/checkpoints/mel_2bar_small';
  await page.getByText('Use another model').click();
  await page.getByTestId('model-url').fill(unreachable);
  await page.getByTestId('model-url-load').click();
  await expect(alert).toContainText(/Could not reach http:\/\/127\.0\.0\.1:9\/checkpoints\/mel_2bar_small\/config\.json/);
  expectProvoked(problems, '127.0.0.1:9/');

  // Still working: the shipped model is still loaded and interpolates.
  await expect(page.getByTestId('music-model-info')).toContainText('mel_2bar');
  await page.getByTestId('interp-steps').fill('4');
  await interpolateAndWait(page);
  await expect(page.getByTestId('interp-item')).toHaveCount(4);
});

test('drum lab: sample 8 patterns, edit one, blend four corners, drag the puck while it plays, export MIDI', async ({ page, problems }) => {
  test.setTimeout(240_000); // the blend square is decoded from refined corner codes each time the corners change
  await page.goto('/music/drums');
  await drumsReady(page);
  const firstClip = await page.getByTestId('drum-pattern').first().locator('.drum-grid').getAttribute('data-clip');
  await page.getByTestId('sample-drums').click(); // new patterns: the next seed
  await expect(page.getByTestId('drum-patterns')).toHaveAttribute('data-seed', '2');
  await expect(page).toHaveURL(/[?&]seed=2/);
  await expect(page.getByTestId('drum-pattern')).toHaveCount(8);
  await expect(page.getByTestId('drum-pattern').first().locator('.drum-grid')).not.toHaveAttribute('data-clip', firstClip ?? '');

  // Edit pattern 1: one cell flips and the edit is kept in the URL.
  const first = page.getByTestId('drum-pattern').first();
  const cell = first.getByRole('button', { name: 'Crash, step 3', exact: true });
  const was = await cell.getAttribute('aria-pressed');
  await cell.click();
  await expect(cell).toHaveAttribute('aria-pressed', was === 'true' ? 'false' : 'true');
  await expect(first).toHaveAttribute('data-edited', '1');
  await expect(page).toHaveURL(/[?&]p1=[0-9a-v]{64}/);
  // Keyboard: the arrow keys move inside the grid, Space toggles.
  await cell.focus();
  await page.keyboard.press('ArrowRight');
  const next = first.getByRole('button', { name: 'Crash, step 4', exact: true });
  await expect(next).toBeFocused();
  const nextWas = await next.getAttribute('aria-pressed');
  await page.keyboard.press('Space');
  await expect(next).toHaveAttribute('aria-pressed', nextWas === 'true' ? 'false' : 'true');
  // Both cells flipped back: the pattern is what was sampled again, so "edited" and p1= go.
  await page.keyboard.press('Space');
  await cell.click();
  await expect(first).not.toHaveAttribute('data-edited', '1');
  await expect(page).not.toHaveURL(/[?&]p1=/);
  // Clear empties a pattern; "Undo edits" brings the sampled one back.
  await first.getByTestId('clear-pattern').click();
  await expect(first.locator('[aria-pressed="true"]')).toHaveCount(0);
  await expect(first).toHaveAttribute('data-edited', '1');
  await first.getByTestId('reset-pattern').click();
  await expect(first).not.toHaveAttribute('data-edited', '1');
  // A corner can be emptied and reset to its preset.
  await page.getByTestId('corner-clear-2').click();
  await expect(page).toHaveURL(/[?&]c2=/);
  await page.getByTestId('corner-reset-2').click();
  await expect(page).not.toHaveURL(/[?&]c2=/);
  await expect(page.getByTestId('corner-reset-2')).toHaveCount(0);

  // Patterns 1–4 into the four corners, then blend.
  for (let i = 0; i < 4; i++) await page.getByTestId('drum-pattern').nth(i).getByTestId('to-corner').selectOption(String(i));
  await expect(page).toHaveURL(/c4=/);
  // The square re-blends by itself when the corners change (from the corners' refined codes).
  await expect(page.getByTestId('blend-pad')).toHaveAttribute('data-ready', '1', { timeout: 60_000 }); // decoded for these corners
  await expect(page.getByTestId('corner-fidelity')).toHaveCount(4);
  await expect(page.getByTestId('blend-pattern')).toBeVisible();
  const centre = (await page.getByTestId('blend-pattern').getAttribute('data-clip')) ?? '';
  await page.getByTestId('play-blend').click();
  await expect(page.getByTestId('audio-state')).toHaveAttribute('data-state', 'running');

  const pad = page.getByTestId('blend-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('no blend pad');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 4, box.y + 4, { steps: 5 });
  await page.mouse.up();
  await expect(pad).toHaveAttribute('data-cell', '0');
  await expect(page.getByTestId('blend-pattern')).not.toHaveAttribute('data-clip', centre); // corner 1's blend, not the centre's
  await expect(page).toHaveURL(/[?&]x=0\.0\d*&y=0\.0|[?&]y=0\.0\d*.*x=0\.0/);
  // Every drag works, not only the first (the pad's labels must not become selected text that the next drag drags).
  for (const [fx, fy, cell] of [
    [0.98, 0.98, '48'],
    [0.98, 0.02, '6'],
    [0.02, 0.98, '42'],
  ] as const) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 6 });
    await page.mouse.up();
    await expect(pad).toHaveAttribute('data-cell', cell);
  }
  expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
  await page.mouse.move(box.x + 4, box.y + 4);
  await page.mouse.down();
  await page.mouse.up();
  await expect(pad).toHaveAttribute('data-cell', '0');
  const ticks = Number(await page.getByTestId('audio-state').getAttribute('data-ticks'));
  await expect.poll(async () => Number(await page.getByTestId('audio-state').getAttribute('data-ticks')), { timeout: 10_000 }).toBeGreaterThan(ticks + 4); // still playing after the swap
  const hits = Number(await page.getByTestId('blend-pattern').getAttribute('data-hits'));
  await page.getByTestId('stop').click();

  const { download, bytes } = await downloaded(page, () => page.getByTestId('export-midi').click());
  expect(download.suggestedFilename()).toBe('blend.mid');
  const midi = new Midi(bytes);
  const drums = midi.tracks.filter((t) => t.channel === 9).flatMap((t) => t.notes);
  expect(drums.length).toBe(hits);
  const GM = new Set([36, 38, 42, 46, 45, 48, 50, 49, 51]);
  for (const n of drums) {
    expect(GM.has(n.midi)).toBe(true);
    expect(n.ticks).toBeLessThan(8 * midi.header.ppq);
  }
  void problems;
});

test('drum lab: a corner from a drum MIDI, a melody model refused, and a WAV that is not silent', async ({ page, problems }) => {
  test.setTimeout(240_000); // the blend square is decoded from refined corner codes each time the corners change
  await page.goto('/music/drums?n=2');
  await drumsReady(page, 2);
  // Bars 1–2: 6 hits (a Roland TD-11 hi-hat edge, pitch 22, among them); bars 3–4: 4 more hits.
  const beat = midiFile(
    [
      [36, 0, 0.25],
      [22, 0.5, 0.25],
      [38, 1, 0.25],
      [42, 1.5, 0.25],
      [36, 2, 0.25],
      [38, 3, 0.25],
      [36, 8, 0.25],
      [38, 9, 0.25],
      [36, 10, 0.25],
      [38, 15, 0.25],
    ],
    { drums: true },
  );
  await page.getByTestId('corner-file-3').setInputFiles({ name: 'beat.mid', mimeType: 'audio/midi', buffer: beat });
  await expect(page.getByTestId('blend-corner').nth(2).locator('svg')).toHaveAttribute('data-hits', '6'); // no hi-hat lost
  await expect(page.getByTestId('music-notice')).toContainText(/Roland TD-11/);
  // Another 2 bars of the same file go into the corner.
  await page.getByTestId('corner-bar-3').fill('3');
  await expect(page.getByTestId('blend-corner').nth(2).locator('svg')).toHaveAttribute('data-hits', '4');
  await expect(page.getByTestId('music-notice')).toContainText(/bars 3–4 of beat\.mid/);
  await page.getByTestId('corner-file-1').setInputFiles({ name: 'tune.mid', mimeType: 'audio/midi', buffer: MELODY_A });
  await expect(errorAlert(page)).toContainText(/tune\.mid has no drums/);
  await errorAlert(page).getByRole('button', { name: 'Dismiss' }).click();

  await page.getByText('Use another model').click();
  await page.getByTestId('model-folder').setInputFiles('models/mel_2bar');
  await expect(errorAlert(page)).toContainText(/is a melody model .* a drums model is needed here/);
  await expect(page.getByTestId('music-model-info')).toContainText('drums_2bar');

  await page.getByTestId('drum-pattern').first().getByTestId('play-pattern').click();
  await page.getByTestId('stop').click();
  const { bytes } = await downloaded(page, () => page.getByTestId('export-wav').click());
  const wav = wavRms(bytes);
  expect(wav.seconds).toBeGreaterThan(4.8); // 2 bars at 100 BPM
  expect(wav.rms).toBeGreaterThan(0.005);
  void problems;
});

test('melody lab: a Magenta checkpoint loads by its URL from another server (the security policy lets it)', async ({ page }) => {
  test.setTimeout(120_000);
  const { createServer } = await import('node:http');
  const dir = path.resolve('models/mel_2bar');
  // Another origin (another port), as a hosted checkpoint would be; CORS as Google's storage sends it.
  const server = createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname);
    readFile(path.join(dir, name))
      .then((body) => res.writeHead(200, { 'access-control-allow-origin': '*' }).end(body))
      .catch(() => res.writeHead(404, { 'access-control-allow-origin': '*' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    await page.goto('/music/melody');
    await expect(page.getByTestId('music-model-info')).toHaveAttribute('data-name', 'mel_2bar', { timeout: 90_000 });
    await page.getByText('Use another model').click();
    await page.getByTestId('model-url').fill(`http://127.0.0.1:${port}/checkpoints/my_melodies`);
    await page.getByTestId('model-url-load').click();
    await expect(page.getByTestId('music-model-info')).toHaveAttribute('data-name', 'my_melodies', { timeout: 90_000 });
    await interpolateAndWait(page);
    await expect(page.getByTestId('interp-item').first()).toBeVisible();
  } finally {
    server.close();
  }
});

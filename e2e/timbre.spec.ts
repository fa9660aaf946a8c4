/**
 * The timbre lab (issue 23): sounds from the shipped set with their spectrograms, the morph strip,
 * the pad that sounds while dragged, random sounds, the map, and bad notes refused with their
 * names while the lab keeps what it showed. (One note from the microphone: microphone.spec.ts.)
 */
import type { Page } from '@playwright/test';
import { createRng } from '../lib/core/random';
import { renderNotes } from '../lib/sound/testing/synth';
import { wavBuffer } from './harness/audio-fixtures';
import { downloaded, wavRms } from './harness/downloads';
import { expect, test } from './fixtures';

const alert = (page: Page) => page.locator('[role="alert"].notice-error');

async function timbreLab(page: Page, query = ''): Promise<void> {
  await page.goto(`/music/timbre${query}`);
  await expect(page.getByTestId('timbre-model-info')).toContainText('16-number codes', { timeout: 90_000 });
  await expect(page.getByTestId('sound-a-info')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('morph-strip')).toHaveAttribute('data-count', '7', { timeout: 60_000 });
}

test('sounds, morph, pad, random sounds and the map', async ({ page }) => {
  await timbreLab(page);
  await expect(page.getByTestId('sound-a-info')).toContainText('Acoustic Grand Piano');
  expect(Number(await page.getByTestId('sound-a-info').getAttribute('data-distance'))).toBeGreaterThan(0);
  // Another instrument for B: the morph follows.
  await page.getByTestId('sound-b-program').selectOption({ label: 'Flute' });
  await expect(page.getByTestId('sound-b')).toHaveAttribute('data-ref', 'p73');
  await expect(page.getByTestId('sound-b-info')).toContainText('Flute', { timeout: 60_000 });
  await expect(page).toHaveURL(/b=p73/);
  await page.getByTestId('morph-steps').fill('5');
  await expect(page.getByTestId('morph-strip')).toHaveAttribute('data-count', '5', { timeout: 30_000 });
  await page.getByTestId('morph-item').nth(2).click();

  // The pad decodes where the puck goes.
  await expect(page.getByTestId('sound-d-info')).toBeVisible({ timeout: 60_000 });
  const pad = page.getByTestId('pad-square');
  const box = await pad.boundingBox();
  if (!box) throw new Error('no pad');
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + box.width * (0.2 + i * 0.07), box.y + box.height * (0.2 + i * 0.05));
  await page.mouse.up();
  await expect.poll(async () => Number(await page.getByTestId('timbre-pad').getAttribute('data-decodes')), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(page).toHaveURL(/x=0\.\d+/);

  // Random sounds, one of them as A (kept in the URL as its code).
  await page.getByTestId('random-make').click();
  await expect(page.getByTestId('random-list').locator('li')).toHaveCount(4, { timeout: 30_000 });
  await page.getByTestId('random-use-a').first().click();
  await expect(page.getByTestId('sound-a')).toHaveAttribute('data-ref', /^z-?\d/);
  await expect(page).toHaveURL(/a=z/);

  // The map of all instruments; a point used as C.
  await page.getByTestId('map-load').click();
  await expect(page.getByTestId('timbre-map')).toHaveAttribute('data-points', '111', { timeout: 90_000 });
  await page.getByTestId('map-point').nth(40).dispatchEvent('click');
  await page.getByTestId('map-use-c').click();
  await expect(page.getByTestId('sound-c')).toHaveAttribute('data-ref', /^p\d+$/);
});

test('bad notes are refused by name and the sound stays', async ({ page }) => {
  await timbreLab(page);
  const slot = page.getByTestId('sound-a');
  await page.getByTestId('sound-a-own').click();
  const file = page.getByTestId('sound-a-take-file');
  await file.setInputFiles({ name: 'quiet.wav', mimeType: 'audio/wav', buffer: wavBuffer(new Float32Array(16_000), 16_000) });
  await expect(alert(page)).toContainText(/quiet\.wav is silent/, { timeout: 30_000 });
  const rng = createRng(2);
  await file.setInputFiles({
    name: 'hiss.wav',
    mimeType: 'audio/wav',
    buffer: wavBuffer(
      Float32Array.from({ length: 32_000 }, () => (rng.next() * 2 - 1) * 0.3),
      16_000,
    ),
  });
  await expect(alert(page)).toContainText(/hiss\.wav has no clear pitch/, { timeout: 30_000 });
  await file.setInputFiles({ name: 'song.wav', mimeType: 'audio/wav', buffer: wavBuffer(renderNotes([{ pitch: 60, start: 0, end: 9 }], 10, 16_000), 16_000) });
  await expect(alert(page)).toContainText(/song\.wav is 10\.00 s long/, { timeout: 30_000 });
  await expect(slot).toHaveAttribute('data-ref', 'p0');
  // A good note becomes sound A, as a code.
  await file.setInputFiles({
    name: 'hum.wav',
    mimeType: 'audio/wav',
    buffer: wavBuffer(renderNotes([{ pitch: 57, start: 0.05, end: 1.2, amplitude: 0.4 }], 1.5, 44_100)),
  });
  await expect(slot).toHaveAttribute('data-ref', /^z/, { timeout: 30_000 });
  await expect(page.getByTestId('sound-a-info')).toContainText('hum.wav');
});

test('the bridge: the melody lab plays its interpolation through a timbre morph', async ({ page, problems }) => {
  await timbreLab(page);
  await page.getByTestId('to-melody').click();
  await expect(page).toHaveURL(/\/music\/melody\?timbre=p0&timbre2=p48/);
  await expect(page.getByTestId('music-model-info')).toContainText('mel_2bar', { timeout: 90_000 });
  await expect(page.getByTestId('interp-item').first()).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('voice-choice').selectOption('morph');
  await expect(page).toHaveURL(/voice=morph/);
  await expect(page.getByTestId('voice-timbre2')).toHaveValue('p48');
  await expect(page.getByTestId('timbre-voice')).toHaveAttribute('data-ready', '1', { timeout: 90_000 });
  await page.getByTestId('play').click();
  await expect(page.getByTestId('audio-state')).toHaveAttribute('data-state', 'running');
  await expect.poll(async () => Number(await page.getByTestId('audio-state').getAttribute('data-ticks')), { timeout: 15_000 }).toBeGreaterThan(8);
  await page.getByTestId('stop').click();

  // The WAV is what was heard: rendered with the timbre morph, not the synth.
  const morphed = await downloaded(page, () => page.getByTestId('export-wav').click());
  await expect(page.getByTestId('music-notice')).toContainText('played by a timbre morph');
  await page.getByTestId('voice-choice').selectOption('synth');
  const synth = await downloaded(page, () => page.getByTestId('export-wav').click());
  await expect(page.getByTestId('music-notice')).not.toContainText('timbre');
  const [m, s] = [wavRms(morphed.bytes), wavRms(synth.bytes)];
  expect(m.rms).toBeGreaterThan(0.005);
  expect(m.seconds).toBeCloseTo(s.seconds, 1);
  expect(Buffer.compare(morphed.bytes, synth.bytes)).not.toBe(0);
  expect(Math.abs(m.rms - s.rms)).toBeGreaterThan(0.001);
  expect(problems.pageErrors).toEqual([]);
});

/**
 * Recording from a microphone (issue 22), in a Chromium whose fake microphone "sings" a rendered
 * melody (playwright.config.ts, project chromium-microphone): record with and without the count-in,
 * see melody A's notes, interpolate; the level meter moves while recording; Cancel throws the take away.
 */
import type { Page } from '@playwright/test';
import { MIC_PITCHES } from './harness/audio-fixtures';
import { expect, rollPitchesAfter, test } from './fixtures';

async function melodyLab(page: Page): Promise<void> {
  await page.goto('/music/melody');
  await expect(page.getByTestId('music-model-info')).toContainText('mel_2bar', { timeout: 90_000 });
  await expect(page.getByTestId('interp-item').first()).toBeVisible({ timeout: 60_000 });
}

/** Records until the take is `seconds` long, then stops. */
async function record(page: Page, which: 'a' | 'b', seconds: number): Promise<void> {
  await page.getByTestId(`sing-${which}-record`).click();
  const rec = page.getByTestId(`sing-${which}-recording`);
  await expect(rec).toBeVisible();
  await expect.poll(async () => Number(/● ([\d.]+) s/.exec((await rec.textContent()) ?? '')?.[1] ?? '0'), { timeout: 30_000 }).toBeGreaterThanOrEqual(seconds);
  // The level meter shows the voice.
  expect(Number(await rec.locator('meter').evaluate((m) => (m as HTMLMeterElement).value))).toBeGreaterThan(0);
  await page.getByTestId(`sing-${which}-stop`).click();
}

test('sing melody A into the microphone (no count-in): its notes on the roll, then interpolate', async ({ page }) => {
  await melodyLab(page);
  const before = await page.getByTestId('melody-roll-a').getAttribute('data-pitches');
  await page.getByTestId('sing-a').click();
  await page.getByTestId('sing-a-countin').uncheck();
  await record(page, 'a', 6.5);
  const result = page.getByTestId('sing-result-a');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).toHaveAttribute('data-source', 'detected');
  const pitches = await rollPitchesAfter(page, 'melody-roll-a', before);
  expect(pitches.length).toBeGreaterThanOrEqual(5);
  for (const p of pitches) expect(MIC_PITCHES as readonly number[]).toContain(p);

  const latency = page.getByTestId('interp-latency');
  const run = Number((await latency.getAttribute('data-run')) ?? '0');
  await page.getByTestId('interpolate').click();
  await expect(latency).toHaveAttribute('data-run', String(run + 1), { timeout: 60_000 });
  await expect(page.getByTestId('interp-item').first()).toBeVisible();
});

test('with the count-in the take sits on the lab tempo; Cancel keeps melody B as it was', async ({ page }) => {
  await melodyLab(page);
  await page.getByTestId('sing-b').click();
  const before = await page.getByTestId('melody-roll-b').getAttribute('data-pitches');
  await page.getByTestId('sing-b-record').click();
  await expect(page.getByTestId('sing-b-recording')).toContainText('Count-in');
  await page.getByTestId('sing-b-cancel').click();
  await expect(page.getByTestId('sing-b-recording')).toBeHidden();
  await expect(page.getByTestId('melody-roll-b')).toHaveAttribute('data-pitches', before ?? '');

  await record(page, 'b', 6);
  const result = page.getByTestId('sing-result-b');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).toHaveAttribute('data-source', 'given');
  const pitches = await rollPitchesAfter(page, 'melody-roll-b', before);
  expect(pitches.length).toBeGreaterThanOrEqual(3);
  for (const p of pitches) expect(MIC_PITCHES as readonly number[]).toContain(p);
});

test('one note sung into the timbre lab becomes sound A (kept as its code)', async ({ page }) => {
  await page.goto('/music/timbre');
  await expect(page.getByTestId('sound-a-info')).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('sound-a-own').click();
  await page.getByTestId('sound-a-take-record').click();
  const rec = page.getByTestId('sound-a-take-recording');
  await expect.poll(async () => Number(/● ([\d.]+) s/.exec((await rec.textContent()) ?? '')?.[1] ?? '0'), { timeout: 20_000 }).toBeGreaterThanOrEqual(1.5);
  await page.getByTestId('sound-a-take-stop').click();
  await expect(page.getByTestId('sound-a')).toHaveAttribute('data-ref', /^z/, { timeout: 30_000 });
  await expect(page.getByTestId('sound-a-info')).toContainText('Your recording');
  await expect(page.getByTestId('sound-a-spectrogram')).toBeVisible();
});

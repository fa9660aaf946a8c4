/**
 * Sound in, through the page (issue 22): melodies from audio files on the melody lab's slots, grooves
 * from a file and from keyboard taps in the drum lab, and the bad inputs — a refused microphone, a
 * MIDI file renamed .wav, silence, noise, a 20-minute file — each with its named message while what
 * was on screen stays. (Recording from a microphone is microphone.spec.ts, in its own Chromium.)
 */
import { Midi } from '@tonejs/midi';
import type { Page } from '@playwright/test';
import { createRng } from '../lib/core/random';
import { exampleTake, grooveTake, melodyTake, MIC_PITCHES, unevenGroove, wavBuffer } from './harness/audio-fixtures';
import { expect, rollPitchesAfter, test } from './fixtures';

const alert = (page: Page) => page.locator('[role="alert"].notice-error');

async function melodyLab(page: Page): Promise<void> {
  await page.goto('/music/melody');
  await expect(page.getByTestId('music-model-info')).toContainText('mel_2bar', { timeout: 90_000 });
  await expect(page.getByTestId('interp-item').first()).toBeVisible({ timeout: 60_000 });
}

test('a melody from an audio file: the whole take on the roll, 2 bars of it as melody A, then interpolation', async ({ page }) => {
  await melodyLab(page);
  const before = await page.getByTestId('melody-roll-a').getAttribute('data-pitches');
  await page.getByTestId('sing-a').click();
  await page.getByTestId('sing-a-file').setInputFiles({ name: 'hummed.wav', mimeType: 'audio/wav', buffer: wavBuffer(melodyTake(44_100)) });
  const result = page.getByTestId('sing-result-a');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).toHaveAttribute('data-source', 'detected');
  const pitches = await rollPitchesAfter(page, 'melody-roll-a', before);
  expect(pitches.length).toBeGreaterThanOrEqual(6);
  for (const p of pitches) expect(MIC_PITCHES as readonly number[]).toContain(p);
  await expect(page.getByTestId('import-preview-a')).toBeVisible();
  await expect(page.getByTestId('music-notice')).toContainText('hummed.wav');
  // Another tempo re-reads the same notes (no model run) and the roll follows.
  const qpm = Number(await result.getAttribute('data-qpm'));
  await page.getByTestId('sing-tempo-a').fill(String(Math.round(qpm / 2)));
  await page.getByTestId('sing-tempo-a').press('Enter');
  await expect(result).toHaveAttribute('data-source', 'tempo-given');
  // And the melody is melody A for the model: interpolation runs with it.
  const latency = page.getByTestId('interp-latency');
  const run = Number((await latency.getAttribute('data-run')) ?? '0');
  await page.getByTestId('interpolate').click();
  await expect(latency).toHaveAttribute('data-run', String(run + 1), { timeout: 60_000 });
});

test('bad audio gives named messages and melody A stays as it was', async ({ page }) => {
  await melodyLab(page);
  const roll = page.getByTestId('melody-roll-a');
  const before = await roll.getAttribute('data-pitches');
  await page.getByTestId('sing-a').click();
  const file = page.getByTestId('sing-a-file');

  const midi = new Midi();
  midi.addTrack().addNote({ midi: 60, time: 0, duration: 1 });
  await file.setInputFiles({ name: 'tune.wav', mimeType: 'audio/wav', buffer: Buffer.from(midi.toArray()) });
  await expect(alert(page)).toContainText(/tune\.wav.*MIDI/i);

  await file.setInputFiles({ name: 'quiet.wav', mimeType: 'audio/wav', buffer: wavBuffer(new Float32Array(44_100 * 2)) });
  await expect(alert(page)).toContainText(/quiet\.wav.*silent/i, { timeout: 30_000 });

  const rng = createRng(3);
  const noise = Float32Array.from({ length: 44_100 * 3 }, () => (rng.next() * 2 - 1) * 0.3);
  await file.setInputFiles({ name: 'hiss.wav', mimeType: 'audio/wav', buffer: wavBuffer(noise) });
  await expect(alert(page)).toContainText(/hiss\.wav.*no note/i, { timeout: 60_000 });

  // 20 minutes (8 kHz, so the file stays 19 MB): over the 5-minute limit, refused after decoding the header.
  await file.setInputFiles({ name: 'lecture.wav', mimeType: 'audio/wav', buffer: wavBuffer(new Float32Array(8_000 * 60 * 20), 8_000) });
  await expect(alert(page)).toContainText(/lecture\.wav is 20:00 long/i, { timeout: 30_000 });

  await file.setInputFiles({ name: 'empty.wav', mimeType: 'audio/wav', buffer: Buffer.alloc(0) });
  await expect(alert(page)).toContainText(/empty\.wav.*empty/i);

  await expect(roll).toHaveAttribute('data-pitches', before ?? '');
});

test('the microphone refused: a clear message, and the file input still works', async ({ page }) => {
  await melodyLab(page);
  const before = await page.getByTestId('melody-roll-a').getAttribute('data-pitches');
  await page.getByTestId('sing-a').click();
  await page.getByTestId('sing-a-record').click();
  await expect(alert(page)).toContainText(/microphone/i);
  await expect(alert(page)).toContainText(/audio file/i);
  await expect(page.getByTestId('sing-a-record')).toBeEnabled();
  await expect(page.getByTestId('melody-roll-a')).toHaveAttribute('data-pitches', before ?? '');
});

async function drumLab(page: Page): Promise<void> {
  await page.goto('/music/drums');
  await expect(page.getByTestId('music-model-info')).toContainText('drums_2bar', { timeout: 90_000 });
  await expect(page.getByTestId('drum-pattern')).toHaveCount(8, { timeout: 60_000 });
  await expect(page.getByTestId('drum-patterns')).not.toHaveAttribute('data-busy', '1');
}

test('a played groove from a file becomes pattern 1 and a blend corner', async ({ page }) => {
  await drumLab(page);
  const { samples, hits } = grooveTake(100);
  await page.getByTestId('groove-file').setInputFiles({ name: 'beatbox.wav', mimeType: 'audio/wav', buffer: wavBuffer(samples) });
  const result = page.getByTestId('groove-result');
  await expect(result).toHaveAttribute('data-hits', String(hits), { timeout: 60_000 });
  await page.getByTestId('groove-target').selectOption('pattern-0');
  await page.getByTestId('groove-use').click();
  const first = page.getByTestId('drum-pattern').first();
  await expect(first).toHaveAttribute('data-edited', '1');
  await expect(first.locator('[data-hits]').first()).toHaveAttribute('data-hits', String(hits));
  await expect(page.getByTestId('music-notice')).toContainText('beatbox.wav');
  await page.getByTestId('groove-target').selectOption('corner-3');
  await page.getByTestId('groove-use').click();
  await expect(page.getByTestId('blend-corner').nth(3)).toContainText('beatbox.wav');
});

test("taught the player's own sounds, the drum lab classes a groove by them, and remembers them after a reload", async ({ page }) => {
  await drumLab(page);
  const groove = wavBuffer(unevenGroove(100));
  const counts = page.getByTestId('groove-counts');
  // With the kit classifier: 8 kicks and 4 snares.
  await page.getByTestId('groove-file').setInputFiles({ name: 'groove.wav', mimeType: 'audio/wav', buffer: groove });
  await expect(counts).toHaveAttribute('data-counts', 'kick:8,snare:4,hat:0', { timeout: 60_000 });
  await expect(page.getByTestId('groove-result')).toHaveAttribute('data-taught', '0');
  // A player whose "kick" sounds like a kit's snare, and whose "snare" like a kit's kick.
  await page.getByTestId('teach-sounds').locator('summary').click();
  await expect(page.getByTestId('teach-status')).toContainText('kit sounds are used');
  await expect(page.getByTestId('teach-use')).toBeDisabled();
  const said = { kick: 'snare', snare: 'kick', hat: 'hat' } as const;
  for (const sound of ['kick', 'snare', 'hat'] as const) {
    await page.getByTestId('teach-which').selectOption(sound);
    await page.getByTestId('teach-file').setInputFiles({ name: `my-${sound}.wav`, mimeType: 'audio/wav', buffer: wavBuffer(exampleTake(said[sound])) });
    await expect(page.getByTestId('teach-note')).toContainText(`my-${sound}.wav`, { timeout: 60_000 });
    await expect(page.getByTestId('teach-note')).toContainText('3 hits');
  }
  await expect(page.getByTestId('teach-counts')).toContainText('Kick: 3 hits · Snare: 3 hits · Hi-hat: 3 hits');
  await expect(page.getByTestId('teach-use')).toBeChecked();
  await expect(page.getByTestId('teach-status')).toContainText('your sounds are used');
  // The same groove now: the kit's snares are this player's kicks.
  await page.getByTestId('groove-file').setInputFiles({ name: 'groove2.wav', mimeType: 'audio/wav', buffer: groove });
  await expect(page.getByTestId('groove-result')).toHaveAttribute('data-taught', '1', { timeout: 60_000 });
  await expect(counts).toHaveAttribute('data-counts', 'kick:4,snare:8,hat:0');
  await expect(counts).toContainText('classed by your sounds');
  // An example take with no hit in it: a named error, the examples stay.
  await page.getByTestId('teach-file').setInputFiles({ name: 'quiet.wav', mimeType: 'audio/wav', buffer: wavBuffer(new Float32Array(44_100)) });
  await expect(alert(page)).toContainText('quiet.wav');
  await expect(page.getByTestId('teach-counts')).toContainText('Kick: 3 hits · Snare: 3 hits · Hi-hat: 3 hits');
  // Kept in this browser: after a reload the sounds are still taught.
  await page.reload();
  await page.getByTestId('teach-sounds').locator('summary').click();
  await expect(page.getByTestId('teach-counts')).toContainText('Kick: 3 hits · Snare: 3 hits · Hi-hat: 3 hits', { timeout: 60_000 });
  // Turned off, then forgotten: taught again, the new sounds are used (Forget turns the switch back on).
  await page.getByTestId('teach-use').uncheck();
  await expect(page.getByTestId('teach-status')).toContainText('your sounds are taught, not used');
  await page.getByTestId('teach-forget').click();
  await expect(page.getByTestId('teach-counts')).toContainText('Kick: 0 hits');
  await expect(page.getByTestId('teach-status')).toContainText('kit sounds are used');
  for (const sound of ['kick', 'snare', 'hat'] as const) {
    await page.getByTestId('teach-which').selectOption(sound);
    await page.getByTestId('teach-file').setInputFiles({ name: `again-${sound}.wav`, mimeType: 'audio/wav', buffer: wavBuffer(exampleTake(sound)) });
    await expect(page.getByTestId('teach-note')).toContainText(`again-${sound}.wav`, { timeout: 60_000 });
  }
  await expect(page.getByTestId('teach-use')).toBeChecked();
  await expect(page.getByTestId('teach-status')).toContainText('your sounds are used');
});

test('tapping a groove on the keyboard over the count-in', async ({ page }) => {
  await drumLab(page);
  await page.getByTestId('tap-start').click();
  const beat = page.getByTestId('tap-beat');
  await expect(beat).toContainText('Bar 1', { timeout: 10_000 });
  for (const key of ['k', 'h', 's', 'h', 'k', 'h', 's']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(250);
  }
  const result = page.getByTestId('groove-result');
  await expect(result).toBeVisible({ timeout: 15_000 });
  expect(Number(await result.getAttribute('data-hits'))).toBeGreaterThanOrEqual(5);
});

/**
 * "Teach it your style" in the melody lab: a short fine-tune on MIDI files this test writes, the
 * result saved, listed after a reload and loaded as the lab's model; bad inputs named.
 */
import { Midi } from '@tonejs/midi';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, reloadPage, test } from './fixtures';

/** A jig-like tune of `bars` 4/4 bars of running eighth notes over a D-major scale, shifted by `seed`. */
function tune(seed: number, bars = 8): Buffer {
  const midi = new Midi();
  midi.header.setTempo(120);
  const track = midi.addTrack();
  track.name = 'Lead';
  const scale = [62, 64, 66, 67, 69, 71, 73, 74];
  for (let i = 0; i < bars * 8; i++) {
    const pitch = scale[(i * 3 + seed + Math.floor(i / 6)) % scale.length] ?? 62;
    track.addNote({ midi: pitch, time: i * 0.25, duration: 0.25, velocity: 0.8 });
  }
  return Buffer.from(midi.toArray());
}

/** Two bars of kick/snare/hats on channel 10. */
function groove(): Buffer {
  const midi = new Midi();
  midi.header.setTempo(100);
  const t = midi.addTrack();
  t.channel = 9;
  for (let s = 0; s < 32; s++) {
    if (s % 8 === 0) t.addNote({ midi: 36, time: s * 0.15, duration: 0.15, velocity: 0.8 });
    if (s % 8 === 4) t.addNote({ midi: 38, time: s * 0.15, duration: 0.15, velocity: 0.8 });
    t.addNote({ midi: 42, time: s * 0.15, duration: 0.15, velocity: 0.5 });
  }
  return Buffer.from(midi.toArray());
}

let dir: string;
test.beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'finetune-e2e-'));
  for (let i = 0; i < 6; i++) await writeFile(path.join(dir, `jig-${i}.mid`), tune(i));
  await writeFile(path.join(dir, 'beat.mid'), groove());
  await writeFile(path.join(dir, 'notes.mid'), Buffer.from('this is not a MIDI file'));
  await writeFile(path.join(dir, 'short.mid'), tune(1, 1));
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const files = (...names: string[]) => names.map((n) => path.join(dir, n));

async function openPanel(page: Page) {
  await page.goto('/music/melody');
  await expect(page.getByTestId('music-model-info')).toHaveAttribute('data-name', 'mel_2bar', { timeout: 90_000 });
  const panel = page.getByTestId('finetune-panel');
  await expect(panel, 'the melody lab mounts <FineTunePanel lab="melody" …/>').toBeVisible();
  return panel;
}

test('fine-tune the melody model on my files, save it, reload: it is listed and loads as the lab model', async ({ page, problems }) => {
  test.setTimeout(360_000);
  void problems;
  const panel = await openPanel(page);
  await panel
    .getByTestId('finetune-files')
    .setInputFiles(files('jig-0.mid', 'jig-1.mid', 'jig-2.mid', 'jig-3.mid', 'jig-4.mid', 'jig-5.mid', 'beat.mid', 'notes.mid', 'short.mid'));
  const found = panel.getByTestId('finetune-found');
  // 6 tunes of 8 bars → 7 windows each; one of the six held back.
  await expect(found).toContainText('Found 42 two-bar windows: 35 to learn from, 7 held back (1 of your 6 files held back: jig-');
  await expect(panel.getByTestId('finetune-refused')).toHaveCount(3);
  await expect(found).toContainText('beat.mid has only drums, no melody');
  await expect(found).toContainText('notes.mid is not a Standard MIDI File');
  await expect(found).toContainText('short.mid is shorter than 2 bars');

  await panel.getByTestId('finetune-steps').fill('3');
  await panel.getByTestId('finetune-minutes').fill('0');
  await panel.getByTestId('finetune-start').click();
  await expect(panel.getByTestId('finetune-progress')).toBeVisible();
  await expect(panel.getByTestId('finetune-result')).toContainText('Done after 3 steps', { timeout: 300_000 });
  // On WASM every core the browser reports trains (a peer worker per extra core, at most 4).
  const cores = Math.min(4, await page.evaluate(() => navigator.hardwareConcurrency));
  await expect(panel.getByTestId('finetune-result')).toContainText(cores > 1 ? `on WASM, ${cores} workers, one per core` : 'on WASM, 1 thread');
  await expect(panel.getByTestId('finetune-loss-chart').locator('svg')).toBeVisible();
  await expect(panel.getByTestId('finetune-scores')).toContainText('held-back windows');
  await expect(panel.getByTestId('finetune-input')).toHaveCount(4);
  await expect(panel.getByTestId('finetune-after')).toHaveCount(4);
  await expect(panel.getByTestId('finetune-samples-after')).toHaveCount(4);

  await panel.getByTestId('finetune-name').fill('e2e tunes');
  await panel.getByTestId('finetune-save').click();
  await expect(panel.getByTestId('finetune-status')).toContainText('Saved as "e2e tunes"');

  await reloadPage(page);
  const again = page.getByTestId('finetune-panel');
  await expect(page.getByTestId('music-model-info')).toHaveAttribute('data-name', 'mel_2bar', { timeout: 90_000 });
  const saved = again.locator('[data-testid="finetune-saved-model"][data-name="e2e tunes"]');
  await expect(saved).toContainText('whole model of mel_2bar, 3 steps');
  await saved.getByTestId('finetune-use').click();
  await expect(page.getByTestId('music-model-info')).toHaveAttribute('data-name', 'e2e tunes', { timeout: 90_000 });
  await expect(page.getByTestId('music-model-info')).toContainText('fine-tuned in this browser');
  await expect(saved.getByTestId('finetune-delete')).toBeEnabled();
  await saved.getByTestId('finetune-delete').click();
  // The panel says what happened (on a failure, the page's alert says why).
  await expect(again.getByTestId('finetune-status'))
    .toContainText('Deleted "e2e tunes" from this browser. The lab keeps using it until you choose another model or reload.')
    .catch(async (error: unknown) => {
      const alerts = (await page.getByRole('alert').allInnerTexts()).join(' | ') || 'none';
      throw new Error(`${String(error)}\nThe page's alerts: ${alerts}`);
    });
  await expect(again.locator('[data-testid="finetune-saved-model"][data-name="e2e tunes"]')).toHaveCount(0);
});

test('bad inputs are named: too few windows, drum files for the melody model', async ({ page, problems }) => {
  void problems;
  const panel = await openPanel(page);
  const alert = page.locator('[role="alert"].notice-error');
  await panel.getByTestId('finetune-files').setInputFiles(files('jig-0.mid'));
  await expect(alert).toContainText('Found 7 usable 2-bar windows in 1 of 1 file; fine-tuning the melody model needs at least 8');
  await panel.getByTestId('finetune-files').setInputFiles(files('beat.mid', 'short.mid'));
  await expect(alert).toContainText('beat.mid has only drums, no melody');
  await expect(alert).toContainText('short.mid is shorter than 2 bars');
  await expect(panel.getByTestId('finetune-start')).toBeDisabled();
});

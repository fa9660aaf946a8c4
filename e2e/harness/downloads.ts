/** Files the app hands the browser to save: waited for and read, and WAV files checked and measured. */
import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { expect } from '@playwright/test';

/** Clicks and waits for the download the click starts; its bytes, and them read as UTF-8 text. */
export async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const bytes = await readFile(await download.path());
  return { download, bytes, text: bytes.toString('utf8') };
}

/** RMS of a 16-bit PCM WAV's samples (after checking its header). */
export function wavRms(bytes: Buffer): { rms: number; sampleRate: number; seconds: number } {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  const channels = bytes.readUInt16LE(22);
  const sampleRate = bytes.readUInt32LE(24);
  expect(bytes.readUInt16LE(34)).toBe(16);
  const dataBytes = bytes.readUInt32LE(40);
  let sum = 0;
  const n = dataBytes / 2;
  for (let i = 0; i < n; i++) {
    const s = bytes.readInt16LE(44 + i * 2) / 32768;
    sum += s * s;
  }
  return { rms: Math.sqrt(sum / n), sampleRate, seconds: n / channels / sampleRate };
}

import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';
import { chromiumPath } from './scripts/chromium-path.mjs';
import { micWavPath } from './e2e/harness/audio-fixtures';

const PORT = Number(process.env.E2E_PORT ?? 3100);

/** Flags for Debian Chromium on machines without a GPU or internet (see docs/testing.md). */
const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-gpu'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', testIgnore: /(no-gpu|backends-webgpu|microphone)\.spec\.ts/ },
    {
      // WebGPU exists in headless Chromium only behind this flag (a software adapter).
      name: 'chromium-webgpu',
      testMatch: /backends-webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } },
    },
    {
      // No GPU and no software rasterizer (so no WebGL or WebGPU, in workers too): the app must still work, on WASM, and say so.
      name: 'chromium-no-gpu',
      testMatch: /no-gpu\.spec\.ts/,
      use: { launchOptions: { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--disable-software-rasterizer', '--disable-3d-apis'] } },
    },
    {
      // A fake microphone that "sings" a rendered melody (a WAV written by e2e/harness/audio-fixtures.ts), allowed without a prompt.
      name: 'chromium-microphone',
      testMatch: /microphone\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: chromiumPath(),
          args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${micWavPath()}`],
        },
      },
    },
  ],
  webServer: {
    command: `npx next start -p ${PORT} -H 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    // The classroom's database for this run: a fresh file in the temp folder, never ./data.
    env: { NEXT_TELEMETRY_DISABLED: '1', LATENT_LAB_DB: process.env.LATENT_LAB_DB ?? path.join(os.tmpdir(), `latent-lab-e2e-${PORT}-${Date.now()}.db`) },
  },
});

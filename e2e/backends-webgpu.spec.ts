/**
 * MusicVAE on WebGPU. Runs only in the "chromium-webgpu" project (Chromium with
 * --enable-unsafe-webgpu, which exposes a software adapter here); same checks as backends.spec.ts.
 */
import { expect, test } from '@playwright/test';
import { compare, openHarness, prepareHarness, runOn } from './harness/harness';

test.beforeAll(prepareHarness);

test('MusicVAE agrees on webgpu with cpu (melody and drums)', async ({ page }) => {
  await openHarness(page);
  expect(await page.evaluate(() => 'gpu' in navigator)).toBe(true);
  for (const kind of ['melody', 'drums'] as const) compare(await runOn(page, 'cpu', kind), await runOn(page, 'webgpu', kind), 'webgpu');
});

/**
 * MusicVAE on WebGPU. Runs only in the "chromium-webgpu" project (Chromium with
 * --enable-unsafe-webgpu, which exposes a software adapter here); same checks as backends.spec.ts.
 *
 * The software adapter (SwiftShader) compiles every WGSL shader on the CPU: with Debian's Chromium 150
 * one model's full run takes 45–65 s on this 2-core machine (earlier builds fitted both models in one
 * 120 s test), so each kind is its own test with a budget of its own, well above the measured time.
 */
import { expect, test } from '@playwright/test';
import { compare, openHarness, prepareHarness, runOn } from './harness/harness';

test.beforeAll(prepareHarness);

for (const kind of ['melody', 'drums'] as const) {
  test(`MusicVAE (${kind}) agrees on webgpu with cpu`, async ({ page }) => {
    test.setTimeout(300_000);
    await openHarness(page);
    expect(await page.evaluate(() => 'gpu' in navigator)).toBe(true);
    compare(await runOn(page, 'cpu', kind), await runOn(page, 'webgpu', kind), 'webgpu');
  });
}

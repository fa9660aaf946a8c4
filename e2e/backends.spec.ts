/**
 * MusicVAE on every browser backend: the real lib/music code, bundled with esbuild, runs in headless
 * Chromium on CPU, WASM and WebGL (WebGPU: backends-webgpu.spec.ts) and must agree with the CPU
 * backend (see `compare` in harness/harness.ts).
 */
import { expect, test } from '@playwright/test';
import { compare, openHarness, prepareHarness, runOn } from './harness/harness';

test.beforeAll(prepareHarness);

for (const kind of ['melody', 'drums'] as const) {
  test(`MusicVAE (${kind}) agrees across cpu, wasm and webgl in Chromium`, async ({ page }) => {
    await openHarness(page);
    const cpu = await runOn(page, 'cpu', kind);
    expect(cpu.leaked).toBe(0);
    expect(cpu.labels.flat().length).toBeGreaterThan(0);
    for (const backend of ['wasm', 'webgl']) compare(cpu, await runOn(page, backend, kind), backend);
  });
}

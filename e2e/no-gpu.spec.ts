import { activeBackend, expect, test } from './fixtures';

// Runs in the "chromium-no-gpu" project: Chromium without GPU or software rasterizer, so no WebGL or WebGPU anywhere.
test('without WebGL or WebGPU the app runs on WASM and says so kindly', async ({ page, problems }) => {
  await page.goto('/');
  expect(await activeBackend(page)).toBe('wasm');
  await expect(page.getByTestId('no-gpu-notice')).toContainText('no WebGL or WebGPU');
  await page.getByTestId('backend-badge').click();
  await expect(page.getByRole('dialog', { name: 'TF.js backend details' })).toContainText('WebGL: not available');
  void problems;
});

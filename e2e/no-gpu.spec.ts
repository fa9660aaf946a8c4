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

test('without WebGL the image lab still loads its pretrained model and draws reconstructions (on WASM)', async ({ page, problems }) => {
  await page.goto('/image?model=vae');
  expect(await activeBackend(page)).toBe('wasm');
  await expect(page.getByTestId('model-info')).toContainText('pretrained', { timeout: 90_000 });
  await expect(page.getByTestId('recon-output')).toHaveCount(10);
  void problems;
});

test('without WebGL the music labs interpolate melodies and sample grooves (on WASM)', async ({ page, problems }) => {
  await page.goto('/music/melody?steps=5');
  expect(await activeBackend(page)).toBe('wasm');
  await expect(page.getByTestId('music-model-info')).toContainText('running on WASM', { timeout: 90_000 });
  await expect(page.getByTestId('interp-item')).toHaveCount(5, { timeout: 60_000 });
  await page.goto('/music/drums?n=3');
  await expect(page.getByTestId('drum-pattern')).toHaveCount(3, { timeout: 90_000 });
  void problems;
});

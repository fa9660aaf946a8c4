import { encodeIdx } from '../lib/image/idx-write';
import { expect, test } from './fixtures';
import type { Download, Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

/** A fingerprint of every digit canvas matching `selector` (to see that the pictures changed). */
async function canvasPixels(page: Page, testId: string): Promise<string> {
  return page.getByTestId(testId).evaluateAll((nodes) => nodes.map((n) => (n instanceof HTMLCanvasElement ? n.toDataURL() : '')).join('|'));
}

async function labReady(page: Page): Promise<void> {
  await expect(page.getByTestId('model-info')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('data-info')).toContainText('8,000 training / 2,000 test digits');
}

test('the image lab opens with a pretrained model and shows reconstructions with PSNR', async ({ page, problems }) => {
  await page.goto('/image?model=conv-ae');
  await labReady(page);
  await expect(page.getByTestId('model-info')).toContainText('pretrained');
  await expect(page.getByTestId('recon-output')).toHaveCount(10);
  await expect(page.getByTestId('recon-psnr')).toContainText(/Mean PSNR \d+\.\d dB/);
  void problems;
});

test('the lab opens on the dense autoencoder; the 2-D models explain their 2-number squeeze next to the reconstructions', async ({ page, problems }) => {
  await page.goto('/image');
  await labReady(page);
  await expect(page.getByTestId('image-model')).toHaveValue('dense-ae');
  await expect(page.getByTestId('model-source')).toHaveText('pretrained (shipped)');
  await expect(page.getByTestId('recon-output')).toHaveCount(10);
  await expect(page.getByTestId('squeeze-note')).toHaveCount(0);
  await page.getByTestId('image-model').selectOption('vae');
  await expect(page.getByTestId('squeeze-note')).toContainText('Two numbers per digit');
  await expect(page.getByTestId('squeeze-note')).toBeInViewport();
  void problems;
});

test('training one short epoch in the browser draws the loss chart and changes the reconstructions', async ({ page, problems }) => {
  await page.goto('/image?model=dense-ae');
  await labReady(page);
  await expect(page.getByTestId('recon-output')).toHaveCount(10);
  await expect(page.getByTestId('model-source')).toHaveText('pretrained (shipped)');
  const before = await canvasPixels(page, 'recon-output');
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-subset').selectOption('256');
  await page.getByTestId('train-input-noise').fill('0.1'); // the shipped 2-D VAE's regulariser, here on the dense AE
  await page.getByTestId('train-scratch').check();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toContainText('Trained 1 epoch', { timeout: 90_000 });
  await expect(page.getByTestId('train-epoch')).toContainText(/Epoch 1: train loss \d/);
  await expect(page.getByTestId('loss-chart').locator('g[aria-label="line"] path').first()).toBeVisible(); // the loss lines
  await expect(page.getByTestId('loss-chart').locator('g[aria-label="dot"] circle')).toHaveCount(1); // one test-loss point per epoch
  await expect(page.getByTestId('train-progress')).toContainText('100%');
  await expect.poll(() => canvasPixels(page, 'recon-output'), { timeout: 30_000 }).not.toBe(before);
  // The model says where its weights come from now — not "pretrained (shipped)".
  await expect(page.getByTestId('model-source')).toHaveText('new, untrained, then trained here for 1 epoch');
  await page.getByTestId('train-scratch').uncheck();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('model-source')).toHaveText('new, untrained, then trained here for 2 epochs', { timeout: 90_000 });
  void problems;
});

test('continuing from the shipped weights says so after training', async ({ page, problems }) => {
  await page.goto('/image?model=dense-ae');
  await labReady(page);
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-subset').selectOption('256');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('model-source')).toHaveText('pretrained (shipped), then trained here for 1 epoch', { timeout: 90_000 });
  void problems;
});

test('training can be paused, resumed and stopped, and bad settings are refused clearly', async ({ page, problems }) => {
  await page.goto('/image?model=dense-ae');
  await labReady(page);
  await page.getByTestId('train-lr').fill('5');
  await page.getByTestId('train-epochs').fill('0');
  await page.getByTestId('train-start').click();
  // Each error next to its field, on screen where the Start button was clicked, and in the alert region.
  await expect(page.getByTestId('train-learningRate-error')).toHaveText('Learning rate must be from 0.000001 to 0.1.');
  await expect(page.getByTestId('train-learningRate-error')).toBeInViewport();
  await expect(page.getByTestId('train-epochs-error')).toContainText('Epochs must be a whole number from 1 to 500');
  await expect(page.getByTestId('train-epochs')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('train-epochs')).toBeFocused();
  await expect(page.getByTestId('train-batchSize-error')).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: 'Learning rate must be' })).toBeVisible();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByTestId('train-epochs').fill('2');
  await expect(page.getByTestId('train-epochs-error')).toHaveCount(0);
  await page.getByTestId('train-lr').fill('0.002');
  await page.getByTestId('train-input-noise').fill('3');
  await page.getByTestId('train-start').click();
  await expect(page.getByRole('alert').filter({ hasText: 'Encoder input noise σ must be from 0 to 1' })).toBeVisible();
  await expect(page.getByTestId('train-inputNoise-error')).toBeInViewport();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByTestId('train-input-noise').fill('0');
  await page.getByTestId('train-epochs').fill('50');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toBeVisible();
  await page.getByTestId('train-pause').click();
  await expect(page.getByTestId('train-progress')).toContainText('Paused');
  await page.getByTestId('train-pause').click();
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-status')).toContainText('Stopped after', { timeout: 60_000 });
  await expect(page.getByTestId('train-start')).toBeEnabled();
  void problems;
});

test('latent scatter with legend and hover, and the drawing pad places the drawn digit live', async ({ page, problems }) => {
  await page.goto('/image?model=vae&view=latent');
  await labReady(page);
  const plot = page.getByTestId('scatter-plot');
  await expect(plot.locator('svg circle')).not.toHaveCount(0);
  expect(await plot.locator('svg circle').count()).toBeGreaterThanOrEqual(2000);
  await expect(plot.locator('[class$="-swatch"]')).toHaveCount(10); // the legend: one swatch per digit
  await plot.scrollIntoViewIfNeeded();
  const dot = await plot.locator('svg circle').nth(100).boundingBox();
  if (!dot) throw new Error('no dot');
  await page.mouse.move(dot.x + 2, dot.y + 2);
  await expect(page.getByTestId('scatter-hover')).toContainText(/#\d+, a \d/);
  const pad = page.getByTestId('draw-pad');
  await pad.scrollIntoViewIfNeeded();
  const p = await pad.boundingBox();
  if (!p) throw new Error('no pad');
  await page.mouse.move(p.x + p.width * 0.5, p.y + p.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(p.x + p.width * 0.5, p.y + p.height * (0.15 + 0.07 * i));
  await page.mouse.up();
  await expect(page.getByTestId('drawn-result')).toBeVisible();
  await expect(page.getByTestId('drawn-output')).toBeVisible();
  await expect(plot.locator('svg path[d]').last()).toBeVisible(); // the star marks the drawn digit
  void problems;
});

test('UMAP projection for a larger code, manifold grid, generation, latent noise, interpolation and the PCA baseline', async ({ page, problems }) => {
  await page.goto('/image?model=dense-ae&view=latent&proj=umap');
  await labReady(page);
  await expect(page.getByTestId('scatter-plot').locator('svg circle')).not.toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByTestId('scatter-plot')).toContainText('UMAP');

  await page.goto('/image?model=vae&view=manifold&grid=10');
  await labReady(page);
  const grid = page.getByTestId('manifold-grid');
  await expect(grid).toHaveAttribute('width', '280');
  await grid.click({ position: { x: 30, y: 30 } });
  await expect(page.getByTestId('manifold-picked')).toContainText('z = (');

  await page.getByTestId('view-generate').click();
  await expect(page.getByTestId('generate-grid').locator('canvas')).toHaveCount(16);
  const first = await canvasPixels(page, 'generate-grid');
  await page.getByTestId('gen-seed').fill('77');
  await expect.poll(() => page.url()).toContain('gseed=77');
  await expect(page.getByTestId('noise-grid').locator('canvas')).toHaveCount(9);
  void first;

  await page.getByTestId('view-interpolate').click();
  await page.getByTestId('interp-steps-image').fill('7');
  await expect(page.getByTestId('interp-image')).toHaveCount(7);
  await expect.poll(() => page.url()).toContain('steps=7');
  // A number beyond the limit is not replaced silently: the field says what it uses instead.
  await page.getByTestId('interp-steps-image').fill('99');
  await expect(page.getByTestId('interp-steps-image-note')).toHaveText('max 32 — using 32');
  await expect(page.getByTestId('interp-image')).toHaveCount(32);
  await page.getByTestId('interp-steps-image').blur();
  await expect(page.getByTestId('interp-steps-image')).toHaveValue('32');
  await expect(page.getByTestId('interp-steps-image-note')).toHaveText('max 32 — using 32');
  await expect.poll(() => page.url()).toContain('steps=32');

  await page.getByTestId('view-baseline').click();
  await page.getByTestId('baseline-run').click();
  // PCA cannot be counted while it finds its components: an indeterminate bar with the time so far, or real progress.
  await expect(page.getByTestId('baseline-progress')).toContainText(/so far|%/);
  await expect(page.getByTestId('baseline-table')).toContainText('PCA, 2 components', { timeout: 120_000 });
  void problems;
});

test("the denoiser's 1,568-number codes show up on the latent scatter, with progress while they are projected", async ({ page, problems }) => {
  await page.goto('/image?model=denoise&view=latent');
  await labReady(page);
  const plot = page.getByTestId('scatter-plot');
  await expect(plot.locator('svg circle')).not.toHaveCount(0, { timeout: 90_000 });
  expect(await plot.locator('svg circle').count()).toBeGreaterThanOrEqual(2000);
  await expect(plot).toContainText('PC 1');
  await expect(page.getByTestId('scatter-progress')).toHaveCount(0);
  void problems;
});

test('super-resolution: compared with PCA at its real bottleneck and with bicubic, and any way of making the small digit works', async ({ page, problems }) => {
  await page.goto('/image?model=superres-2x&view=baseline');
  await labReady(page);
  await expect(page.getByTestId('baseline-explanation')).toContainText('196 numbers are its real bottleneck');
  await page.getByTestId('baseline-run').click();
  const table = page.getByTestId('baseline-table');
  await expect(table).toContainText('PCA, 196 components', { timeout: 120_000 });
  await expect(table).toContainText('bicubic enlarging of the 14×14 input');
  await expect(table).not.toContainText('784 components');
  const psnr = async (role: string): Promise<number> => Number(await table.locator(`tr[data-role="${role}"] td`).nth(2).innerText());
  expect(await psnr('pca')).toBeLessThan(99);
  expect(await psnr('model')).toBeGreaterThan((await psnr('bicubic')) + 1);

  await page.goto('/image?model=superres-2x&kernel=point');
  await labReady(page);
  await expect(page.getByTestId('recon-kernel')).toHaveValue('point');
  await expect(page.getByTestId('recon-output')).toHaveCount(10);
  await expect(page.getByTestId('recon-psnr')).toContainText(/Mean PSNR \d+\.\d dB; the model's input: \d+\.\d dB/);
  void problems;
});

test('a second visit downloads no model file again: the browser revalidates and gets a bodiless 304', async ({ page, problems }) => {
  await page.goto('/image?model=conv-ae');
  await labReady(page);
  // Resource Timing shows what crossed the wire: headers only (transferSize < body size) means a 304.
  const sizes = await page.evaluate(async () => {
    const entries = (url: string) =>
      performance
        .getEntriesByType('resource')
        .filter((e): e is PerformanceResourceTiming => e instanceof PerformanceResourceTiming && e.name.endsWith(url))
        .map((e) => ({ transfer: e.transferSize, body: e.encodedBodySize }));
    // The model worker downloaded the conv AE's weights; the page asks for them again.
    const loaded = '/models/image/conv-ae/encoder/weights.bin';
    // Never downloaded yet: the first fetch gets the body, the second only a 304.
    const fresh = '/models/image/vae/decoder/weights.bin';
    for (const url of [loaded, fresh, fresh]) {
      await (await fetch(url)).arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
    }
    return { loaded: entries(loaded), fresh: entries(fresh) };
  });
  const [again] = sizes.loaded;
  expect(again?.body).toBeGreaterThan(1000);
  expect(again?.transfer).toBeLessThan(again?.body ?? 0); // the worker's copy was revalidated, not downloaded again
  const [first, second] = sizes.fresh;
  expect(first?.transfer).toBeGreaterThan(first?.body ?? Infinity);
  expect(second?.body).toBe(first?.body);
  expect(second?.transfer).toBeLessThan(1000); // a 304: headers only, of an 800 KB file
  void problems;
});

test('a shared link reproduces the view, and a manifold is refused politely for codes that are not 2-D', async ({ page, problems }) => {
  await page.goto('/image?model=conv-vae&view=interpolate&a=3&b=8&steps=5&mode=slerp');
  await labReady(page);
  await expect(page.getByTestId('interp-image')).toHaveCount(5);
  await expect(page.getByTestId('interp-mode')).toHaveValue('slerp');
  await page.goto('/image?model=conv-ae&view=manifold');
  await labReady(page);
  await expect(page.getByTestId('manifold-unavailable')).toContainText('2-D');
  // A damaged link keeps what it can and says what it reset.
  await page.goto('/image?model=vae&view=manifold&grid=99');
  await labReady(page);
  await expect(page.getByTestId('url-ignored')).toHaveText("This link's “grid” setting was not valid and uses its default.");
  await expect(page.getByTestId('manifold-grid')).toHaveAttribute('width', String(15 * 28));
  void problems;
});

test('loading IDX files: good generated files load; broken ones get a clear message and the lab keeps working', async ({ page, problems }) => {
  await page.goto('/image?model=dense-ae');
  await labReady(page);
  await page.getByText('Other data: full MNIST').click();
  const images = (n: number) => Buffer.from(encodeIdx({ type: 'ubyte', shape: [n, 28, 28], data: Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256) }));
  const labels = (n: number) => Buffer.from(encodeIdx({ type: 'ubyte', shape: [n], data: Array.from({ length: n }, (_, i) => i % 10) }));
  const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
  await page
    .getByTestId('idx-files')
    .setInputFiles([
      file('train-images-idx3-ubyte', images(40)),
      file('train-labels-idx1-ubyte', labels(40)),
      file('t10k-images-idx3-ubyte', images(20)),
      file('t10k-labels-idx1-ubyte', labels(20)),
    ]);
  await expect(page.getByTestId('data-info')).toContainText('40 training / 20 test digits');
  await page
    .getByTestId('idx-files')
    .setInputFiles([
      file('train-images-idx3-ubyte', Buffer.from('not an idx file at all')),
      file('train-labels-idx1-ubyte', labels(40)),
      file('t10k-images-idx3-ubyte', images(20)),
      file('t10k-labels-idx1-ubyte', labels(20)),
    ]);
  await expect(page.getByRole('alert').filter({ hasText: /train images/i })).toBeVisible();
  await expect(page.getByTestId('data-info')).toContainText('40 training / 20 test digits');
  await page.getByTestId('idx-files').setInputFiles([file('readme.txt', Buffer.from('hello'))]);
  await expect(page.getByTestId('idx-problem')).toContainText('Choose the four IDX files');
  await expect(page.getByTestId('recon-output')).toHaveCount(10);
  void problems;
});

test('a trained model can be saved in the browser, loaded back, and downloaded as four files', async ({ page, problems }) => {
  await page.goto('/image?model=dense-ae');
  await labReady(page);
  await page.getByText('Save, download or upload a model').click();
  await page.getByTestId('save-name').fill('lesson one');
  await page.getByTestId('save-model').click();
  await expect(page.getByTestId('train-status')).toContainText('Saved as "lesson one"');
  await expect(page.getByRole('button', { name: 'load', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'load', exact: true }).click();
  await expect(page.getByTestId('model-info')).toContainText('saved in this browser: lesson one');
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('download-model').click();
  await expect.poll(() => downloads.length).toBe(4);
  expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual([
    'dense-ae-decoder.json',
    'dense-ae-decoder.weights.bin',
    'dense-ae-encoder.json',
    'dense-ae-encoder.weights.bin',
  ]);
  // …and the four files upload again as a working model.
  const files = await Promise.all(
    downloads.map(async (d) => ({ name: d.suggestedFilename(), mimeType: 'application/octet-stream', buffer: await readFile(await d.path()) })),
  );
  await page.getByTestId('upload-model').setInputFiles(files);
  await expect(page.getByTestId('model-info')).toContainText('uploaded: dense-ae-encoder.json');
  await expect(page.getByTestId('recon-output')).toHaveCount(10);
  void problems;
});

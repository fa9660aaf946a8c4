import { LABS } from '../lib/domains/labs';
import { activeBackend, expect, reloadPage, test } from './fixtures';

/** The home page and every lab the registry lists (a new domain's lab is smoke-tested with no change here). */
const ROUTES = [{ path: '/', heading: 'Latent Lab' }, ...LABS.map((lab) => ({ path: lab.href, heading: lab.title }))];

for (const route of ROUTES) {
  test(`${route.path} renders, shows the backend badge, and stays on this machine`, async ({ page, problems }) => {
    await page.goto(route.path);
    await expect(page.getByRole('heading', { level: 1, name: route.heading })).toBeVisible();
    const backend = await activeBackend(page);
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
    await expect(page.getByTestId('backend-badge')).toHaveText(/TF\.js: (WebGPU|WebGL|WASM|CPU)/);
    // The music labs load their shipped model at once (and must not leave the download half-done).
    // Each lab marks its model line with data-model-loaded once the model is in (a new lab does the same).
    if (route.path.startsWith('/music/')) await expect(page.locator('[data-model-loaded="true"]').first()).toBeVisible({ timeout: 90_000 });
    if (route.path === '/compare') for (const column of ['a', 'b']) await expect(page.getByTestId(`info-${column}`)).toBeVisible({ timeout: 90_000 });
    void problems;
  });
}

test('the home page links to every lab and the links work', async ({ page, problems }) => {
  await page.goto('/');
  const main = page.getByRole('main');
  for (const name of ['Image lab', 'Melody lab', 'Drum lab', 'Compare', 'Classroom']) {
    await expect(main.getByRole('link', { name })).toBeVisible();
  }
  await main.getByRole('link', { name: 'Drum lab' }).click();
  await expect(page).toHaveURL(/\/music\/drums$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Drum lab' })).toBeVisible();
  void problems;
});

test('the home page loads no lab before the reader reaches for it: a lab link prefetches on hover', async ({ page, problems }) => {
  const prefetched: string[] = [];
  page.on('request', (request) => {
    if (request.headers()['next-router-prefetch'] === '1') prefetched.push(new URL(request.url()).pathname);
  });
  await page.goto('/');
  await activeBackend(page); // hydrated, the model worker started: well past the moment viewport prefetching would have begun
  await page.waitForTimeout(1000);
  const labs = ROUTES.map((r) => r.path).filter((p) => p !== '/');
  expect(prefetched.filter((p) => labs.includes(p))).toEqual([]);
  await page.getByRole('main').getByRole('link', { name: 'Melody lab' }).hover();
  await expect.poll(() => prefetched).toContain('/music/melody');
  expect(prefetched.filter((p) => labs.includes(p) && p !== '/music/melody')).toEqual([]);
  void problems;
});

test('the automatic choice is the fastest backend of the warm-up benchmark, and the details say why', async ({ page, problems }) => {
  await page.goto('/');
  const backend = await activeBackend(page);
  const badge = page.getByTestId('backend-badge');
  expect(await badge.getAttribute('data-reason')).toBe('benchmark');
  const timings = JSON.parse((await badge.getAttribute('data-timings')) ?? '{}') as Record<string, number>;
  expect(Object.keys(timings).length).toBeGreaterThanOrEqual(2);
  expect(timings).not.toHaveProperty('webgpu'); // only a software WebGPU adapter here (if any): never benchmarked
  const fastest = Object.entries(timings).sort((a, b) => a[1] - b[1])[0]?.[0];
  expect(backend).toBe(fastest);
  await badge.click();
  await expect(page.getByRole('dialog', { name: 'TF.js backend details' })).toContainText('the fastest in a quick benchmark');
  // A second visit reuses the remembered choice instead of benchmarking again.
  await reloadPage(page);
  await activeBackend(page);
  expect(await page.getByTestId('backend-badge').getAttribute('data-reason')).toBe('cached');
  void problems;
});

test('?backend=wasm and ?backend=cpu force a backend, and the choice survives navigation', async ({ page, problems }) => {
  await page.goto('/?backend=cpu');
  expect(await activeBackend(page)).toBe('cpu');
  await expect(page.getByTestId('backend-badge')).toHaveText('TF.js: CPU');
  await page.goto('/image'); // full reload without the parameter
  expect(await activeBackend(page)).toBe('cpu');
  // The image lab downloads digits and a model: let it finish before leaving (leaving aborts downloads).
  await expect(page.getByTestId('model-info')).toContainText('pretrained', { timeout: 90_000 });
  await page.goto('/?backend=wasm');
  expect(await activeBackend(page)).toBe('wasm');
  expect(await page.getByTestId('backend-badge').getAttribute('data-reason')).toBe('override');
  await page.goto('/?backend=auto');
  expect(await page.getByTestId('backend-badge').getAttribute('data-reason')).not.toBe('override');
  void problems;
});

test('an unknown ?backend value gets a clear message and the app still works', async ({ page, problems }) => {
  await page.goto('/?backend=cuda');
  await expect(page.getByRole('alert').filter({ hasText: 'Unknown' })).toContainText('Unknown ?backend "cuda". Use one of: webgpu, webgl, wasm, cpu.');
  expect(['webgl', 'wasm', 'cpu']).toContain(await activeBackend(page));
  void problems;
});

test('unknown pages get a friendly 404', async ({ page }) => {
  const response = await page.goto('/no-such-lab');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

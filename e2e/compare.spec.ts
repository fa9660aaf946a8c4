import type { Page } from '@playwright/test';
import { compareReportSchema } from '../lib/latent/compare/report';
import { expect, test } from './fixtures';
import { downloaded } from './harness/downloads';

const PANELS = ['map', 'units', 'paths', 'holes', 'attributes'] as const;
const SIDES = ['a', 'b'] as const;

/** Opens /compare (shipped vae and mel_2bar by default) and waits until every panel of both sides is computed. */
async function everyPanel(page: Page, query = ''): Promise<void> {
  await page.goto(`/compare${query}`);
  await expect(page.getByTestId('info-a')).toHaveAttribute('data-model', 'vae', { timeout: 120_000 });
  await expect(page.getByTestId('info-b')).toHaveAttribute('data-model', 'mel_2bar', { timeout: 120_000 });
  await expect(page.getByTestId('compare-status')).toHaveAttribute('data-ready', '1', { timeout: 180_000 });
}

test('compare: every panel renders for vae and mel_2bar; hover shows a digit and plays a melody; click lists neighbours', async ({
  page,
  problems: _problems,
}) => {
  test.setTimeout(300_000);
  await everyPanel(page);
  await expect(page.getByTestId('info-a')).toContainText('2,000 digits');
  await expect(page.getByTestId('info-b')).toContainText('104 melodies');
  for (const panel of PANELS) {
    for (const side of SIDES) {
      const card = page.getByTestId(`panel-${panel}-${side}`);
      await expect(card, `${panel} ${side}`).toHaveAttribute('data-ready', '1');
      expect(await card.getByTestId(`figure-${panel}-${side}`).locator('svg').count(), `${panel} ${side} figure`).toBeGreaterThan(0);
      await expect(card.getByTestId(`numbers-${panel}-${side}`).locator('tr')).not.toHaveCount(0);
    }
  }
  // What the numbers say about the shipped models (each number could have come out otherwise).
  await expect(page.getByTestId('numbers-units-a')).toContainText('2 of 2');
  await expect(page.getByTestId('numbers-units-b')).toContainText(/\d+ of 128/);
  await expect(page.getByTestId('numbers-paths-a')).toContainText('pixel L2');
  await expect(page.getByTestId('numbers-paths-b')).toContainText('event edit distance');
  // 2000 dots of digits, 104 of melodies.
  await expect(page.getByTestId('figure-map-a').locator('svg g[aria-label="dot"] circle')).toHaveCount(2000);
  await expect(page.getByTestId('figure-map-b').locator('svg g[aria-label="dot"] circle')).toHaveCount(104);
  // Decoded items are shown: the roughest walk (11), the worst prior draws, the attribute walks (4 × 8).
  await expect(page.getByTestId('items-paths-a').locator('canvas')).toHaveCount(11);
  await expect(page.getByTestId('items-paths-b').locator('svg.piano-roll')).toHaveCount(11);
  await expect(page.getByTestId('items-attributes-b')).toHaveAttribute('data-count', '32');

  // Hover a digit: the hover box shows it.
  await page.getByTestId('figure-map-a').locator('svg g[aria-label="dot"] circle').nth(5).hover({ force: true });
  await expect(page.getByTestId('hover-a').locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('hover-a')).toContainText(/#\d+, digit \d/);

  // Hover a melody with sound on: it plays.
  await page.getByTestId('sound-on-hover').click();
  await expect(page.getByTestId('audio-state')).toHaveAttribute('data-state', 'running');
  await page.getByTestId('figure-map-b').locator('svg g[aria-label="dot"] circle').nth(3).hover({ force: true });
  await expect(page.getByTestId('hover-b').locator('svg.piano-roll')).toHaveCount(1);
  await expect(page.getByTestId('audio-state')).toHaveAttribute('data-group', 'hover-b');
  await expect.poll(async () => Number(await page.getByTestId('audio-state').getAttribute('data-ticks')), { timeout: 15_000 }).toBeGreaterThan(2);

  // Click a melody: its nearest neighbours by cosine distance, itself first; the link keeps the choice.
  await page.getByTestId('figure-map-b').locator('svg g[aria-label="dot"] circle').nth(40).click({ force: true });
  const nn = page.getByTestId('items-neighbours-b');
  await expect(nn).toHaveAttribute('data-count', '11');
  await expect(page).toHaveURL(/bsel=\d+/);
  await expect(page.getByTestId('neighbours-b')).toContainText('cosine');
  await page.getByTestId('map-metric').selectOption('euclidean');
  await expect(page.getByTestId('neighbours-b')).toContainText('euclidean');
});

test('compare: figures and numbers export as SVG, PNG, CSV and JSON that parse', async ({ page, problems: _problems }) => {
  test.setTimeout(300_000);
  await everyPanel(page);

  const json = await downloaded(page, () => page.getByTestId('export-json').click());
  expect(json.download.suggestedFilename()).toBe('latent-lab-compare.json');
  const report = compareReportSchema.parse(JSON.parse(json.text));
  expect(report.sides.map((s) => s.side)).toEqual(['image', 'melody']);
  const [image, melody] = report.sides;
  expect(image?.model.name).toBe('vae');
  expect(melody?.model.name).toBe('mel_2bar');
  expect(image?.units?.active).toBe(2);
  expect(melody?.units?.kl).toHaveLength(128);
  for (const side of [image, melody]) {
    expect(side?.holes?.share).toBeGreaterThanOrEqual(0);
    expect(side?.holes?.share).toBeLessThanOrEqual(1);
    expect(side?.paths?.smoothness.lerp.mean).toBeGreaterThanOrEqual(0.1);
    expect(side?.map?.labelAgreement.cosine).toBeGreaterThan(0);
    expect(side?.attributes?.alphas).toHaveLength(8);
  }

  const csv = await downloaded(page, () => page.getByTestId('export-csv').click());
  const lines = csv.text.trim().split('\n');
  expect(lines[0]).toBe('side,field,value');
  expect(lines).toContain('image,units.active,2');
  expect(lines.some((l) => /^melody,holes\.share,[\d.e-]+$/.test(l))).toBe(true);
  expect(lines.some((l) => /^melody,paths\.smoothness\.lerp\.mean,[\d.e-]+$/.test(l))).toBe(true);

  const panelCsv = await downloaded(page, () => page.getByTestId('export-csv-units-b').click());
  const rows = panelCsv.text.trim().split('\n').slice(1);
  expect(rows.length).toBeGreaterThan(128);
  expect(rows.every((r) => r.startsWith('melody,units.'))).toBe(true);

  const svg = await downloaded(page, () => page.getByTestId('export-svg-map-a').click());
  expect(svg.download.suggestedFilename()).toMatch(/\.svg$/);
  expect(svg.text.startsWith('<svg')).toBe(true);
  expect((svg.text.match(/<circle/g) ?? []).length).toBeGreaterThanOrEqual(2000);
  const holesSvg = await downloaded(page, () => page.getByTestId('export-svg-holes-b').click());
  expect(holesSvg.text).toContain('log q(z)');

  const png = await downloaded(page, () => page.getByTestId('export-png-paths-b').click());
  expect(png.download.suggestedFilename()).toMatch(/\.png$/);
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(400); // width at 2×
});

test('compare: a shared link opens the same view; bad values are named; UMAP and other models work', async ({ page, problems: _problems }) => {
  test.setTimeout(300_000);
  await everyPanel(page, '?proj=umap&mode=slerp&agroups=thickness&an=99999');
  await expect(page.getByTestId('url-problems')).toContainText('"99999" is not a valid an');
  await expect(page.getByTestId('figure-map-a')).toContainText('UMAP 1');
  await expect(page.getByTestId('numbers-map-a')).not.toContainText('/ —');
  await expect(page.getByTestId('numbers-attributes-a')).toContainText('stroke thickness');
  await expect(page.getByTestId('figure-paths-a')).toHaveAttribute('aria-label', /slerp/);
  // Column B shows drums instead: every panel is computed again for the drum model.
  await page.getByTestId('domain-b').selectOption('drums');
  await expect(page).toHaveURL(/b=drums%3Adrums_2bar/);
  await expect(page.getByTestId('info-b')).toHaveAttribute('data-model', 'drums_2bar', { timeout: 120_000 });
  await expect(page.getByTestId('compare-status')).toHaveAttribute('data-ready', '1', { timeout: 180_000 });
  await expect(page.getByTestId('info-b')).toContainText('96 drum patterns');
  await expect(page.getByTestId('numbers-attributes-b')).toContainText('drum hits');
  await expect(page.getByTestId('items-paths-b').locator('svg.drum-grid-pic')).toHaveCount(11);
});

test('timbre is a third side: sounds beside melodies, every panel computed, items drawn as sounds', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/compare?a=timbre:timbre&b=melody:mel_2bar');
  await expect(page.getByTestId('info-a')).toHaveAttribute('data-model', 'timbre', { timeout: 120_000 });
  await expect(page.getByTestId('info-a')).toContainText('111 notes');
  await expect(page.getByTestId('compare-status')).toHaveAttribute('data-ready', '1', { timeout: 300_000 });
  for (const panel of ['map', 'units', 'paths', 'holes', 'attributes']) {
    const card = page.getByTestId(`panel-${panel}-a`);
    await expect(card.getByTestId(`numbers-${panel}-a`).locator('tr'), `${panel} numbers`).not.toHaveCount(0);
  }
  await expect(page.getByTestId('figure-map-a').locator('svg g[aria-label="dot"] circle')).toHaveCount(111);
  await expect(page.getByTestId('numbers-units-a')).toContainText(/\d+ of 16/);
  await expect(page.getByTestId('numbers-paths-a')).toContainText('multi-scale spectral distance');
  await expect(page.getByTestId('items-paths-a').locator('canvas')).toHaveCount(11);
});

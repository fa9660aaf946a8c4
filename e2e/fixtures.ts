import { test as base, expect, type Page } from '@playwright/test';

/** Everything a page did that a person would call broken: console errors, crashes, failed or off-machine requests. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  externalRequests: string[];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Pages being reloaded by a test: a request the reload cuts short (net::ERR_ABORTED) is not a failure. */
const reloading = new WeakSet<Page>();

export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], externalRequests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    if (reason === 'net::ERR_ABORTED' && reloading.has(page)) return;
    problems.failedRequests.push(`${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.failedRequests.push(`${response.url()} (HTTP ${response.status()})`);
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') && !LOCAL_HOSTS.has(url.hostname)) {
      problems.externalRequests.push(request.url());
    }
  });
  return problems;
}

export const test = base.extend<{ problems: PageProblems }>({
  problems: async ({ page }, provide) => {
    const problems = watchPage(page);
    await provide(problems);
    expect(problems, 'the page had console errors, crashes, failed requests or requests leaving this machine').toEqual({
      consoleErrors: [],
      pageErrors: [],
      failedRequests: [],
      externalRequests: [],
    });
  },
});

/**
 * Reloads the page. Requests still in flight (a favicon, a prefetch) are cancelled by the browser
 * with net::ERR_ABORTED; only those, and only until the new page has loaded, are not counted as failures.
 */
export async function reloadPage(page: Page): Promise<void> {
  reloading.add(page);
  try {
    await page.reload({ waitUntil: 'load' });
  } finally {
    reloading.delete(page);
  }
}

/** Waits until the header badge names the backend the model worker runs on, and returns it. */
export async function activeBackend(page: Page): Promise<string> {
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-backend', /^(webgpu|webgl|wasm|cpu)$/, { timeout: 60_000 });
  return (await badge.getAttribute('data-backend')) ?? '';
}

/**
 * The pitches on a piano roll once they differ from `before`. A melody lives in the page's URL (a
 * shareable link), so the roll follows a new take a router update after the take's panel shows.
 */
export async function rollPitchesAfter(page: Page, testId: string, before: string | null): Promise<number[]> {
  const roll = page.getByTestId(testId);
  await expect(roll).not.toHaveAttribute('data-pitches', before ?? '', { timeout: 10_000 });
  return ((await roll.getAttribute('data-pitches')) ?? '').split(' ').filter(Boolean).map(Number);
}

export { expect };

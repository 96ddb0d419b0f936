import { expect, test } from '@playwright/test';
import { chooseLanguage, login, main, portal, waitForGrid } from './helpers';

// Each page but the overview and the grid is a wasm chunk of its own (frontend/build.sh). A tab
// opened before a new version was deployed asks for chunks the server no longer has: the app
// reloads the page once instead of standing still.

test.beforeEach(async ({ page }) => chooseLanguage(page, 'en'));

test('the overview and the grid need no chunk; a page fetches its chunks when first opened', async ({ page }) => {
  const chunks: string[] = [];
  page.on('request', (r) => {
    if (/\/assets\/portal-(split|chunk)-.*\.wasm$/.test(r.url())) chunks.push(r.url().split('/').pop()!);
  });
  await login(page, main(), 'acme');
  expect(chunks.some((c) => c.includes('-login-route-'))).toBe(true);
  chunks.length = 0;
  await page.reload();
  await expect(page.locator('header.topbar')).toBeVisible();
  await waitForGrid(page, () => page.getByRole('link', { name: 'Documents', exact: true }).click());
  expect(chunks, 'a signed-in visit to the overview and the grid').toEqual([]);

  await page.locator('table.grid-table tbody th a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Invoice');
  expect(chunks.some((c) => c.includes('-document-route-'))).toBe(true);
});

test('a chunk the server no longer has reloads the page once, which then opens', async ({ page }) => {
  await login(page, main(), 'acme');
  await waitForGrid(page, () => page.goto(main() + portal('/documents?sort=number')));
  const link = page.locator('table.grid-table tbody th a').first();
  const number = (await link.textContent())!.trim();

  // As after a deploy: the first request for the document page's chunk finds nothing.
  let refused = 0;
  await page.route(/\/assets\/portal-split---document-route-.*\.wasm$/, async (route) => {
    if (refused++ === 0) await route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' });
    else await route.continue();
  });
  let loads = 0;
  page.on('load', () => loads++);
  await link.click();
  await expect(page).toHaveURL(/\/p\/demo\/documents\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${number}`);
  expect(refused, 'the chunk was asked for again after the reload').toBe(2);
  expect(loads, 'the page was loaded once more').toBe(1);
});

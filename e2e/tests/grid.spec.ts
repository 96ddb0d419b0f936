import { expect, test, type Page } from '@playwright/test';
import { chooseLanguage, documentsFromApi, gridRows, login, main, money, numbers, portal, quick, screenshot, waitForGrid } from './helpers';

type Row = {
  number: string;
  date: string;
  type: string;
  currency: string;
  total: string;
  remaining: string | null;
  payment_status: string | null;
  overdue: boolean;
};
type Sums = { currency: string; count: number; total: string };
type DocPage = { items: Row[]; total: number; page: number; per_page: number; sums: Sums[] };

async function openGrid(page: Page, query = '') {
  return waitForGrid(page, () => page.goto(main() + portal('/documents' + query)));
}

async function openFilter(page: Page, column: string) {
  await page.getByRole('button', { name: new RegExp(`^Filter ${column}`) }).click();
  const dialog = page.getByRole('dialog', { name: `Filter ${column}` });
  await expect(dialog).toBeVisible();
  return dialog;
}

test.describe('document grid', () => {
  test.beforeEach(async ({ page }) => {
    await chooseLanguage(page, 'en');
    await login(page, main(), 'acme');
  });

  test('shows the columns, marks overdue rows and sums per currency', async ({ page, request }) => {
    const data: DocPage = await openGrid(page);
    const api: DocPage = await documentsFromApi(request, main(), 'acme');
    const headers = await page.locator('table.grid-table thead th .th-label').allTextContents();
    expect(headers).toEqual([
      'Number', 'Date', 'Due date', 'Type', 'Currency', 'Tax base', 'VAT', 'Total', 'Paid', 'Remaining', 'Downloaded', 'Download',
    ]);
    await expect(gridRows(page)).toHaveCount(data.items.length);
    expect(data.total).toBe(api.total);
    expect(data.items.length).toBe(Math.min(api.total, 50));
    const overdue = data.items.filter((r) => r.overdue).length;
    expect(overdue).toBeGreaterThan(0);
    await expect(page.locator('table.grid-table tbody tr.overdue')).toHaveCount(overdue);
    await expect(page.locator('table.grid-table tbody tr.overdue .overdue-flag')).toHaveCount(overdue);
    const footer = page.locator('table.grid-table tfoot');
    expect(api.sums.map((s) => s.currency)).toEqual(['BGN', 'EUR']);
    await expect(footer.locator('tr')).toHaveCount(api.sums.length);
    for (const [i, sums] of api.sums.entries()) {
      await expect(footer.locator('tr').nth(i)).toContainText(`Total ${sums.currency} · ${sums.count} documents`);
      await expect(footer.locator('tr').nth(i)).toContainText(money('en', sums.currency, sums.total));
    }
    await expect(page.getByText(`1–${data.items.length} of ${api.total}`)).toBeVisible();
  });

  test('text filter: number contains', async ({ page, request }) => {
    await openGrid(page);
    const dialog = await openFilter(page, 'Number');
    const data: DocPage = await waitForGrid(page, () => dialog.getByLabel('Contains').fill('1005'));
    expect(data.items.map((r) => r.number)).toEqual(['0000001005']);
    await expect(page).toHaveURL(/number=1005/);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(await numbers(page)).toEqual(['0000001005']);
    await expect(page.getByRole('button', { name: 'Filter Number (active)' })).toBeVisible();
    await waitForGrid(page, () => page.getByRole('button', { name: 'Remove filter: Number: “1005”' }).click());
    await expect(gridRows(page)).toHaveCount(Math.min((await documentsFromApi(request, main(), 'acme')).total, 50));
  });

  test('date range filter on the issue date', async ({ page }) => {
    const all: DocPage = await openGrid(page, '?sort=date');
    const dates = all.items.map((r) => r.date);
    const [from, to] = [dates[4], dates[14]];
    const dialog = await openFilter(page, 'Date');
    await waitForGrid(page, () => dialog.getByLabel('From').fill(from));
    const data: DocPage = await waitForGrid(page, () => dialog.getByLabel('To').fill(to));
    expect(data.items.length).toBeGreaterThanOrEqual(11);
    for (const r of data.items) expect(r.date >= from && r.date <= to).toBeTruthy();
    await expect(gridRows(page)).toHaveCount(data.items.length);
    await expect(page).toHaveURL(new RegExp(`date_from=${from}&date_to=${to}`));
  });

  test('multi-select filters: type and currency', async ({ page, request }) => {
    await openGrid(page);
    let dialog = await openFilter(page, 'Type');
    await screenshot(page, 'en/documents-filter-open', false);
    await waitForGrid(page, () => dialog.getByLabel('Invoice').check());
    let data: DocPage = await waitForGrid(page, () => dialog.getByLabel('Credit note').check());
    expect(data.total).toBe((await documentsFromApi(request, main(), 'acme', '?type=invoice,credit_note')).total);
    expect(new Set(data.items.map((r) => r.type))).toEqual(new Set(['invoice', 'credit_note']));
    await expect(page).toHaveURL(/type=invoice,credit_note/);
    await page.keyboard.press('Escape');
    await expect(page.getByText('Type: Invoice, Credit note')).toBeVisible();

    dialog = await openFilter(page, 'Currency');
    data = await waitForGrid(page, () => dialog.getByLabel('BGN').check());
    expect(data.items.every((r) => r.currency === 'BGN' && ['invoice', 'credit_note'].includes(r.type))).toBeTruthy();
    await expect(gridRows(page)).toHaveCount(data.items.length);
    await expect(page).toHaveURL(/currency=BGN/);
  });

  test('amount range filter, with input in the user’s number format', async ({ page }) => {
    await openGrid(page);
    const dialog = await openFilter(page, 'Total');
    await dialog.getByLabel('Min').fill('abc');
    await dialog.getByLabel('Min').press('Enter');
    await expect(page.locator('#f-total-min-error')).toBeVisible();
    await expect(page.locator('#f-total-min-error')).toHaveText('Enter an amount such as 1,234.5.');
    await expect(dialog.getByLabel('Min')).toHaveAttribute('aria-invalid', 'true');
    await expect(page).not.toHaveURL(/total_min/);
    await waitForGrid(page, async () => {
      await dialog.getByLabel('Min').fill('1,000');
      await dialog.getByLabel('Min').press('Enter');
    });
    const data: DocPage = await waitForGrid(page, async () => {
      await dialog.getByLabel('Max').fill('5,500.50');
      await dialog.getByLabel('Max').press('Enter');
    });
    await expect(page).toHaveURL(/total_min=1000&total_max=5500\.50/);
    expect(data.items.length).toBeGreaterThan(0);
    for (const r of data.items) expect(Number(r.total) >= 1000 && Number(r.total) <= 5500.5).toBeTruthy();
    await expect(gridRows(page)).toHaveCount(data.items.length);
    await expect(dialog.getByLabel('Min')).toHaveValue('1,000');
  });

  test('downloaded yes/no filter, empty state and clearing it', async ({ page, request }) => {
    await openGrid(page);
    const dialog = await openFilter(page, 'Downloaded');
    await waitForGrid(page, () => dialog.getByLabel('Downloaded', { exact: true }).check());
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(/downloaded=true/);
    await expect(gridRows(page)).toHaveCount(0);
    await expect(page.getByText('No documents match these filters')).toBeVisible();
    await screenshot(page, 'en/documents-empty');
    await waitForGrid(page, () => page.getByRole('button', { name: 'Clear all filters' }).first().click());
    await expect(gridRows(page)).toHaveCount(Math.min((await documentsFromApi(request, main(), 'acme')).total, 50));
    const again = await openFilter(page, 'Downloaded');
    await waitForGrid(page, () => again.getByLabel('Not downloaded').check());
    await expect(page).toHaveURL(/downloaded=false/);
    await expect(gridRows(page)).toHaveCount(Math.min((await documentsFromApi(request, main(), 'acme')).total, 50));
  });

  test('quick filters: all, unpaid, paid, overdue', async ({ page, request }) => {
    await openGrid(page);
    let data: DocPage = await waitForGrid(page, () => quick(page, 'Unpaid').click());
    await expect(page).toHaveURL(/status=unpaid,partially_paid/);
    expect(data.items.length).toBeGreaterThan(0);
    expect(data.items.every((r) => r.payment_status === 'unpaid' || r.payment_status === 'partially_paid')).toBeTruthy();
    await expect(quick(page, 'Unpaid').and(page.locator('[aria-pressed=true]'))).toBeVisible();

    data = await waitForGrid(page, () => quick(page, 'Paid').click());
    expect(data.items.every((r) => r.payment_status === 'paid')).toBeTruthy();
    await expect(gridRows(page)).toHaveCount(data.items.length);

    data = await waitForGrid(page, () => quick(page, 'Overdue').click());
    expect(data.items.length).toBeGreaterThan(0);
    await expect(page.locator('table.grid-table tbody tr:not(.overdue)')).toHaveCount(0);
    await expect(gridRows(page)).toHaveCount(data.items.length);

    await waitForGrid(page, () => quick(page, 'All').click());
    await expect(gridRows(page)).toHaveCount(Math.min((await documentsFromApi(request, main(), 'acme')).total, 50));
    await expect(page).toHaveURL(main() + portal('/documents'));
  });

  test('sorting by a header, again to reverse, shift-click adds a key', async ({ page }) => {
    await openGrid(page);
    const numberHeader = page.getByRole('button', { name: /^Number/ });
    let data: DocPage = await waitForGrid(page, () => numberHeader.click());
    await expect(page).toHaveURL(/sort=number/);
    const asc = data.items.map((r) => r.number);
    expect(asc).toEqual([...asc].sort());
    await expect(page.locator('th[aria-sort=ascending]')).toContainText('Number');
    expect(await numbers(page)).toEqual(asc);

    data = await waitForGrid(page, () => numberHeader.click());
    await expect(page).toHaveURL(/sort=-number/);
    expect(data.items.map((r) => r.number)).toEqual([...asc].reverse());
    await expect(page.locator('th[aria-sort=descending]')).toContainText('Number');

    await waitForGrid(page, () => page.getByRole('button', { name: /^Currency/ }).click());
    data = await waitForGrid(page, () => page.getByRole('button', { name: /^Total/ }).click({ modifiers: ['Shift'] }));
    await expect(page).toHaveURL(/sort=currency,total/);
    const keys = data.items.map((r) => [r.currency, Number(r.total)] as const);
    const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
    expect(keys).toEqual(sorted);
    await expect(page.locator('thead .sort-order')).toHaveText(['1', '2']);
    expect(await numbers(page)).toEqual(data.items.map((r) => r.number));
  });

  test('paging and page size', async ({ page }) => {
    const all: DocPage = await openGrid(page);
    // two pages of ten: the demo customer needs between 11 and 20 documents for this test
    expect(all.total).toBeGreaterThan(10);
    expect(all.total).toBeLessThanOrEqual(20);
    let data: DocPage = await waitForGrid(page, () => page.getByLabel('Rows per page').selectOption('10'));
    await expect(page).toHaveURL(/per_page=10/);
    expect(data.items.length).toBe(10);
    await expect(gridRows(page)).toHaveCount(10);
    await expect(page.getByText(`1–10 of ${all.total}`)).toBeVisible();
    await expect(page.getByText('Page 1 of 2')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    const first = await numbers(page);

    data = await waitForGrid(page, () => page.getByRole('button', { name: 'Next page' }).click());
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByText(`11–${all.total} of ${all.total}`)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
    const second = await numbers(page);
    expect(second.length).toBe(all.total - 10);
    expect(second.filter((n) => first.includes(n))).toEqual([]);

    await waitForGrid(page, () => page.getByRole('button', { name: 'Previous page' }).click());
    expect(await numbers(page)).toEqual(first);
  });

  test('the whole state lives in the URL: reload, bookmark, back and forward', async ({ page, context }) => {
    await openGrid(page);
    await waitForGrid(page, () => quick(page, 'Unpaid').click());
    await waitForGrid(page, () => page.getByRole('button', { name: /^Total/ }).click());
    await waitForGrid(page, () => page.getByRole('button', { name: /^Total/ }).click());
    const typeFilter = await openFilter(page, 'Type');
    await waitForGrid(page, () => typeFilter.getByLabel('Invoice').check());
    await page.keyboard.press('Escape');
    await waitForGrid(page, () => page.getByLabel('Rows per page').selectOption('25'));
    const url = page.url();
    expect(url).toBe(main() + portal('/documents?type=invoice&status=unpaid,partially_paid&sort=-total&per_page=25'));
    const shown = await numbers(page);
    expect(shown.length).toBeGreaterThan(1);

    await waitForGrid(page, () => page.reload());
    expect(page.url()).toBe(url);
    expect(await numbers(page)).toEqual(shown);
    await expect(quick(page, 'Unpaid').and(page.locator('[aria-pressed=true]'))).toBeVisible();
    await expect(page.locator('th[aria-sort=descending]')).toContainText('Total');
    await expect(page.getByText('Type: Invoice')).toBeVisible();
    await expect(page.getByLabel('Rows per page')).toHaveValue('25');

    // A bookmark opened in another tab shows the same view.
    const other = await context.newPage();
    await waitForGrid(other, () => other.goto(url));
    expect(await numbers(other)).toEqual(shown);
    await other.close();

    // Back undoes the page size, then the type filter; forward redoes it.
    await waitForGrid(page, () => page.goBack());
    await expect(page).toHaveURL(/type=invoice&status=unpaid,partially_paid&sort=-total$/);
    await waitForGrid(page, () => page.goBack());
    await expect(page).toHaveURL(/\?status=unpaid,partially_paid&sort=-total$/);
    await expect(page.getByText('Type: Invoice')).toBeHidden();
    await waitForGrid(page, () => page.goForward());
    await expect(page.getByText('Type: Invoice')).toBeVisible();
    expect(await numbers(page)).toEqual(await numbers(page));
  });

  test('a slow answer shows a loading state, a fast one does not flash', async ({ page }) => {
    await openGrid(page);
    await page.route('**/api/v1/portal/documents?*', async (route) => {
      // Long enough that a busy machine still sees the loading state before the answer.
      await new Promise((r) => setTimeout(r, 2500));
      await route.continue();
    });
    await quick(page, 'Paid').click();
    await expect(page.locator('.toolbar-status [role=status]')).toBeVisible();
    await expect(page.locator('.table-wrap.is-loading')).toBeVisible();
    await expect(page.locator('.table-wrap.is-loading')).toBeHidden({ timeout: 5000 });
    await page.unroute('**/api/v1/portal/documents?*');
    // Fast answer: the spinner never appears.
    let spinnerSeen = false;
    await page.exposeFunction('spinnerSeen', () => (spinnerSeen = true));
    await page.evaluate(() => {
      new MutationObserver(() => {
        if (document.querySelector('.toolbar-status [role=status]')) (window as any).spinnerSeen();
      }).observe(document.body, { childList: true, subtree: true });
    });
    await waitForGrid(page, () => quick(page, 'All').click());
    await page.waitForTimeout(400);
    expect(spinnerSeen).toBe(false);
  });

  test('an error shows a message and a retry', async ({ page }) => {
    await openGrid(page);
    let fail = true;
    await page.route('**/api/v1/portal/documents?*', (route) =>
      fail ? route.fulfill({ status: 500, contentType: 'application/problem+json', body: '{"type":"about:blank","title":"x","status":500,"code":"internal_error"}' }) : route.continue(),
    );
    await quick(page, 'Paid').click();
    await expect(page.getByText('The documents could not be loaded.')).toBeVisible();
    fail = false;
    await waitForGrid(page, () => page.getByRole('button', { name: 'Try again' }).click());
    await expect(gridRows(page).first()).toBeVisible();
  });

  test('on a phone the grid becomes a list of cards', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const data: DocPage = await waitForGrid(page, () => page.goto(main() + portal('/documents')));
    await expect(page.locator('table.grid-table')).toHaveCount(0);
    const cards = page.locator('ul.doc-cards > li');
    await expect(cards).toHaveCount(data.items.length);
    await expect(cards.first()).toContainText('Total');
    await expect(cards.first().getByRole('button', { name: /^Download .* as PDF$/ })).toBeVisible();
    await expect(page.locator('.doc-cards li.overdue').first()).toBeVisible();
    // Filters and sorting stay available.
    await page.getByRole('button', { name: /^Filter Type/ }).click();
    await expect(page.getByRole('dialog', { name: 'Filter Type' })).toBeVisible();
    await screenshot(page, 'en/documents-phone-filter', false);
    await page.keyboard.press('Escape');
    await waitForGrid(page, () => page.getByLabel('Sort', { exact: true }).selectOption('number'));
    await expect(page).toHaveURL(/sort=number/);
    await screenshot(page, 'en/documents-phone', false);
  });
});

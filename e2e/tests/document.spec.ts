import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { apiToken, chooseLanguage, gridRows, login, main, portal, scratch, screenshot, waitForGrid } from './helpers';

test.describe('document view', () => {
  test.beforeEach(async ({ page }) => chooseLanguage(page, 'en'));

  test('shows header data, lines, VAT breakdown, payments and the PDF inline', async ({ page, request }) => {
    await login(page, main(), 'acme');
    await waitForGrid(page, () => page.goto(main() + portal('/documents?status=overdue&sort=number')));
    const link = page.locator('table.grid-table tbody th a').first();
    const number = (await link.textContent())!.trim();
    await link.click();
    await expect(page).toHaveURL(/\/p\/demo\/documents\/\d+$/);
    const id = page.url().split('/').pop();
    const token = await apiToken(request, main(), 'acme');
    const detail = await (await request.get(`${main()}/api/v1/portal/documents/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${number}`);
    await expect(page.locator('.doc-head .badge-danger')).toHaveText('Overdue');
    await expect(page.getByRole('table', { name: 'Items' }).locator('tbody tr')).toHaveCount(detail.lines.length);
    await expect(page.getByRole('table', { name: 'VAT breakdown' }).locator('tbody tr')).toHaveCount(detail.vat_breakdown.length);
    await expect(page.getByRole('table', { name: 'Payments' }).locator('tbody tr')).toHaveCount(detail.payments.length);
    const totals = page.locator('dl.totals');
    await expect(totals).toContainText('Total');
    await expect(totals).toContainText('€' + Number(detail.total).toLocaleString('en-GB', { minimumFractionDigits: 2 }));
    const frame = page.locator(`iframe[title="PDF of Invoice ${number}"]`);
    await expect(frame).toHaveAttribute('src', /^blob:/);
    await expect(page.getByRole('button', { name: 'Print' })).toBeEnabled();

    // Back to the grid with its filters.
    await page.getByRole('link', { name: 'Back to documents' }).click();
    await expect(page).toHaveURL(main() + portal('/documents?status=overdue&sort=number'));
  });

  test('Download in the grid saves a PDF and fills the Downloaded cell without a reload', async ({ page, request }) => {
    await login(page, scratch(), 'acme');
    await waitForGrid(page, () => page.goto(scratch() + portal('/documents?sort=number&number=1012')));
    const row = gridRows(page).first();
    await expect(row.locator('td').nth(9)).toHaveText('—');
    const download = page.waitForEvent('download');
    await row.getByRole('button', { name: 'Download 0000001012 as PDF' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('invoice-0000001012.pdf');
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await expect(row.locator('td').nth(9)).toHaveText(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    // The focus stays on the button that was used.
    await expect(page.getByRole('button', { name: 'Download 0000001012 as PDF' })).toBeFocused();
    // The server recorded it.
    const token = await apiToken(request, scratch(), 'acme');
    const list = await (await request.get(`${scratch()}/api/v1/portal/documents?number=1012`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(list.items[0].downloaded_at).not.toBeNull();
    // And the downloaded filter now finds it.
    const downloaded = await waitForGrid(page, () => page.goto(scratch() + portal('/documents?downloaded=true')));
    expect(downloaded.items.map((r: { number: string }) => r.number)).toContain('0000001012');
    await expect(gridRows(page)).toHaveCount(downloaded.items.length);
    await screenshot(page, 'en/documents-downloaded', false);
  });

  test('Download on the document page saves a PDF', async ({ page }) => {
    await login(page, scratch(), 'acme');
    await waitForGrid(page, () => page.goto(scratch() + portal('/documents?number=1011')));
    await page.locator('table.grid-table tbody th a').first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Invoice 0000001011');
    await expect(page.locator('.downloaded-at')).toHaveText('Not yet');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    const file = await download;
    expect(readFileSync((await file.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await expect(page.locator('.downloaded-at')).not.toHaveText('Not yet');
  });

  test("a customer never reaches another customer's document by editing the URL", async ({ page, request }) => {
    // kunde's documents, as the API shows them to kunde.
    const token = await apiToken(request, main(), 'kunde');
    const theirs = await (await request.get(`${main()}/api/v1/portal/documents?per_page=5`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const other = theirs.items[0];
    await login(page, main(), 'acme');
    for (const id of [other.id, 999999, 'abc']) {
      const response = page.waitForResponse((r) => /\/api\/v1\/portal\/documents\/[^/?]+$/.test(r.url()) || id === 'abc');
      await page.goto(main() + portal(`/documents/${id}`));
      if (id !== 'abc') expect((await response).status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Document not found');
      const text = await page.locator('main').innerText();
      expect(text).not.toContain(other.number);
      expect(text).not.toContain('Kunde');
      await expect(page.locator('iframe')).toHaveCount(0);
    }
  });
});

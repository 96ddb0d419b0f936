import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { apiToken, chooseLanguage, expectAccessible, login, main, portal, screenshot, waitForGrid } from './helpers';

/** What a banking app reads from a picture: zbar's `zbarimg`, the payload's lines. */
function scan(png: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'epc-'));
  try {
    writeFileSync(join(dir, 'code.png'), png);
    const out = execFileSync('zbarimg', ['--raw', '-q', '-Sbinary', join(dir, 'code.png')], { encoding: 'utf-8' });
    return out.replace(/\n$/, '').split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The demo organisation's euro account (crates/store/src/demo.rs).
const IBAN = 'BG80BNBG96611020345678';
const BIC = 'BNBGBGSD';

test.describe('paying by bank transfer', () => {
  for (const lang of ['de', 'en'] as const) {
    test(`an open euro invoice shows the transfer's QR code a banking app reads (${lang})`, async ({ page, request }) => {
      await chooseLanguage(page, lang);
      await login(page, main(), 'kunde');
      await waitForGrid(page, () => page.goto(main() + portal('/documents?status=unpaid&currency=EUR&type=invoice&sort=number')));
      await page.locator('table.grid-table tbody th a').first().click();
      await expect(page).toHaveURL(/\/documents\/\d+$/);
      const id = page.url().split('/').pop();
      const token = await apiToken(request, main(), 'kunde');
      const detail = await (await request.get(`${main()}/api/v1/portal/documents/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();

      const code = page.locator('.transfer-card svg.transfer-code');
      await expect(code).toBeVisible();
      // Version 002, UTF-8, SEPA credit transfer, the issuer's account, what remains, the number.
      expect(scan(await code.screenshot())).toEqual([
        'BCD',
        '002',
        '1',
        'SCT',
        BIC,
        'Demo Trading Ltd',
        IBAN,
        `EUR${detail.remaining}`,
        '',
        '',
        detail.number,
      ]);
      const card = page.locator('.transfer-card');
      await expect(card.getByRole('img')).toHaveAccessibleName(lang === 'de' ? 'QR-Code für die Überweisung' : 'QR code for the transfer');
      await expect(card).toContainText(IBAN.replace(/(.{4})/g, '$1 ').trim());
      await expect(card).toContainText(detail.number);
      // Copy: the IBAN compact, the amount as the code has it.
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      const copy = card.getByRole('button', { name: lang === 'de' ? 'Kopieren: IBAN' : 'Copy: IBAN' });
      await copy.click();
      await expect(copy).toHaveText(lang === 'de' ? 'Kopiert' : 'Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(IBAN);
      const amount = card.getByRole('button', { name: lang === 'de' ? 'Kopieren: Betrag' : 'Copy: Amount' });
      await amount.click();
      await expect(amount).toHaveText(lang === 'de' ? 'Kopiert' : 'Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(detail.remaining);
      await expectAccessible(page, `transfer card (${lang})`);
      await screenshot(page, `transfer-${lang}`);
    });
  }

  // (Other currencies: the API tests, on a BGN invoice of the issuer's making.)
  test('paid invoices and documents that are not for paying have no code', async ({ page, request }) => {
    await chooseLanguage(page, 'en');
    await login(page, main(), 'acme');
    const token = await apiToken(request, main(), 'acme');
    const list = await (await request.get(`${main()}/api/v1/portal/documents?per_page=200`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const pick = (f: (d: any) => boolean) => list.items.find(f);
    const cases = [
      pick((d: any) => d.type === 'invoice' && d.currency === 'EUR' && d.remaining === '0.00'),
      pick((d: any) => d.type === 'offer' && d.currency === 'EUR'),
      pick((d: any) => d.type === 'delivery_note'),
    ].filter(Boolean);
    expect(cases.length).toBe(3);
    for (const d of cases) {
      await page.goto(main() + portal(`/documents/${d.id}`));
      await expect(page.locator('.doc-head h1')).toContainText(d.number);
      await expect(page.locator('.transfer-card')).toHaveCount(0);
    }
  });
});

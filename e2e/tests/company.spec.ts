// A customer keeps its company data current in the portal: a mistyped IBAN is refused beside
// its field, the right one is saved, the tax data the issuer keeps is read-only; the issuer sees
// the change in the contractor's history with the bank account highlighted.
import { expect, test } from '@playwright/test';
import { expectAccessible, login, ownerToken, portal, scratch, screenshot, staffSignIn } from './helpers';

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

test('a customer corrects its bank account and the issuer sees it in the history', async ({ page, browser, request }) => {
  test.slow();
  const owner = await ownerToken(request, scratch());
  const stamp = Date.now();
  const created = await request.post(`${scratch()}/api/v1/issuer/contractors`, {
    ...auth(owner),
    data: { name: `Holzhandel ${stamp}`, locale: 'en', iban: 'DE02120300000000202051', vat_number: 'DE123456789' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const contractor = (await created.json()).id as number;
  const username = `holz${stamp}`;
  const password = 'a long timber passphrase';
  const user = await request.post(`${scratch()}/api/v1/issuer/contractors/${contractor}/portal-users`, {
    ...auth(owner),
    data: { username, first_name: 'Hanna', last_name: 'Holz', password, must_change_password: false },
  });
  expect(user.status(), await user.text()).toBe(201);

  await login(page, scratch(), username, password);
  await page.getByRole('link', { name: 'Company' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Company data');
  await expect(page.locator('#iban')).toHaveValue('DE02120300000000202051');
  // Tax data stays with the issuer here.
  await expect(page.locator('#vat_number')).toHaveAttribute('readonly', '');
  await expect(page.locator('#company-form')).toContainText('Kept by the issuer: ask them to change it.');
  await expectAccessible(page, 'portal company page');

  // One digit wrong: the check digits say so, beside the field; nothing is saved.
  await page.locator('#iban').fill('DE89 3704 0044 0532 0130 01');
  await page.locator('#city').fill('Köln');
  await page.locator('#company-save').click();
  await expect(page.locator('#company-message')).toHaveText('Please correct the marked fields.');
  await expect(page.locator('#iban-error')).toHaveText("The IBAN's check digits do not match: a character is wrong or missing.");
  const unchanged = await (await request.get(`${scratch()}/api/v1/issuer/contractors/${contractor}`, auth(owner))).json();
  expect(unchanged.iban).toBe('DE02120300000000202051');
  expect(unchanged.address.city).toBeNull();

  await page.locator('#iban').fill('DE89 3704 0044 0532 0130 00');
  await page.locator('#company-save').click();
  await expect(page.locator('#company-message')).toHaveText('Your details have been saved.');
  await expect(page.locator('#iban')).toHaveValue('DE89370400440532013000');
  await screenshot(page, 'portal-company');

  // The issuer's contractor page lists the change, the bank account highlighted.
  const staff = await (await browser.newContext()).newPage();
  await staff.goto(`${scratch()}/admin/contractors/${contractor}`);
  await staffSignIn(staff);
  const history = staff.locator('#history');
  await expect(history.locator('tbody tr')).toHaveCount(2);
  const bankRow = history.locator('tr.change-bank');
  await expect(bankRow).toContainText('Hanna Holz');
  await expect(bankRow).toContainText('DE02120300000000202051');
  await expect(bankRow).toContainText('DE89370400440532013000');
  await expect(bankRow).toContainText('Bank account changed');
  await expect(history).toContainText('Köln');
  await expectAccessible(staff, 'admin contractor history');
  await screenshot(staff, 'admin-contractor-history');
});

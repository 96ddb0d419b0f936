import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiToken, chooseLanguage, expectAccessible, login, main, ownerToken, portal, scratch, screenshot, staffSignIn } from './helpers';

// `portal serve --demo` pays through a stand-in for Stripe Checkout (crates/fake-stripe): its
// hosted page has Pay and Cancel, and Pay sends the signed webhook before it returns the
// customer to the portal, as Stripe does.
const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const PASSWORD = 'a long payer passphrase';

/**
 * A customer of its own (other tests on this server change the demo users) in `locale`, its
 * portal user, and issued EUR invoices of one line each at `prices` (no VAT, due in `i + 1`
 * weeks): the username and the invoices' ids.
 */
async function customerWithInvoices(request: APIRequestContext, locale: string, prices: string[]) {
  const owner = await ownerToken(request, scratch());
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const created = await request.post(`${scratch()}/api/v1/issuer/contractors`, { ...auth(owner), data: { name: `Zahler ${stamp}`, locale } });
  expect(created.status(), await created.text()).toBe(201);
  const contractor = (await created.json()).id as number;
  const username = `payer${stamp}`;
  const user = await request.post(`${scratch()}/api/v1/issuer/contractors/${contractor}/portal-users`, {
    ...auth(owner),
    data: { username, first_name: 'Pia', last_name: 'Payer', email: `${username}@payer.example`, password: PASSWORD, must_change_password: false },
  });
  expect(user.status(), await user.text()).toBe(201);
  const ids: number[] = [];
  for (const [i, price] of prices.entries()) {
    const due = new Date(Date.now() + (i + 1) * 7 * 86_400_000).toISOString().slice(0, 10);
    const draft = await request.post(`${scratch()}/api/v1/issuer/documents`, {
      ...auth(owner),
      data: { contractor_id: contractor, type: 'invoice', currency: 'EUR', due_date: due, lines: [{ description: 'Consulting', quantity: '1', unit: 'h', unit_price: price, vat_rate: '0' }] },
    });
    expect(draft.status(), await draft.text()).toBe(201);
    const id = (await draft.json()).id as number;
    expect((await request.post(`${scratch()}/api/v1/issuer/documents/${id}/issue`, auth(owner))).status()).toBe(200);
    ids.push(id);
  }
  return { username, ids };
}

async function remainingOf(request: APIRequestContext, token: string, id: number) {
  return (await (await request.get(`${scratch()}/api/v1/portal/documents/${id}`, auth(token))).json()).remaining as string;
}

test.describe('paying online', () => {
  test('a customer pays an open invoice on the payment page and sees it paid (es)', async ({ page, request }) => {
    const { username, ids } = await customerWithInvoices(request, 'es', ['1234.50']);
    await chooseLanguage(page, 'es');
    await login(page, scratch(), username, PASSWORD);
    await page.goto(scratch() + portal(`/documents/${ids[0]}`));
    const card = page.locator('.pay-online');
    await expect(card.getByRole('heading')).toHaveText('Pagar en línea');
    const pay = card.getByRole('button', { name: 'Pagar 1.234,50 €' });
    await expect(pay).toBeVisible();
    await expectAccessible(page, 'pay online card (es)');
    await screenshot(page, 'pay-online-es');

    await pay.click();
    // The provider's page: another origin, the amount in Stripe's units (cents).
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Pay EUR 123450');
    expect(new URL(page.url()).port).not.toBe(new URL(scratch()).port);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();

    // Back in the portal: thanked, and the invoice is paid.
    await expect(page).toHaveURL(new RegExp(`/documents/${ids[0]}\\?payment=pa_`));
    await expect(page.locator('#payment-outcome')).toHaveText('Gracias: hemos recibido su pago de 1.234,50 €.');
    await expect(page.locator('.pay-online')).toHaveCount(0);
    const token = await apiToken(request, scratch(), username, PASSWORD);
    const after = await (await request.get(`${scratch()}/api/v1/portal/documents/${ids[0]}`, auth(token))).json();
    expect([after.paid, after.remaining, after.payments.length]).toEqual(['1234.50', '0.00', 1]);
    await screenshot(page, 'pay-online-paid-es');
  });

  test('part of an invoice, within the issuer\'s minimum; then all open invoices at once from the overview (en)', async ({ page, request }) => {
    const { username, ids } = await customerWithInvoices(request, 'en', ['300.00', '200.00']);
    const token = await apiToken(request, scratch(), username, PASSWORD);
    await chooseLanguage(page, 'en');
    await login(page, scratch(), username, PASSWORD);
    await page.goto(scratch() + portal(`/documents/${ids[0]}`));
    // The demo allows part payments of at least 10.
    await page.getByLabel('Pay another amount').check();
    await expect(page.locator('#pay-amount-hint')).toHaveText('From €10.00 up to €300.00.');
    await page.getByLabel('Amount to pay').fill('5');
    await page.getByRole('button', { name: 'Pay this amount' }).click();
    await expect(page.locator('.pay-online [role=alert]')).toHaveText('That is less than the smallest part payment.');
    await page.getByLabel('Amount to pay').fill('1,000.00');
    await page.getByRole('button', { name: 'Pay this amount' }).click();
    await expect(page.locator('.pay-online [role=alert]')).toHaveText('That is more than what remains to pay.');
    await page.getByLabel('Amount to pay').fill('120.50');
    await expectAccessible(page, 'part payment');
    await screenshot(page, 'pay-part-en', false);
    await page.getByRole('button', { name: 'Pay this amount' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Pay EUR 12050');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await expect(page.locator('#payment-outcome')).toHaveText('Thank you: your payment of €120.50 has been received.');
    expect(await remainingOf(request, token, ids[0])).toBe('179.50');

    // The overview: all that is open in euros (179.50 + 200.00) in one payment.
    await page.goto(scratch() + portal(''));
    await page.getByRole('button', { name: 'Pay open invoices online' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Pay EUR 37950');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    // Back on the invoice due first, which tells about the whole payment.
    await expect(page).toHaveURL(new RegExp(`/documents/${ids[0]}\\?payment=pa_`));
    await expect(page.locator('#payment-outcome')).toHaveText('Thank you: your payment of €379.50 has been received.');
    expect(await remainingOf(request, token, ids[0])).toBe('0.00');
    expect(await remainingOf(request, token, ids[1])).toBe('0.00');
    await page.goto(scratch() + portal(''));
    await expect(page.locator('.currency-card').first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Pay open invoices online' })).toHaveCount(0);
  });

  test('two invoices picked in the grid are paid together in one checkout; the third stays open (de)', async ({ page, request }) => {
    const { username, ids } = await customerWithInvoices(request, 'de', ['40.00', '60.50', '25.00']);
    const token = await apiToken(request, scratch(), username, PASSWORD);
    await chooseLanguage(page, 'de');
    await login(page, scratch(), username, PASSWORD);
    await page.goto(scratch() + portal('/documents?sort=due_date'));
    const bar = page.locator('#pick-bar');
    await expect(bar).toBeHidden();
    const numbers = await Promise.all(ids.map(async (id) =>
      (await (await request.get(`${scratch()}/api/v1/portal/documents/${id}`, auth(token))).json()).number as string));
    await page.getByRole('checkbox', { name: `${numbers[0]} zum Bezahlen auswählen` }).check();
    await expect(bar).toContainText('Ausgewählt: 1 Dokument, 40,00 € zu zahlen');
    // by keyboard, as a screen reader user would
    await page.getByRole('checkbox', { name: `${numbers[1]} zum Bezahlen auswählen` }).focus();
    await page.keyboard.press('Space');
    await expect(bar).toContainText('Ausgewählt: 2 Dokumente, 100,50 € zu zahlen');
    await expectAccessible(page, 'grid with two picked (de)');
    await screenshot(page, 'pay-picked-de');
    // a new page of rows (here: the sort reversed) has nothing ticked, and the bar goes
    await page.goto(scratch() + portal('/documents?sort=-due_date'));
    await expect(page.getByRole('checkbox', { name: `${numbers[0]} zum Bezahlen auswählen` })).not.toBeChecked();
    await expect(bar).toBeHidden();
    await page.getByRole('checkbox', { name: `${numbers[0]} zum Bezahlen auswählen` }).check();
    await page.getByRole('checkbox', { name: `${numbers[1]} zum Bezahlen auswählen` }).check();
    await bar.getByRole('button', { name: 'Auswahl bezahlen' }).click();
    // the provider's page: one payment of both, in cents
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Pay EUR 10050');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/documents/${ids[0]}\\?payment=pa_`));
    await expect(page.locator('#payment-outcome')).toHaveText('Vielen Dank: Ihre Zahlung über 100,50 € ist eingegangen.');
    expect(await remainingOf(request, token, ids[0])).toBe('0.00');
    expect(await remainingOf(request, token, ids[1])).toBe('0.00');
    expect(await remainingOf(request, token, ids[2])).toBe('25.00');
    // back in the grid: only the third can still be picked
    await page.goto(scratch() + portal('/documents'));
    await expect(page.getByRole('checkbox', { name: `${numbers[2]} zum Bezahlen auswählen` })).toBeVisible();
    await expect(page.locator('input.pick')).toHaveCount(1);
  });

  test('cancelling on the payment page charges nothing and says so (de)', async ({ page, request }) => {
    const { username, ids } = await customerWithInvoices(request, 'de', ['80.00']);
    await chooseLanguage(page, 'de');
    await login(page, scratch(), username, PASSWORD);
    await page.goto(scratch() + portal(`/documents/${ids[0]}`));
    await page.locator('#pay-online').click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/documents/${ids[0]}\\?payment=pa_.*cancelled=1`));
    await expect(page.locator('#payment-outcome')).toHaveText('Die Zahlung wurde abgebrochen; es wurde nichts belastet.');
    await expect(page.locator('#pay-online')).toBeVisible();
    const token = await apiToken(request, scratch(), username, PASSWORD);
    expect(await remainingOf(request, token, ids[0])).toBe('80.00');
  });
});

test.describe('online payment settings', () => {
  test('the admin shows the connected account and the webhook address, never a key, and names a malformed key', async ({ page }) => {
    await page.goto(main() + '/admin/login');
    await staffSignIn(page);
    await expect(page).toHaveURL(/\/admin$/);
    await page.goto(main() + '/admin/settings');
    const form = page.locator('#payment-settings');
    await expect(form.getByRole('heading', { name: 'Online payments (Stripe)' })).toBeVisible();
    // The demo's stand-in account: its key's hint only.
    await expect(page.locator('#stripe-status')).toHaveText('Connected with sk_test_…0001 (test mode).');
    await expect(page.locator('#webhook-url')).toHaveText(/\/api\/v1\/payments\/stripe\/webhook\/\d+$/);
    await expect(page.locator('#stripe-secret-key')).toHaveValue('');
    await expect(page.locator('#stripe-secret-key')).toHaveAttribute('type', 'password');
    await expect(page.locator('#online-for-all')).toBeChecked();
    await expect(page.locator('#allow-partial')).toBeChecked();
    await expect(page.locator('#partial-minimum')).toHaveValue('10');
    await page.locator('#test-stripe').click();
    await expect(form.locator('.alert-success')).toContainText('Stripe accepts the key (test mode');
    await expectAccessible(page, 'payment settings');
    await form.screenshot({ path: 'test-results/screenshots/admin-payments-en.png' });
    // A publishable key where the secret key belongs: refused under its field, nothing saved.
    await page.locator('#stripe-secret-key').fill('pk_test_123456789012');
    await page.locator('#stripe-webhook-secret').fill('whsec_abcdefghijkl');
    await page.locator('#save-payments').click();
    await expect(page.locator('#stripe-secret-key-error')).toBeVisible();
    await expect(page.locator('#stripe-status')).toHaveText('Connected with sk_test_…0001 (test mode).');
  });

  test('the issuer sees the customers\' online payments, newest first', async ({ page, request }) => {
    const { username, ids } = await customerWithInvoices(request, 'en', ['42.00']);
    const token = await apiToken(request, scratch(), username, PASSWORD);
    const started = await request.post(`${scratch()}/api/v1/portal/payments/checkout`, { ...auth(token), data: { document_ids: ids } });
    expect(started.status(), await started.text()).toBe(201);
    // Paid on the provider's page (its form, posted as the browser would).
    const paid = await request.post((await started.json()).checkout_url, { form: { action: 'pay' }, maxRedirects: 0 });
    expect(paid.status()).toBe(303);
    await page.goto(scratch() + '/admin/login');
    await staffSignIn(page);
    await expect(page).toHaveURL(/\/admin$/);
    await page.goto(scratch() + '/admin/settings');
    const row = page.locator('#online-payments tbody tr').filter({ hasText: `Zahler ${username.slice(5)}` });
    await expect(row).toContainText('€42.00');
    await expect(row.locator('.badge')).toHaveText('Paid');
    await expect(row.getByRole('link', { name: /^\d+$/ })).toHaveAttribute('href', `/admin/documents/${ids[0]}`);
    await expectAccessible(page, 'online payments list');
  });
});

import { expect, test } from '@playwright/test';
import { apiToken, chooseLanguage, expectAccessible, login, main, portal, scratch, screenshot, staffSignIn, waitForGrid } from './helpers';

// `portal serve --demo` pays through a stand-in for Stripe Checkout (crates/fake-stripe): its
// hosted page has Pay and Cancel, and Pay sends the signed webhook before it returns the
// customer to the portal, as Stripe does.
test.describe('paying online', () => {
  test('a customer pays an open invoice on the payment page and sees it paid (es)', async ({ page, request }) => {
    await chooseLanguage(page, 'es');
    await login(page, scratch(), 'cliente');
    await waitForGrid(page, () => page.goto(scratch() + portal('/documents?status=unpaid&type=invoice&sort=-number')));
    await page.locator('table.grid-table tbody th a').first().click();
    await expect(page).toHaveURL(/\/documents\/\d+$/);
    const id = page.url().split('/').pop();
    const token = await apiToken(request, scratch(), 'cliente');
    const before = await (await request.get(`${scratch()}/api/v1/portal/documents/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(before.remaining).not.toBe('0.00');

    const card = page.locator('.pay-online');
    await expect(card.getByRole('heading')).toHaveText('Pagar en línea');
    const pay = card.getByRole('button', { name: /^Pagar / });
    await expect(pay).toBeVisible();
    await expectAccessible(page, 'pay online card (es)');
    await screenshot(page, 'pay-online-es');

    await pay.click();
    // The provider's page: another origin, the amount in Stripe's units.
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Pay');
    expect(new URL(page.url()).port).not.toBe(new URL(scratch()).port);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();

    // Back in the portal: thanked, and the invoice is paid.
    await expect(page).toHaveURL(new RegExp(`/documents/${id}\\?payment=pa_`));
    const outcome = page.locator('#payment-outcome');
    await expect(outcome).toContainText('Gracias: hemos recibido su pago de');
    await expect(page.locator('.pay-online')).toHaveCount(0);
    const after = await (await request.get(`${scratch()}/api/v1/portal/documents/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(after.remaining).toBe('0.00');
    expect(after.paid).toBe(before.total);
    expect(after.payments).toHaveLength(before.payments.length + 1);
    await screenshot(page, 'pay-online-paid-es');
  });

  test('cancelling on the payment page charges nothing and says so (en)', async ({ page, request }) => {
    await chooseLanguage(page, 'en');
    await login(page, scratch(), 'kunde');
    await waitForGrid(page, () => page.goto(scratch() + portal('/documents?status=unpaid&type=invoice&sort=-number')));
    await page.locator('table.grid-table tbody th a').first().click();
    await expect(page).toHaveURL(/\/documents\/\d+$/);
    const id = page.url().split('/').pop();
    const token = await apiToken(request, scratch(), 'kunde');
    const before = await (await request.get(`${scratch()}/api/v1/portal/documents/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    await page.locator('#pay-online').click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/documents/${id}\\?payment=pa_.*cancelled=1`));
    await expect(page.locator('#payment-outcome')).toHaveText('The payment was cancelled; nothing was charged.');
    await expect(page.locator('#pay-online')).toBeVisible();
    const after = await (await request.get(`${scratch()}/api/v1/portal/documents/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(after.remaining).toBe(before.remaining);
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
    await expectAccessible(page, 'payment settings');
    await form.screenshot({ path: 'test-results/screenshots/admin-payments-en.png' });
    // A publishable key where the secret key belongs: refused under its field, nothing saved.
    await page.locator('#stripe-secret-key').fill('pk_test_123456789012');
    await page.locator('#stripe-webhook-secret').fill('whsec_abcdefghijkl');
    await page.locator('#save-payments').click();
    await expect(page.locator('#stripe-secret-key-error')).toBeVisible();
    await expect(page.locator('#stripe-status')).toHaveText('Connected with sk_test_…0001 (test mode).');
  });
});

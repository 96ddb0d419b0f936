// An offer the customer accepted (through the portal's API: the portal's buttons come later)
// shows the decision on the admin's document page, and one click drafts the invoice with the
// offer's lines.
import { expect, test } from '@playwright/test';
import { apiToken, expectAccessible, ownerToken, scratch, screenshot, staffSignIn } from './helpers';

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

test('an accepted offer shows the decision and becomes a draft invoice with its lines', async ({ page, request }) => {
  // A customer and portal user of its own: other tests on this server change the demo users.
  const owner = await ownerToken(request, scratch());
  const stamp = Date.now();
  const created = await request.post(`${scratch()}/api/v1/issuer/contractors`, { ...auth(owner), data: { name: `Regal Werk ${stamp}` } });
  expect(created.status(), await created.text()).toBe(201);
  const contractor = (await created.json()).id as number;
  const username = `einkauf${stamp}`;
  const password = 'a long buyer passphrase';
  const user = await request.post(`${scratch()}/api/v1/issuer/contractors/${contractor}/portal-users`, {
    ...auth(owner),
    data: { username, first_name: 'Eva', last_name: 'Einkauf', password, must_change_password: false },
  });
  expect(user.status(), await user.text()).toBe(201);
  const kunde = await apiToken(request, scratch(), username, password);
  const me = await (await request.get(`${scratch()}/api/v1/portal/me`, auth(kunde))).json();
  const today = new Date().toISOString().slice(0, 10);
  const draft = await request.post(`${scratch()}/api/v1/issuer/documents`, {
    ...auth(owner),
    data: {
      contractor_id: me.contractor_id,
      type: 'offer',
      currency: 'EUR',
      due_date: today,
      lines: [
        { description: 'Regal, Eiche', quantity: '3', unit: 'Stk', unit_price: '120.50', vat_rate: '19' },
        { description: 'Montage', quantity: '2.5', unit: 'h', unit_price: '40', vat_rate: '19' },
      ],
    },
  });
  expect(draft.status(), await draft.text()).toBe(201);
  const id = (await draft.json()).id as number;
  expect((await request.post(`${scratch()}/api/v1/issuer/documents/${id}/issue`, auth(owner))).status()).toBe(200);
  const accepted = await request.post(`${scratch()}/api/v1/portal/documents/${id}/accept`, {
    ...auth(kunde),
    data: { reason: 'Passt <so>, bitte liefern.' },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);
  const decision = (await accepted.json()).decision;

  await page.goto(`${scratch()}/admin/documents/${id}`);
  await staffSignIn(page);
  const facts = page.locator('dl.facts');
  await expect(facts).toContainText('Customer\'s decision');
  await expect(facts).toContainText(`Accepted · ${decision.decided_by}`);
  await expect(facts).toContainText('Passt <so>, bitte liefern.');
  await expect(page.locator('#to-order')).toBeVisible();
  await expect(page.getByText(`Offer accepted by the customer · ${decision.decided_by}`)).toBeVisible();
  await expectAccessible(page, 'admin accepted offer');
  await screenshot(page, 'admin-offer-accepted');

  await page.locator('#to-invoice').click();
  await expect(page).toHaveURL(/\/admin\/documents\/\d+\/edit$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edit draft');
  await expect(page.locator('#editor-lines tbody tr')).toHaveCount(2);
  const descriptions = page.locator('#editor-lines tbody tr input[id$="-description"]');
  await expect(descriptions.nth(0)).toHaveValue('Regal, Eiche');
  await expect(descriptions.nth(1)).toHaveValue('Montage');
});

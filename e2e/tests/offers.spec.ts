// A customer decides offers in the portal: accepts one (the reason is optional), is asked for a
// reason before rejecting where the issuer requires one, and is shown the decision made in
// another tab instead of deciding twice. Markup in a reason stays text.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiToken, expectAccessible, login, ownerToken, portal, scratch, screenshot } from './helpers';

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function issuedOffer(request: APIRequestContext, owner: string, contractor: number, description: string) {
  const valid = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const draft = await request.post(`${scratch()}/api/v1/issuer/documents`, {
    ...auth(owner),
    data: {
      contractor_id: contractor,
      type: 'offer',
      currency: 'EUR',
      due_date: valid,
      lines: [{ description, quantity: '1', unit: 'pc', unit_price: '950', vat_rate: '19' }],
    },
  });
  expect(draft.status(), await draft.text()).toBe(201);
  const id = (await draft.json()).id as number;
  expect((await request.post(`${scratch()}/api/v1/issuer/documents/${id}/issue`, auth(owner))).status()).toBe(200);
  return id;
}

async function setReasonRequired(request: APIRequestContext, owner: string, required: boolean) {
  const saved = await request.patch(`${scratch()}/api/v1/issuer/settings`, {
    ...auth(owner),
    data: { portal: { rejection_reason_required: required } },
  });
  expect(saved.status(), await saved.text()).toBe(200);
}

test('a customer accepts one offer, rejects another with the reason asked for, and never decides twice', async ({ page, request }) => {
  test.slow();
  const owner = await ownerToken(request, scratch());
  const stamp = Date.now();
  const created = await request.post(`${scratch()}/api/v1/issuer/contractors`, {
    ...auth(owner),
    data: { name: `Küchenbau ${stamp}`, locale: 'en' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const contractor = (await created.json()).id as number;
  const username = `kueche${stamp}`;
  const password = 'a long kitchen passphrase';
  const user = await request.post(`${scratch()}/api/v1/issuer/contractors/${contractor}/portal-users`, {
    ...auth(owner),
    data: { username, first_name: 'Karl', last_name: 'Koch', password, must_change_password: false },
  });
  expect(user.status(), await user.text()).toBe(201);
  const [first, second, third] = [
    await issuedOffer(request, owner, contractor, 'Kitchen, oak'),
    await issuedOffer(request, owner, contractor, 'Kitchen, walnut'),
    await issuedOffer(request, owner, contractor, 'Kitchen, birch'),
  ];

  // Accept: the reason is optional; the decision replaces the buttons.
  await login(page, scratch(), username, password);
  await page.goto(scratch() + portal(`/documents/${first}`));
  const card = page.locator('section.decision-card');
  await expect(card).toContainText('This offer is valid until');
  await expectAccessible(page, 'portal open offer');
  await page.locator('#offer-accept').click();
  await expect(card.locator('label[for=decision-reason]')).toHaveText('Reason (optional)');
  await page.locator('#decision-confirm').click();
  await expect(page.locator('#decision-made')).toHaveText(/^Accepted by Karl Koch on /);
  await expect(page.locator('#offer-accept')).toHaveCount(0);
  await expect(page.locator('.doc-head .badges')).toContainText('Accepted');

  // The issuer asks for a reason on rejections: none, or a blank one, is refused with a message
  // and changes nothing; then the reason given (markup and all) is shown as text.
  await setReasonRequired(request, owner, true);
  try {
    await page.goto(scratch() + portal(`/documents/${second}`));
    await page.locator('#offer-reject').click();
    await expect(card.locator('label[for=decision-reason]')).toHaveText('Reason (required)');
    await page.locator('#decision-reason').fill('   ');
    await page.locator('#decision-confirm').click();
    await expect(page.locator('#decision-error')).toHaveText('Please say why you reject the offer.');
    const kunde = await apiToken(request, scratch(), username, password);
    const still = await (await request.get(`${scratch()}/api/v1/portal/documents/${second}`, auth(kunde))).json();
    expect(still.state).toBe('issued');
    const reason = 'Too dear <b>for now</b> <img src=x onerror="window.pwned=1">';
    await page.locator('#decision-reason').fill(reason);
    await page.locator('#decision-confirm').click();
    await expect(page.locator('#decision-made')).toHaveText(/^Rejected by Karl Koch on /);
    await expect(page.locator('.decision-reason')).toHaveText(reason);
    await expect(card.locator('img, b')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await screenshot(page, 'portal-offer-rejected');

    // Decided in another tab meanwhile: the answer says so and shows the decision made there.
    await page.goto(scratch() + portal(`/documents/${third}`));
    await page.locator('#offer-accept').click();
    const elsewhere = await request.post(`${scratch()}/api/v1/portal/documents/${third}/reject`, {
      ...auth(kunde),
      data: { reason: 'Decided elsewhere' },
    });
    expect(elsewhere.status(), await elsewhere.text()).toBe(200);
    await page.locator('#decision-confirm').click();
    await expect(page.locator('#decision-error')).toHaveText('This offer is no longer open for a decision.');
    await expect(page.locator('#decision-made')).toHaveText(/^Rejected by Karl Koch on /);
    await expect(page.locator('.decision-reason')).toHaveText('Decided elsewhere');
    const after = await (await request.get(`${scratch()}/api/v1/portal/documents/${third}`, auth(kunde))).json();
    expect(after.state).toBe('rejected');
  } finally {
    await setReasonRequired(request, owner, false);
  }
});

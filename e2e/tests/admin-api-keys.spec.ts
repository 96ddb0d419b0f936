import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot, scratch, staffSignIn } from './helpers';

// The admin's API keys (settings): made with a level per resource, the whole key shown once,
// used by a program, and revoked from the list — the program's next request is refused.

test('an owner makes an API key, a program uses it within its scopes, and revoking it stops it', async ({ page, request }) => {
  await page.goto(scratch() + '/admin/login');
  await staffSignIn(page);
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto(scratch() + '/admin/settings');
  const section = page.locator('section[aria-labelledby=api-keys-title]');
  await expect(section.getByRole('heading', { name: 'API keys', exact: true })).toBeVisible();

  // Nothing chosen: the form says what is missing and makes nothing.
  await page.locator('#api-key-name').fill('Shop sync');
  await page.locator('#create-api-key').click();
  await expect(section.locator('.form-message, [role=alert]').first()).toContainText('at least one scope');

  await page.locator('#scope-documents').selectOption('read');
  await page.locator('#scope-contractors').selectOption('write');
  await page.locator('#create-api-key').click();
  const token = page.locator('#api-key-token');
  await expect(token).toHaveValue(/^cpk_live_[A-Za-z0-9]{12}_[A-Za-z0-9]{38}$/);
  const key = await token.inputValue();
  const row = page.locator('#api-keys tbody tr').filter({ hasText: 'Shop sync' });
  await expect(row).toContainText(key.slice(0, 21));
  await expect(row).toContainText('contractors:write, documents:read');
  await expect(row).toContainText('Never used');
  await expectAccessible(page, 'api keys');
  await screenshot(page, 'admin-api-keys-en');

  // The program: reads documents, may not record payments.
  const auth = { headers: { authorization: `Bearer ${key}` } };
  const documents = await request.get(`${scratch()}/api/v1/issuer/documents`, auth);
  expect(documents.status()).toBe(200);
  expect(documents.headers()['ratelimit-limit']).toBe('600');
  const payments = await request.get(`${scratch()}/api/v1/issuer/payments/online`, auth);
  expect(payments.status()).toBe(403);
  expect((await payments.json()).code).toBe('insufficient_scope');

  // Done with the key; the list shows its use; revoked, it stops.
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(token).toHaveCount(0);
  await page.reload();
  await expect(row).toContainText('127.0.0.1');
  await row.getByRole('button', { name: 'Revoke Shop sync' }).click();
  await expect(row.locator('.badge')).toHaveText('Revoked');
  const after = await request.get(`${scratch()}/api/v1/issuer/documents`, auth);
  expect(after.status()).toBe(401);
  expect((await after.json()).code).toBe('api_key_revoked');
});

import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot, scratch, staffSignIn } from './helpers';

// The admin's webhooks (settings): register an endpoint — its secret shown once —, send a test
// event to a receiver on loopback, read the delivery log with the attempt and the body, resend,
// disable and enable, delete. The receiver checks each signature with Node's own HMAC.

type Received = { id: string; timestamp: string; signature: string; body: string };

async function receiver() {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { got, url: `http://127.0.0.1:${port}/hooks/portal`, close: () => server.close() };
}

/** Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" keyed with the secret's bytes. */
function signatureOf(secret: string, r: Received): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${r.id}.${r.timestamp}.${r.body}`).digest('base64');
}

test('an owner registers a webhook, tests it, reads the log, resends, disables and deletes it', async ({ page }) => {
  const hook = await receiver();
  try {
    await page.goto(scratch() + '/admin/login');
    await staffSignIn(page);
    await expect(page).toHaveURL(/\/admin$/);
    await page.goto(scratch() + '/admin/settings');
    const section = page.locator('section[aria-labelledby=webhooks-title]');
    await expect(section.getByRole('heading', { name: 'Webhooks', exact: true })).toBeVisible();
    await expect(section.locator('#webhooks-none')).toBeVisible();

    // No event chosen: the form says so and registers nothing.
    await page.locator('#endpoint-url').fill(hook.url);
    await page.locator('#create-webhook').click();
    await expect(section.locator('.form-message, [role=alert]').first()).toContainText('at least one event');

    await page.locator('#endpoint-description').fill('Accounting');
    // Events no other test of this shared server causes (none cancels a document or deletes
    // a payment), so that only this test's deliveries reach the receiver.
    await page.locator('#event-document-cancelled').check();
    await page.locator('#event-payment-deleted').check();
    await page.locator('#create-webhook').click();
    const secretField = page.locator('#webhook-secret');
    await expect(secretField).toHaveValue(/^whsec_[A-Za-z0-9+/]{32}$/);
    const secret = await secretField.inputValue();
    const card = section.locator('article.webhook');
    await expect(card).toContainText(hook.url);
    await expect(card).toContainText('document.cancelled, payment.deleted');
    await expect(card.locator('.badge')).toHaveText('Enabled');
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(secretField).toHaveCount(0);

    // A test event reaches the receiver, signed with the secret shown.
    await card.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => hook.got.length, { timeout: 10_000 }).toBe(1);
    const first = hook.got[0];
    expect(first.signature).toBe(signatureOf(secret, first));
    expect(JSON.parse(first.body).type).toBe('webhook.test');
    const log = card.locator('table.webhook-log tbody tr');
    await expect(log.first()).toContainText('webhook.test');
    await expect(log.first().locator('.badge')).toHaveText('Delivered', { timeout: 10_000 });
    await expect(log.first()).toContainText('200');
    await log.first().getByRole('button', { name: 'Details' }).click();
    const detail = card.locator('.webhook-detail');
    await expect(detail).toContainText(first.id);
    await expect(detail).toContainText('thanks');
    await expect(detail.locator('pre').last()).toHaveText(first.body);
    await expectAccessible(page, 'webhooks');
    await screenshot(page, 'admin-webhooks-en');

    // Each language, on a phone and on a wide window: the section as a person sees it.
    for (const lang of ['en', 'bg', 'de', 'es'] as const) {
      await page.evaluate((l) => window.localStorage.setItem('admin.locale', l), lang);
      for (const [width, name] of [[390, 'phone'], [1366, 'wide']] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.reload();
        await card.locator('.form-actions button').nth(1).click();
        await expect(log.first().locator('.badge')).toBeVisible();
        await section.screenshot({ path: `test-results/screenshots/admin-webhooks-${lang}-${name}.png` });
      }
    }

    // The same in Bulgarian on a phone: the card and its log fit the width.
    await page.evaluate(() => window.localStorage.setItem('admin.locale', 'bg'));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(section.getByRole('heading', { name: 'Уебхукове', exact: true })).toBeVisible();
    await card.getByRole('button', { name: 'Дневник на доставките' }).click();
    await expect(log.first().locator('.badge')).toHaveText('Доставено');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-webhooks-bg-phone', false);
    await page.evaluate(() => window.localStorage.setItem('admin.locale', 'en'));
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.reload();
    await card.getByRole('button', { name: 'Delivery log' }).click();
    await expect(log.first().locator('.badge')).toHaveText('Delivered');

    // Resent: the same message again, as a new delivery.
    await log.first().getByRole('button', { name: 'Resend' }).click();
    await expect.poll(() => hook.got.filter((g) => g.id === first.id).length, { timeout: 10_000 }).toBe(2);
    await expect(log).toHaveCount(2);

    // Disabled, then enabled again.
    await card.getByRole('button', { name: 'Disable' }).click();
    await expect(card.locator('.webhook-head .badge')).toHaveText('Disabled');
    await card.getByRole('button', { name: 'Enable' }).click();
    await expect(card.locator('.webhook-head .badge')).toHaveText('Enabled');

    // Deleted.
    await card.getByRole('button', { name: 'Delete' }).click();
    await expect(section.locator('#webhooks-none')).toBeVisible();
  } finally {
    hook.close();
  }
});

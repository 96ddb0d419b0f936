// The conversation on a document, both sides in the browser: the customer writes with a PDF
// attached (markup in the text and the file's name stays text), the salesperson is mailed, staff
// reply in the admin, the customer sees the reply and is mailed; an oversized file is refused
// with a message naming it.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { apiToken, expectAccessible, login, mailsOf, ownerToken, portal, scratch, screenshot, staffSignIn } from './helpers';

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

test('customer and staff talk on a document, with a file, each side mailed', async ({ page, browser, request }) => {
  test.slow();
  // A customer and portal user of their own: other tests on this server change the demo users.
  const owner = await ownerToken(request, scratch());
  const stamp = Date.now();
  const created = await request.post(`${scratch()}/api/v1/issuer/contractors`, {
    ...auth(owner),
    data: { name: `Papierhaus ${stamp}`, locale: 'en' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const contractor = (await created.json()).id as number;
  const username = `buch${stamp}`;
  const email = `buch${stamp}@papierhaus.example`;
  const password = 'a long bookkeeper passphrase';
  const user = await request.post(`${scratch()}/api/v1/issuer/contractors/${contractor}/portal-users`, {
    ...auth(owner),
    data: { username, first_name: 'Bea', last_name: 'Buch', email, password, must_change_password: false },
  });
  expect(user.status(), await user.text()).toBe(201);
  const draft = await request.post(`${scratch()}/api/v1/issuer/documents`, {
    ...auth(owner),
    data: {
      contractor_id: contractor,
      type: 'invoice',
      currency: 'EUR',
      lines: [{ description: 'Paper, A4', quantity: '10', unit: 'box', unit_price: '24.90', vat_rate: '19' }],
    },
  });
  expect(draft.status(), await draft.text()).toBe(201);
  const id = (await draft.json()).id as number;
  expect((await request.post(`${scratch()}/api/v1/issuer/documents/${id}/issue`, auth(owner))).status()).toBe(200);
  expect(await apiToken(request, scratch(), username, password)).toBeTruthy();

  // The customer writes, with a PDF whose name and text hold markup.
  await page.goto(scratch() + portal('/login'));
  await login(page, scratch(), username, password);
  await page.goto(scratch() + portal(`/documents/${id}`));
  await expect(page.locator('#thread')).toContainText('No comments yet.');
  const text = 'Paid on Monday <b>in full</b> <img src=x onerror="window.pwned=1">';
  const fileName = '<img src=y onerror=window.pwned=2>.pdf';
  await page.locator('#comment-body').fill(text);
  await page.locator('#comment-files').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: PDF });
  await page.locator('#comment-send').click();
  const mine = page.locator('#thread .comment').first();
  await expect(mine.locator('.comment-body')).toHaveText(text);
  await expect(mine.locator('button[data-file]')).toHaveText(fileName);
  await expect(page.locator('#thread img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(page.locator('#comment-body')).toHaveValue('');
  await expectAccessible(page, 'portal document with a comment');
  await screenshot(page, 'portal-comment');

  // The file downloads as sent.
  const download = page.waitForEvent('download');
  await mine.locator('button[data-file]').click();
  const saved = await download;
  expect(readFileSync((await saved.path())!)).toEqual(PDF);

  // An oversized file is refused, named in the message; nothing is added.
  await page.locator('#comment-body').fill('the full scan');
  await page.locator('#comment-files').setInputFiles({
    name: 'scan.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]),
  });
  await page.locator('#comment-send').click();
  await expect(page.locator('#comment-error')).toHaveText('“scan.pdf” is too large.');
  await expect(page.locator('#thread .comment')).toHaveCount(1);

  // The salesperson (nobody here: the owners and admins) is mailed, the words quoted.
  await expect.poll(() => mailsOf('scratch').filter((m) => m.to === 'owner@demo.example' && m.text.includes('Paid on Monday')).length, { timeout: 10_000 }).toBe(1);

  // Staff find it among their unread comments on the overview, marked new in the thread, and
  // reply.
  const number = (await (await request.get(`${scratch()}/api/v1/issuer/documents/${id}`, auth(owner))).json()).number as string;
  const context = await browser.newContext();
  const staff = await context.newPage();
  await staff.goto(`${scratch()}/admin`);
  await staffSignIn(staff);
  await staff.locator('#unread').getByRole('link', { name: `Invoice ${number}`, exact: true }).click();
  await expect(staff).toHaveURL(new RegExp(`/admin/documents/${id}$`));
  const thread = staff.locator('#thread');
  await expect(thread.locator('.comment-body')).toHaveText(text);
  await expect(thread.locator('.comment-new')).toContainText('New');
  await expect(thread.locator('button[data-file]')).toHaveText(fileName);
  await staff.locator('#comment-body').fill('Thank you, Bea — booked.\nSee you next month.');
  await staff.locator('#comment-send').click();
  await expect(thread.locator('.comment')).toHaveCount(2);
  await expect(thread.locator('.comment-mine .comment-body')).toHaveText('Thank you, Bea — booked.\nSee you next month.');
  await expectAccessible(staff, 'admin document with a thread');
  await screenshot(staff, 'admin-comment-thread');
  await context.close();

  // The customer's overview points to the reply; it is marked new once, and is mailed.
  await page.goto(scratch() + portal(''));
  const unread = page.locator('#unread');
  await expect(unread).toBeVisible();
  await unread.getByRole('link', { name: new RegExp(number) }).click();
  await expect(page.locator('#thread .comment')).toHaveCount(2);
  await expect(page.locator('#thread .comment').nth(1)).toContainText('See you next month.');
  await expect(page.locator('#thread .comment-new')).toHaveCount(1);
  await page.reload();
  await expect(page.locator('#thread .comment')).toHaveCount(2);
  await expect(page.locator('#thread .comment-new')).toHaveCount(0);
  // Back on the overview, nothing is unread any more (asserted once the list has been asked for).
  const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/portal/comments/unread'));
  await page.goto(scratch() + portal(''));
  expect((await (await asked).json()).items).toEqual([]);
  await expect(page.locator('.stat-value').first()).toBeVisible();
  await expect(page.locator('#unread')).toBeHidden();
  await expect.poll(() => mailsOf('scratch').filter((m) => m.to === email && m.text.includes('booked.')).length, { timeout: 10_000 }).toBe(1);
});

import { expect, test } from '@playwright/test';
import { chooseLanguage, expectAccessible, linkInMail, ownerToken, portal, scratch, screenshot } from './helpers';

/** A customer's new portal user, invited by mail through the issuer API. */
async function invite(request: import('@playwright/test').APIRequestContext, username: string, email: string) {
  const token = await ownerToken(request, scratch());
  const headers = { Authorization: `Bearer ${token}` };
  const list = await (await request.get(`${scratch()}/api/v1/issuer/contractors?q=Kunde`, { headers })).json();
  const kunde = list.items[0].id as number;
  const res = await request.post(`${scratch()}/api/v1/issuer/contractors/${kunde}/portal-users`, {
    headers,
    data: { username, first_name: 'Greta', last_name: 'Gärtner', email },
  });
  expect(res.status()).toBe(201);
}

test.describe('passwords from a mailed link', () => {
  test.beforeEach(async ({ page }) => chooseLanguage(page, 'en'));

  test('an invited user chooses a password from the link and is signed in', async ({ page, request }) => {
    await invite(request, 'greta', 'greta@kunde.example');
    const link = await linkInMail('scratch', 'greta@kunde.example', '/p/demo/set-password');
    const url = new URL(link);
    await page.goto(scratch() + url.pathname + url.search);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose your password');
    await expectAccessible(page, 'set password');
    await screenshot(page, 'en/set-password');
    await page.locator('#new-password').fill('blue-river-stones');
    await page.locator('#repeat-password').fill('blue-river-stonez');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await expect(page.locator('#repeat-password-error')).toHaveText('The passwords do not match.');
    await page.locator('#repeat-password').fill('blue-river-stones');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await expect(page.locator('header.topbar')).toBeVisible();
    await expect(page).toHaveURL(scratch() + portal(''));
    // The link works once.
    await page.goto(scratch() + url.pathname + url.search);
    await page.locator('#new-password').fill('once-more-please');
    await page.locator('#repeat-password').fill('once-more-please');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await expect(page.getByText('This link is invalid or has expired.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', portal('/forgot-password'));
  });

  test('forgot password: the same answer for anyone, a link for a real user', async ({ page, request }) => {
    await invite(request, 'hans', 'hans@kunde.example');
    await page.goto(scratch() + portal('/login'));
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(page).toHaveURL(scratch() + portal('/forgot-password'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgot your password?');
    await expectAccessible(page, 'forgot password');
    await page.locator('#login').fill('hans@kunde.example');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect(page.getByRole('status')).toContainText('If an account matches');
    await screenshot(page, 'en/forgot-password-sent');
    const link = await linkInMail('scratch', 'hans@kunde.example', '/p/demo/set-password');
    // (the invitation came first; the reset link is the newest)
    const url = new URL(link);
    await page.goto(scratch() + url.pathname + url.search);
    await page.locator('#new-password').fill('quiet-autumn-hills');
    await page.locator('#repeat-password').fill('quiet-autumn-hills');
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await expect(page.locator('header.topbar')).toBeVisible();
  });
});

test('the password pages speak the chosen language', async ({ page }) => {
  await chooseLanguage(page, 'bg');
  await page.goto(scratch() + portal('/forgot-password'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Забравена парола?');
  await screenshot(page, 'bg/forgot-password');
  await page.goto(scratch() + portal('/set-password?token=not-a-real-token'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Изберете парола');
});

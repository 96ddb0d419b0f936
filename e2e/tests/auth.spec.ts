import { expect, test } from '@playwright/test';
import { chooseLanguage, login, main, portal, PASSWORD, quick, scratch } from './helpers';

test.describe('login', () => {
  test.beforeEach(async ({ page }) => chooseLanguage(page, 'en'));

  test('a wrong password is refused without saying which field was wrong', async ({ page }) => {
    await page.goto(main() + portal('/login'));
    await page.locator('#username').fill('acme');
    await page.locator('#password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.locator('#login-error');
    await expect(error).toHaveText('The username or password is incorrect.');
    await expect(page).toHaveURL(/\/p\/demo\/login/);
    // Neither field is singled out.
    await expect(page.locator('#username')).toHaveAttribute('aria-invalid', 'false');
    await expect(page.locator('#password')).toHaveAttribute('aria-invalid', 'false');
    // An unknown user gets the very same answer.
    await page.locator('#username').fill('nobody-here');
    await page.locator('#password').fill('whatever-it-is');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(error).toHaveText('The username or password is incorrect.');
  });

  test('empty fields are marked before anything is sent', async ({ page }) => {
    await page.goto(main() + portal('/login'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#username-error')).toHaveText('Please fill in this field.');
    await expect(page.locator('#password-error')).toHaveText('Please fill in this field.');
  });

  test('signing in leads to the overview, and the token is kept in memory only', async ({ page }) => {
    await login(page, main(), 'acme');
    await expect(page).toHaveURL(main() + portal(''));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, Иван');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toMatch(/eyJ/); // no JWT anywhere in web storage
    expect(await page.evaluate(() => document.cookie)).toBe(''); // the refresh cookie is HttpOnly
  });

  test('after signing in the user lands on the page first asked for', async ({ page }) => {
    await page.goto(main() + portal('/documents?status=overdue&sort=number'));
    await expect(page).toHaveURL(/\/p\/demo\/login\?next=/);
    await page.locator('#username').fill('acme');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(main() + portal('/documents?status=overdue&sort=number'));
    await expect(quick(page, 'Overdue').and(page.locator('[aria-pressed=true]'))).toBeVisible();
  });

  test('a reload keeps the user signed in (silent refresh)', async ({ page }) => {
    await login(page, main(), 'kunde');
    await page.goto(main() + portal('/account'));
    await expect(page.locator('#username')).toHaveValue('kunde');
    await page.reload();
    await expect(page.locator('#username')).toHaveValue('kunde');
    await expect(page).toHaveURL(main() + portal('/account'));
  });

  test('too many attempts show when to try again', async ({ page }) => {
    await page.goto(scratch() + portal('/login'));
    const error = page.locator('#login-error');
    for (let i = 0; i < 5; i++) {
      await page.locator('#username').fill('throttle-test');
      await page.locator('#password').fill(`wrong-${i}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(error).toHaveText('The username or password is incorrect.');
    }
    await page.locator('#username').fill('throttle-test');
    await page.locator('#password').fill('wrong-again');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(error).toHaveText(/^Too many attempts\. Try again in \d+ min\.$/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });

  test('when the session ends, the user signs in again and returns to the same page', async ({ page }) => {
    await login(page, scratch(), 'cliente');
    await page.goto(scratch() + portal('/documents?type=invoice'));
    await expect(page.locator('table.grid-table tbody tr').first()).toBeVisible();
    // End the session behind the app's back: the refresh cookie goes, the access token dies.
    const res = await page.request.post(scratch() + '/api/v1/portal/auth/logout');
    expect(res.status()).toBe(204);
    await quick(page, 'Paid').click();
    await expect(page).toHaveURL(/\/p\/demo\/login\?next=.*&reason=expired/);
    await expect(page.getByText('Your session has expired. Please sign in again.')).toBeVisible();
    await page.locator('#username').fill('cliente');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(scratch() + portal('/documents?type=invoice&status=paid'));
    await expect(quick(page, 'Paid').and(page.locator('[aria-pressed=true]'))).toBeVisible();
  });

  test('concurrent requests share one refresh', async ({ page }) => {
    const refreshes: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/auth/refresh')) refreshes.push(r.url());
    });
    await login(page, main(), 'kunde');
    // A fresh page load starts with no token: the shell, the grid and the currency options
    // all need one at once.
    await page.goto(main() + portal('/documents'));
    await expect(page.locator('table.grid-table tbody tr').first()).toBeVisible();
    expect(refreshes.length).toBe(1);
  });
});

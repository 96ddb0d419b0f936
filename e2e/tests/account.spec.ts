import { expect, test } from '@playwright/test';
import { chooseLanguage, login, PASSWORD, portal, scratch } from './helpers';

test.describe('account', () => {
  test.beforeEach(async ({ page }) => chooseLanguage(page, 'en'));

  test('shows contractor and username read-only; a name change is saved', async ({ page }) => {
    await login(page, scratch(), 'acme');
    await page.getByRole('link', { name: 'Account' }).click();
    await expect(page.getByLabel('Contractor')).toHaveValue('Акме ООД');
    await expect(page.getByLabel('Contractor')).toHaveAttribute('readonly', '');
    await expect(page.getByLabel('Username')).toHaveValue('acme');
    await expect(page.getByLabel('Username')).toHaveAttribute('readonly', '');
    await page.getByLabel('First name').fill('');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.locator('#first_name-error')).toHaveText('Please fill in this field.');
    await expect(page.getByLabel('First name')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('First name').fill('Йордан');
    await page.getByLabel('Last name').fill('Георгиев');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByText('Your details have been saved.')).toBeVisible();
    await expect(page.locator('.user-name')).toHaveText('Йордан Георгиев');
    await page.reload();
    await expect(page.getByLabel('First name')).toHaveValue('Йордан');
    await expect(page.getByLabel('Last name')).toHaveValue('Георгиев');
  });

  test('password change: errors next to their fields, success, sign out, sign in with the new password', async ({ page }) => {
    const fresh = 'brand-new-secret-42';
    await login(page, scratch(), 'kunde');
    await page.goto(scratch() + portal('/account'));
    const confirm = page.getByRole('button', { name: 'Confirm' });

    await page.getByLabel('New password').fill(fresh);
    await page.getByLabel('Repeat password').fill(fresh + 'x');
    await confirm.click();
    await expect(page.locator('#current_password-error')).toHaveText('Enter your current password to set a new one.');
    await expect(page.locator('#new_password_repeat-error')).toHaveText('The passwords do not match.');

    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('Repeat password').fill(fresh);
    await confirm.click();
    await expect(page.locator('#current_password-error')).toHaveText('The current password is wrong.');
    await expect(page.locator('#new_password_repeat-error')).toBeHidden();

    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('Repeat password').fill('short');
    await confirm.click();
    await expect(page.locator('#new_password-error')).toHaveText('The password needs at least 10 characters.');

    await page.getByLabel('New password').fill(fresh);
    await page.getByLabel('Repeat password').fill(fresh);
    await confirm.click();
    await expect(page.getByText('Your password has been changed.')).toBeVisible();
    await expect(page.getByLabel('New password')).toHaveValue('');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/p\/demo\/login\?reason=signed_out/);
    await expect(page.getByText('You have signed out.')).toBeVisible();
    // The session is over: the overview asks for a login again.
    await page.goto(scratch() + portal(''));
    await expect(page).toHaveURL(/\/p\/demo\/login\?next=/);

    await page.locator('#username').fill('kunde');
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#login-error')).toHaveText('The username or password is incorrect.');
    await page.locator('#password').fill(fresh);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Willkommen|^Welcome/);
  });
});

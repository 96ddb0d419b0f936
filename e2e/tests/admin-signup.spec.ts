// Public sign-up: closed on a default server (the main one), open on the scratch one
// (PORTAL_SIGNUP=open, see global-setup.ts). A new issuer signs up from the sign-in page, gets a
// link by mail, and only pressing the button on the linked page creates the organisation and
// signs the owner in; the link works once.
import { expect, test } from '@playwright/test';
import { expectAccessible, linkInMail, main, scratch, screenshot } from './helpers';

test('sign-up is not offered on a server that keeps it closed', async ({ page }) => {
  await page.goto(main() + '/admin/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff sign-in');
  await page.goto(main() + '/admin/signup');
  await expect(page.locator('#setup-closed')).toHaveText('This portal does not take sign-ups. Ask its operator for an organisation.');
  await page.goto(main() + '/admin/login');
  await expect(page.locator('button[type=submit]')).toBeVisible();
  await expect(page.locator('#signup-link')).toHaveCount(0);
});

test('a new issuer signs up, confirms from the mailed link and lands in its own organisation', async ({ page }) => {
  const stamp = Date.now();
  const email = `founder${stamp}@newco.example`;
  const slug = `newco-${stamp}`;
  await page.goto(scratch() + '/admin/login');
  await page.locator('#signup-link').click();
  await expect(page).toHaveURL(scratch() + '/admin/signup');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create your organisation');
  await expect(page.locator('#setup-code')).toHaveCount(0);

  await page.locator('#setup-name').fill('NewCo Trading Ltd');
  await page.locator('#setup-slug').fill('demo');
  await page.locator('#setup-owner').fill('Nora Founder');
  await page.locator('#setup-email').fill(email);
  await page.locator('#setup-password').fill('a long and private passphrase');
  await page.locator('#setup-submit').click();
  await expect(page.locator('#setup-slug-error')).toHaveText('Already taken; choose another.');

  await page.locator('#setup-slug').fill(slug);
  await expectAccessible(page, 'admin sign-up');
  await screenshot(page, 'admin-signup');
  await page.locator('#setup-submit').click();
  await expect(page.locator('#signup-sent')).toHaveText(
    `Check your mail: we sent a link to ${email}. Follow it within 24 hours to create your organisation.`,
  );

  const link = await linkInMail('scratch', email, '/admin/signup/confirm');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your sign-up');
  await expectAccessible(page, 'admin sign-up confirmation');
  await screenshot(page, 'admin-signup-confirm');
  await page.locator('#signup-confirm').click();
  await expect(page).toHaveURL(scratch() + '/admin/company');
  await expect(page.locator('#co-legal-name')).toHaveValue('NewCo Trading Ltd');
  // Its own organisation: none of the demo's customers.
  await page.goto(scratch() + '/admin/contractors');
  await expect(page.locator('.empty-title')).toHaveText('No contractors match.');
  await expect(page.locator('table tbody tr')).toHaveCount(0);

  // The link works once.
  const other = await page.context().browser()!.newPage();
  await other.goto(link);
  await other.locator('#signup-confirm').click();
  await expect(other.locator('#signup-refused')).toHaveText('This link is invalid, used or expired. Sign up again.');
  await other.close();
});

for (const [lang, heading, button] of [
  ['bg', 'Създайте своята организация', 'Регистрация'],
  ['de', 'Ihre Organisation anlegen', 'Registrieren'],
  ['es', 'Cree su organización', 'Registrarse'],
] as const) {
  test(`the sign-up page reads in ${lang}`, async ({ page }) => {
    await page.addInitScript((l) => window.localStorage.setItem('admin.locale', l), lang);
    await page.goto(scratch() + '/admin/signup');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(page.locator('#setup-submit')).toHaveText(button);
    await expectAccessible(page, `admin sign-up ${lang}`);
    await screenshot(page, `admin-signup-${lang}`);
    await page.goto(scratch() + '/admin/signup/confirm?token=not-a-token');
    await page.locator('#signup-confirm').click();
    await expect(page.locator('#signup-refused')).toBeVisible();
    await screenshot(page, `admin-signup-refused-${lang}`);
  });
}

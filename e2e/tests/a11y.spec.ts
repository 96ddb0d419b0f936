import { expect, test } from '@playwright/test';
import { chooseLanguage, expectAccessible, login, main, portal, waitForGrid } from './helpers';

test.describe('accessibility (axe-core: no serious or critical violations)', () => {
  test.beforeEach(async ({ page }) => chooseLanguage(page, 'en'));

  test('login, also with errors shown', async ({ page }) => {
    await page.goto(main() + portal('/login'));
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectAccessible(page, 'login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#username-error')).toBeVisible();
    await expectAccessible(page, 'login with errors');
  });

  test.describe('signed in', () => {
    test.beforeEach(async ({ page }) => login(page, main(), 'acme'));

    test('summary', async ({ page }) => {
      await expect(page.locator('.stat-value').first()).toBeVisible();
      await expectAccessible(page, 'summary');
    });

    test('documents, with a filter open, and empty', async ({ page }) => {
      await waitForGrid(page, () => page.goto(main() + portal('/documents')));
      await expectAccessible(page, 'documents');
      await page.getByRole('button', { name: /^Filter Type/ }).click();
      await expect(page.getByRole('dialog', { name: 'Filter Type' })).toBeVisible();
      await expectAccessible(page, 'documents with a filter open');
      await page.keyboard.press('Escape');
      await waitForGrid(page, () => page.goto(main() + portal('/documents?downloaded=true')));
      await expect(page.getByText('No documents match these filters')).toBeVisible();
      await expectAccessible(page, 'documents, empty');
    });

    test('documents on a phone', async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await waitForGrid(page, () => page.goto(main() + portal('/documents')));
      await expectAccessible(page, 'documents on a phone');
    });

    test('document', async ({ page }) => {
      await waitForGrid(page, () => page.goto(main() + portal('/documents?sort=number')));
      await page.locator('table.grid-table tbody th a').first().click();
      await expect(page.locator('iframe.pdf-frame')).toBeVisible();
      await expectAccessible(page, 'document');
    });

    test('account', async ({ page }) => {
      await page.goto(main() + portal('/account'));
      await expect(page.getByLabel('First name')).toBeVisible();
      await expectAccessible(page, 'account');
    });

    test('not found', async ({ page }) => {
      await page.goto(main() + portal('/documents/999999'));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Document not found');
      await expectAccessible(page, 'document not found');
      await page.goto(main() + portal('/no/such/page'));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
      await expectAccessible(page, 'page not found');
    });

    test('keyboard: the skip link moves the focus to the content', async ({ page }) => {
      await page.keyboard.press('Tab');
      await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.locator('main#main')).toBeFocused();
    });
  });
});

import { expect, test } from '@playwright/test';
import { chooseLanguage, documentsFromApi, login, main, money, portal, screenshot, waitForGrid, type Lang } from './helpers';

const languages = {
  en: { documents: 'Documents', taxBase: 'Tax base', account: 'Your account', company: 'Company data', signIn: 'Sign in', date: /^\d{1,2} [A-Z][a-z]{2} \d{4}$/ },
  bg: { documents: 'Документи', taxBase: 'Дан. основа', account: 'Вашият профил', company: 'Фирмени данни', signIn: 'Вход', date: /^\d{2}\.\d{2}\.\d{4} г\.$/ },
  de: { documents: 'Dokumente', taxBase: 'Netto', account: 'Ihr Konto', company: 'Firmendaten', signIn: 'Anmelden', date: /^\d{2}\.\d{2}\.\d{4}$/ },
  es: { documents: 'Documentos', taxBase: 'Base imponible', account: 'Su cuenta', company: 'Datos de la empresa', signIn: 'Iniciar sesión', date: /^\d{2}\/\d{2}\/\d{4}$/ },
} as const;

for (const [lang, expected] of Object.entries(languages) as [keyof typeof languages, (typeof languages)[keyof typeof languages]][]) {
  test(`every page in ${lang}: words, dates and amounts (screenshots in test-results/screenshots/${lang})`, async ({ page, request }) => {
    const sums: { currency: string; total: string }[] = (await documentsFromApi(request, main(), 'acme')).sums;
    await chooseLanguage(page, lang);
    await page.goto(main() + portal('/login'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(expected.signIn);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await screenshot(page, `${lang}/1-login`);

    await login(page, main(), 'acme');
    await expect(page.locator('.stat-value').first()).toBeVisible();
    await screenshot(page, `${lang}/2-summary`);

    await waitForGrid(page, () => page.getByRole('link', { name: expected.documents, exact: true }).click());
    await expect(page.locator('table.grid-table thead')).toContainText(expected.taxBase);
    const foot = page.locator('table.grid-table tfoot');
    for (const { currency, total } of sums) await expect(foot).toContainText(money(lang, currency, total));
    await expect(page.locator('table.grid-table tbody tr td.c-date').first()).toHaveText(expected.date);
    await screenshot(page, `${lang}/3-documents`);

    await page.locator('table.grid-table tbody th a').first().click();
    await expect(page.locator('iframe.pdf-frame')).toBeVisible();
    await screenshot(page, `${lang}/4-document`);

    await page.goto(main() + portal('/account'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(expected.account);
    await screenshot(page, `${lang}/5-account`);

    await page.goto(main() + portal('/company'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(expected.company);
    await expect(page.locator('#iban')).toBeVisible();
    await screenshot(page, `${lang}/5-company`);

    await page.setViewportSize({ width: 390, height: 844 });
    await waitForGrid(page, () => page.goto(main() + portal('/documents')));
    await expect(page.locator('ul.doc-cards > li').first()).toBeVisible();
    await screenshot(page, `${lang}/6-documents-phone`, false);
  });
}

test('the switcher changes every word and number at once, without a reload', async ({ page, request }) => {
  const sums: { currency: string; total: string }[] = (await documentsFromApi(request, main(), 'acme')).sums;
  const figure = (lang: Lang, currency: string) => money(lang, currency, sums.find((s) => s.currency === currency)!.total);
  await chooseLanguage(page, 'en');
  await login(page, main(), 'acme');
  await waitForGrid(page, () => page.goto(main() + portal('/documents?sort=number')));
  const url = page.url();
  const foot = page.locator('table.grid-table tfoot');
  await expect(foot).toContainText(figure('en', 'EUR'));
  await page.getByLabel('Language').selectOption('de');
  await expect(foot).toContainText(figure('de', 'EUR'));
  await expect(page.getByRole('link', { name: 'Dokumente', exact: true })).toBeVisible();
  await expect(page.locator('table.grid-table thead')).toContainText('Rest\u00adbetrag');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByLabel('Sprache').selectOption('bg');
  await expect(foot).toContainText(figure('bg', 'BGN'));
  await page.getByLabel('Език').selectOption('es');
  await expect(page.locator('table.grid-table thead')).toContainText('Vencimiento');
  expect(page.url()).toBe(url);
  // The choice is remembered on this device.
  await page.reload();
  await expect(page.locator('table.grid-table thead')).toContainText('Vencimiento');
});

test.describe('default language', () => {
  test("is the contractor's after signing in", async ({ page }) => {
    await login(page, main(), 'acme');
    await expect(page.getByRole('link', { name: 'Документи', exact: true })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'bg');
  });

  test("is the contractor's: German for kunde", async ({ page }) => {
    await login(page, main(), 'kunde');
    await expect(page.getByRole('link', { name: 'Dokumente', exact: true })).toBeVisible();
  });

  test.describe('before signing in', () => {
    test.use({ locale: 'es-ES' });
    test("is the browser's", async ({ page }) => {
      await page.goto(main() + portal('/login'));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Iniciar sesión');
      await expect(page.getByLabel('Nombre de usuario')).toBeVisible();
    });
  });
});

import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiToken, chooseLanguage, expectAccessible, linkInMail, login, main, money, ownerToken, portal, scratch, screenshot, staffSignIn } from './helpers';


const signIn = staffSignIn;

/** Every page of the issuer's documents matching `query`, straight from the API. */
async function allDocuments(request: APIRequestContext, base: string, query: string) {
  const token = await ownerToken(request, base);
  const items: any[] = [];
  for (let page = 1; ; page++) {
    const res = await request.get(`${base}/api/v1/issuer/documents?${query}&per_page=200&page=${page}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status()).toBe(200);
    const body = await res.json();
    items.push(...body.items);
    if (items.length >= body.total) return { items, total: body.total as number };
  }
}

/** Sums decimal strings exactly (in hundredths). */
function sum(values: string[]): string {
  const cents = values.reduce((acc, v) => {
    const [i, f = ''] = v.replace('-', '').split('.');
    const c = BigInt(i) * 100n + BigInt((f + '00').slice(0, 2));
    return acc + (v.startsWith('-') ? -c : c);
  }, 0n);
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

test.describe('admin', () => {
  test('no page of the admin shows without a staff session; after signing in, back to the page asked for', async ({ page }) => {
    await page.goto(main() + '/admin/contractors?q=acme');
    await expect(page).toHaveURL(/\/admin\/login\?next=%2Fadmin%2Fcontractors%3Fq%3Dacme$/);
    await expect(page.locator('header.topbar')).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff sign-in');
    await expectAccessible(page, 'admin login');
    await screenshot(page, 'admin-login');

    // A customer's portal login is not a staff login.
    await signIn(page, 'office@acme.example', 'demo-portal-pass');
    await expect(page.locator('#login-error')).toHaveText('E-mail or password is wrong.');

    await signIn(page);
    await expect(page).toHaveURL(/\/admin\/contractors\?q=acme$/);
    await expect(page.locator('header.topbar')).toContainText('Olivia Owner');
    await expect(page.locator('#c-search')).toHaveValue('acme');
  });

  test('the overview shows what is overdue per currency as the API sums it, and links to the list', async ({ page, request }) => {
    await page.goto(main() + '/admin/login');
    await signIn(page);
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('What needs attention');
    const overdue = await allDocuments(request, main(), 'type=invoice&status=overdue');
    expect(overdue.total).toBeGreaterThan(0);
    const byCurrency = new Map<string, string[]>();
    for (const d of overdue.items) byCurrency.set(d.currency, [...(byCurrency.get(d.currency) ?? []), d.remaining]);
    for (const [currency, remaining] of byCurrency) {
      await expect(page.locator('#overdue .home-sums')).toContainText(`${remaining.length} invoices · ${money('en', currency, sum(remaining))}`);
    }
    await expect(page.locator('#overdue .home-list li')).toHaveCount(Math.min(5, overdue.total));
    await expect(page.locator('#recent .home-list li').first()).toBeVisible();
    await expectAccessible(page, 'admin overview');
    await screenshot(page, 'admin-home');
    await page.locator('#overdue').getByRole('link', { name: `Show all (${overdue.total})` }).click();
    await expect(page).toHaveURL(/\/admin\/documents\?type=invoice&status=overdue$/);
    await expect(page.locator('.pager-status')).toContainText(`of ${overdue.total}`);

    // A card whose request fails says so instead of staying empty; the others still show.
    await page.route('**/api/v1/issuer/events?**', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503,"title":"Service Unavailable"}' }));
    await page.goto(main() + '/admin');
    await expect(page.locator('#recent .home-list')).toHaveText('The list could not be loaded.');
    await expect(page.locator('#overdue .home-list li')).toHaveCount(Math.min(5, overdue.total));
  });

  test('the documents of all contractors: who has not opened an invoice yet is one click, sums match the API', async ({ page, request }) => {
    await page.goto(main() + '/admin/documents');
    await signIn(page);
    await expect(page).toHaveURL(/\/admin\/documents$/);
    const rows = page.locator('#documents tbody tr');
    await expect(rows.first()).toBeVisible();
    await expectAccessible(page, 'admin documents');
    await screenshot(page, 'admin-documents');

    // Issued invoices nobody opened yet.
    await page.locator('#f-type').selectOption('invoice');
    await page.locator('#f-state').selectOption('issued');
    await page.locator('#f-viewed').selectOption('false');
    await expect(page).toHaveURL(/\/admin\/documents\?type=invoice&state=issued&viewed=false$/);
    const expected = await allDocuments(request, main(), 'type=invoice&state=issued&viewed=false');
    expect(expected.total).toBeGreaterThan(0);
    await expect(page.locator('.pager-status')).toHaveText(`1–${Math.min(50, expected.total)} of ${expected.total}`);
    // Every row shown is an issued invoice with no first view.
    const shown = await rows.count();
    for (let i = 0; i < shown; i++) {
      const cells = rows.nth(i).locator('td');
      await expect(cells.nth(3)).toHaveText('Invoice');
      await expect(cells.nth(9)).toHaveText('—');
    }
    // The per-currency sums, computed here from every matching document.
    const currencies = [...new Set(expected.items.map((d) => d.currency as string))].sort();
    const sums = page.locator('#sums tbody tr');
    await expect(sums).toHaveCount(currencies.length);
    for (const [i, currency] of currencies.entries()) {
      const docs = expected.items.filter((d) => d.currency === currency);
      const cells = sums.nth(i).locator('td');
      await expect(sums.nth(i).locator('th')).toHaveText(currency);
      await expect(cells.nth(0)).toHaveText(String(docs.length));
      await expect(cells.nth(1)).toHaveText(money('en', currency, sum(docs.map((d) => d.total))));
      await expect(cells.nth(3)).toHaveText(money('en', currency, sum(docs.map((d) => d.remaining ?? '0.00'))));
    }

    // The address holds the state: a reload shows the same list.
    await page.reload();
    await expect(page.locator('#f-viewed')).toHaveValue('false');
    await expect(page.locator('.pager-status')).toHaveText(`1–${Math.min(50, expected.total)} of ${expected.total}`);
  });

  test('a column title sorts the list the way the API does, then the other way, and the address keeps it', async ({ page, request }) => {
    await page.goto(main() + '/admin/documents?type=invoice&state=issued');
    await signIn(page);
    const numbers = async (sort: string) => {
      const token = await ownerToken(request, main());
      const res = await request.get(`${main()}/api/v1/issuer/documents?type=invoice&state=issued&sort=${sort}&per_page=50`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return (await res.json()).items.map((d: any) => d.number as string);
    };
    const shown = page.locator('#documents tbody tr td:nth-child(2)');
    await page.getByRole('button', { name: 'Opened' }).click();
    await expect(page).toHaveURL(/\/admin\/documents\?type=invoice&state=issued&sort=viewed_at$/);
    await expect(page.locator('th[aria-sort=ascending]')).toHaveText(/Opened/);
    await expect(shown).toHaveText(await numbers('viewed_at'));
    await page.getByRole('button', { name: 'Remaining' }).click();
    await page.getByRole('button', { name: 'Remaining' }).click();
    await expect(page).toHaveURL(/sort=-remaining$/);
    await expect(page.locator('th[aria-sort=descending]')).toHaveText(/Remaining/);
    await expect(shown).toHaveText(await numbers('-remaining'));
  });

  test('create a contractor: errors next to their field, then in the list and its documents one click away', async ({ page, request }) => {
    await page.goto(scratch() + '/admin/contractors');
    await signIn(page);
    await expect(page.locator('#contractors tbody tr').first()).toBeVisible();
    await page.getByRole('button', { name: 'New contractor' }).click();
    const name = `Nordwind Handel ${Date.now()}`;
    await page.locator('#c-name').fill(name);
    await page.locator('#c-vat').fill('DE12');
    await page.locator('#c-email').fill('einkauf@nordwind.example');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.locator('#c-vat-error')).toBeVisible();
    await expect(page.getByText('Please correct the marked fields.')).toBeVisible();
    await expectAccessible(page, 'admin new contractor with an error');
    await screenshot(page, 'admin-contractor-error');

    await page.locator('#c-vat').fill('DE136695976');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByText(`Contractor ${name} created.`)).toBeVisible();
    const row = page.locator('#contractors tbody tr', { hasText: name });
    await expect(row).toContainText('DE136695976');
    await expect(row).toContainText('Access');

    // The API has it, exactly as entered.
    const token = await ownerToken(request, scratch());
    const res = await request.get(`${scratch()}/api/v1/issuer/contractors?q=${encodeURIComponent(name)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const found = (await res.json()).items;
    expect(found.map((c: any) => [c.name, c.vat_number, c.email, c.portal_access])).toEqual([
      [name, 'DE136695976', 'einkauf@nordwind.example', true],
    ]);

    // Search keeps to the address.
    await page.locator('#c-search').fill('Nordwind');
    await page.locator('#c-search').press('Enter');
    await expect(page).toHaveURL(/\/admin\/contractors\?q=Nordwind$/);
    await expect(page.locator('#contractors tbody tr', { hasText: name })).toBeVisible();
    await row.getByRole('link', { name: /^Documents/ }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/documents\\?contractor=${found[0].id}$`));
    await expect(page.getByText('No documents match these filters.')).toBeVisible();
  });

  test('an invited staff member sets a password from the mailed link and is signed in', async ({ page, request }) => {
    const token = await ownerToken(request, scratch());
    const email = `clerk${Date.now()}@demo.example`;
    const res = await request.post(`${scratch()}/api/v1/issuer/staff`, {
      headers: { authorization: `Bearer ${token}` },
      data: { email, name: 'Carla Clerk', role: 'accountant' },
    });
    expect(res.status()).toBe(201);
    const link = await linkInMail('scratch', email, '/admin/set-password');
    await page.goto(link.replace(/^https?:\/\/[^/]+/, scratch()));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose your password');
    await expectAccessible(page, 'admin set password');
    await page.locator('#new-password').fill('a long clerk passphrase');
    await page.locator('#repeat-password').fill('a long clerk passphrase');
    await page.getByRole('button', { name: 'Save password and sign in' }).click();
    await expect(page.locator('header.topbar')).toContainText('Carla Clerk');
    await expect(page.locator('header.topbar')).toContainText('Accountant');

    // The link works once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByText('You have signed out.')).toBeVisible();
    await page.goto(link.replace(/^https?:\/\/[^/]+/, scratch()));
    await page.locator('#new-password').fill('another long passphrase');
    await page.locator('#repeat-password').fill('another long passphrase');
    await page.getByRole('button', { name: 'Save password and sign in' }).click();
    await expect(page.getByText(/no longer valid/)).toBeVisible();
  });

  test('record a partial payment: a lost answer retried records once, and the customer sees Paid and Remaining change', async ({ page, browser, request }) => {
    // An open EUR invoice of the customer acme, as the customer's API lists it.
    const customer = await apiToken(request, scratch(), 'acme');
    const list = await request.get(`${scratch()}/api/v1/portal/documents?type=invoice&status=unpaid&currency=EUR&per_page=50`, {
      headers: { authorization: `Bearer ${customer}` },
    });
    const open = (await list.json()).items.find((d: any) => Number(d.remaining) > 100);
    expect(open, 'an open invoice above 100 EUR').toBeTruthy();

    await page.goto(`${scratch()}/admin/documents/${open.id}`);
    await signIn(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${open.number}`);
    await expect(page.locator('#pay-amount')).toHaveValue(open.remaining);
    await expectAccessible(page, 'admin document');
    await screenshot(page, 'admin-document');

    await page.locator('#pay-amount').fill('100.00');
    await page.locator('#pay-method').selectOption('cash');
    await page.locator('#pay-reference').fill('Receipt 77');
    // The first save reaches the server but its answer is lost on the way back.
    let posts = 0;
    const keys: string[] = [];
    await page.route('**/api/v1/issuer/documents/*/payments', async (route) => {
      posts += 1;
      keys.push(route.request().headers()['idempotency-key']);
      const response = await route.fetch();
      if (posts === 1) {
        expect(response.status()).toBe(201);
        await route.abort('failed');
      } else {
        await route.fulfill({ response });
      }
    });
    await page.getByRole('button', { name: 'Save payment' }).click();
    await expect(page.getByText('The server cannot be reached.', { exact: false })).toBeVisible();
    await page.getByRole('button', { name: 'Save payment' }).click();
    await expect(page.getByText('Payment recorded.')).toBeVisible();
    expect(posts).toBe(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);

    // One payment, not two.
    const staff = await ownerToken(request, scratch());
    const payments = await (
      await request.get(`${scratch()}/api/v1/issuer/documents/${open.id}/payments`, { headers: { authorization: `Bearer ${staff}` } })
    ).json();
    const cash = (payments.items ?? payments).filter((p: any) => p.reference === 'Receipt 77');
    expect(cash.map((p: any) => [p.amount, p.method])).toEqual([['100.00', 'cash']]);
    const paid = sum([open.paid ?? '0.00', '100.00']);
    const remaining = sum([open.remaining, '-100.00']);
    await expect(page.locator('#payments tbody')).toContainText('Receipt 77');
    await expect(page.locator('.facts')).toContainText(money('en', 'EUR', remaining));

    // The customer's grid, in another browser context.
    const context = await browser.newContext();
    const customerPage = await context.newPage();
    await chooseLanguage(customerPage, 'en');
    await login(customerPage, scratch(), 'acme');
    await customerPage.goto(`${scratch()}${portal(`/documents?number=${encodeURIComponent(open.number)}`)}`);
    const row = customerPage.locator('table.grid-table tbody tr', { hasText: open.number });
    // Total, Paid and Remaining side by side, without the symbol (the grid has a Currency column).
    const amount = (v: string) => money('en', 'EUR', v).replace('€', '');
    await expect(row).toContainText(amount(open.total) + amount(paid) + amount(remaining));
    await context.close();
  });

  for (const [lang, heading] of [
    ['bg', 'Документи'],
    ['de', 'Dokumente'],
    ['es', 'Documentos'],
  ] as const) {
    test(`reads in ${lang}, at phone width too`, async ({ page }) => {
      // Sixteen pages, each checked with axe and photographed: more than the usual budget.
      test.slow();
      await page.addInitScript((l) => window.localStorage.setItem('admin.locale', l), lang);
      await page.goto(main() + '/admin/documents');
      await signIn(page);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(page.locator('#documents tbody tr').first()).toBeVisible();
      await expectAccessible(page, `admin documents ${lang}`);
      await screenshot(page, `admin-documents-${lang}`);
      // Every other page, at desktop width and at phone width, with axe.
      const pages: [string, string, string][] = [
        ['home', '/admin', '#overdue .home-list li'],
        ['editor', '/admin/documents/new', '#editor-lines tbody tr'],
        ['contractors', '/admin/contractors', '#contractors tbody tr'],
        ['settings', '/admin/settings', '#staff tbody tr'],
        ['activity', '/admin/activity', '#activity tbody tr'],
        ['company', '/admin/company', '#number-series tbody tr'],
        ['import', '/admin/contractors/import', '#import-file'],
      ];
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width > 400 ? 900 : 844 });
        for (const [name, path, loaded] of pages) {
          await page.goto(main() + path);
          await expect(page.locator('main h1')).toBeVisible();
          await expect(page.locator(loaded).first()).toBeVisible();
          if (width > 400) await expectAccessible(page, `admin ${name} ${lang}`);
          await screenshot(page, `admin-${name}-${lang}${width > 400 ? '' : '-phone'}`);
        }
      }
      // A contractor's page.
      await page.goto(main() + '/admin/contractors');
      await page.locator('#contractors tbody tr a').first().click();
      await expect(page.locator('#portal-users tbody tr').first()).toBeVisible();
      await screenshot(page, `admin-contractor-${lang}-phone`);
    });
  }
});

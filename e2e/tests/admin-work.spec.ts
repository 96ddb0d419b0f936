import { execFileSync } from 'node:child_process';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { apiToken, chooseLanguage, expectAccessible, linkInMail, login, mailsOf, money, ownerToken, portal, scratch, screenshot, staffSignIn } from './helpers';

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** A staff member of the demo organisation with `role`, invited and with a password set. */
async function staffWithRole(request: APIRequestContext, role: string) {
  const owner = await ownerToken(request, scratch());
  const email = `${role}${Date.now()}@demo.example`;
  const invited = await request.post(`${scratch()}/api/v1/issuer/staff`, { ...auth(owner), data: { email, name: `Sam ${role}`, role } });
  expect(invited.status()).toBe(201);
  const link = await linkInMail('scratch', email, '/admin/set-password');
  const token = new URL(link).searchParams.get('token');
  const password = `a long ${role} passphrase`;
  const set = await request.post(`${scratch()}/api/v1/issuer/auth/set-password`, { data: { token, password } });
  expect(set.status()).toBe(200);
  return { email, password, token: (await set.json()).access_token as string };
}

/** The customer's portal in a fresh browser context, signed in. */
async function customerPage(browser: Browser, username: string, password?: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await chooseLanguage(page, 'en');
  await login(page, scratch(), username, password);
  return { context, page };
}

test.describe('admin at work', () => {
  test('a draft with three lines at two VAT rates: live totals equal the server\'s; issued, the customer sees it and is mailed', async ({ page, browser, request }) => {
    await page.goto(scratch() + '/admin/documents/new');
    await staffSignIn(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('New document');

    // The contractor by search.
    // (Acme's legal name is Bulgarian; the search finds it by its e-mail too.)
    const owner = await ownerToken(request, scratch());
    const acmeRecord = (await (await request.get(`${scratch()}/api/v1/issuer/contractors?q=office@acme.example`, auth(owner))).json()).items[0];
    await page.locator('#doc-contractor-search').fill('office@acme');
    await expect(page.locator('#doc-contractor option')).toHaveText(['Choose a contractor…', acmeRecord.name]);
    await page.locator('#doc-contractor').selectOption(String(acmeRecord.id));
    await page.locator('#doc-currency').fill('EUR');

    // Three lines, added from the keyboard; the focus goes to each new line's description.
    const cell = (n: number, field: string) => page.getByRole('textbox', { name: `${field}, line ${n}`, exact: true });
    const type = async (n: number, values: [string, string, string, string, string, string]) => {
      const fields = ['Description', 'Quantity', 'Unit', 'Unit price', 'Discount', 'VAT'];
      for (const [i, v] of values.entries()) await cell(n, fields[i]).fill(v);
    };
    await type(1, ['Consulting', '3', 'h', '120.50', '', '20']);
    await page.locator('#add-line').focus();
    await page.keyboard.press('Enter');
    await expect(cell(2, 'Description')).toBeFocused();
    await expect(cell(2, 'VAT')).toHaveValue('20');
    await type(2, ['Licence', '2', 'pcs', '99.99', '10', '20']);
    await page.locator('#add-line').focus();
    await page.keyboard.press('Enter');
    await expect(cell(3, 'Description')).toBeFocused();
    await type(3, ['Book', '0', 'pcs', '35.10', '', '9']);
    // A fourth line, removed again by keyboard.
    await page.locator('#add-line').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#editor-lines tbody tr')).toHaveCount(4);
    // The new line takes the focus a moment later; wait for it, or it would take it back from the button.
    await expect(cell(4, 'Description')).toBeFocused();
    await page.getByRole('button', { name: 'Remove line 4' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#editor-lines tbody tr')).toHaveCount(3);
    await expect(cell(3, 'Description')).toBeFocused();

    // Worked out by hand: 3 × 120.50 = 361.50; 2 × 99.99 = 199.98 less 10 % = 179.982 → 179.98;
    // base at 20 %: 541.48, VAT 108.296 → 108.30. The book's quantity is 0 so far.
    const eur = (v: string) => money('en', 'EUR', v);
    const totals = page.locator('#live-totals');
    await expect(totals).toContainText(eur('541.48'));
    await expect(totals).toContainText(eur('108.30'));
    await expect(totals).toContainText(eur('649.78'));

    // The server refuses a zero quantity; the error shows at the field, nothing typed is lost.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.locator('[id$="-quantity-error"]:visible')).toHaveText('Must not be zero.');
    await expect(cell(3, 'Quantity')).toHaveAttribute('aria-invalid', 'true');
    await expect(cell(1, 'Unit price')).toHaveValue('120.50');
    await expectAccessible(page, 'admin editor with an error');

    await cell(3, 'Quantity').fill('1');
    // 35.10 at 9 %: VAT 3.159 → 3.16. Base 576.58, VAT 111.46, total 688.04.
    await expect(totals).toContainText(eur('3.16'));
    await expect(totals).toContainText(eur('576.58'));
    await expect(totals.locator('tr.grand-total')).toContainText(eur('688.04'));
    await expect(page.locator('#editor-lines .line-net')).toHaveText([eur('361.50'), eur('179.98'), eur('35.10')]);
    await screenshot(page, 'admin-editor');

    await cell(3, 'Quantity').press('Enter');
    await expect(page.getByText('Draft saved.')).toBeVisible();
    await expect(page).toHaveURL(/\/admin\/documents\/\d+\?saved=1$/);
    const id = /documents\/(\d+)/.exec(page.url())![1];

    // The server's totals equal the live ones.
    const draft = await (await request.get(`${scratch()}/api/v1/issuer/documents/${id}`, auth(owner))).json();
    expect([draft.tax_base, draft.vat, draft.total]).toEqual(['576.58', '111.46', '688.04']);
    expect(draft.vat_breakdown.map((v: any) => [v.rate, v.tax_base, v.vat])).toEqual([
      ['20.00', '541.48', '108.30'],
      ['9.00', '35.10', '3.16'],
    ]);
    expect(draft.lines.map((l: any) => l.net)).toEqual(['361.50', '179.98', '35.10']);

    // Editing the draft brings back every line as saved.
    await page.locator('#edit-button').click();
    await expect(cell(2, 'Discount')).toHaveValue('10');
    await expect(totals.locator('tr.grand-total')).toContainText(eur('688.04'));
    await page.getByRole('link', { name: 'Cancel' }).click();

    // Issue, after confirming.
    const mailsBefore = mailsOf('scratch').length;
    await page.getByRole('button', { name: 'Issue…' }).click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await expect(page.locator('#issue-yes')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
    await page.getByRole('button', { name: 'Issue…' }).click();
    await page.getByRole('button', { name: 'Issue now' }).click();
    await expect(page.getByText('Issued.')).toBeVisible();
    const issued = await (await request.get(`${scratch()}/api/v1/issuer/documents/${id}`, auth(owner))).json();
    expect(issued.state).toBe('issued');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${issued.number}`);
    await screenshot(page, 'admin-document-issued');

    // The customer's people are mailed about it (the outbox delivers within seconds).
    await expect
      .poll(() => mailsOf('scratch').slice(mailsBefore).filter((m) => m.to === 'office@acme.example' && m.text.includes(issued.number)).length, { timeout: 15_000 })
      .toBe(1);

    // And the customer sees it in the grid with its total.
    const customer = await customerPage(browser, 'acme');
    await customer.page.goto(`${scratch()}${portal(`/documents?number=${encodeURIComponent(issued.number)}`)}`);
    const row = customer.page.locator('table.grid-table tbody tr', { hasText: issued.number });
    await expect(row).toContainText(money('en', 'EUR', '688.04').replace('€', ''));
    await customer.context.close();
  });

  test('a contractor\'s portal users: one added with a typed password signs in, one invited by mail sets a password', async ({ page, browser, request }) => {
    await page.goto(scratch() + '/admin/contractors');
    await staffSignIn(page);
    await page.getByRole('button', { name: 'New contractor' }).click();
    const name = `Lindqvist Trading ${Date.now()}`;
    await page.locator('#c-name').fill(name);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(page.locator('#c-portal')).toBeChecked();

    // Bank data is checked by the server and shown at the field.
    await page.locator('#c-iban').fill('DE89 3704 0044 0532 0130 01');
    await page.locator('#c-terms').fill('400');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#c-iban-error')).toBeVisible();
    await expect(page.locator('#c-terms-error')).toBeVisible();
    await page.locator('#c-iban').fill('DE89 3704 0044 0532 0130 00');
    await page.locator('#c-terms').fill('14');
    await page.locator('#c-city').fill('Malmö');
    await page.locator('#c-salesperson').selectOption({ label: 'Olivia Owner' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Saved.')).toBeVisible();
    await expect(page.locator('#c-iban-error')).toBeHidden();
    const owner = await ownerToken(request, scratch());
    const contractorId = /contractors\/(\d+)/.exec(page.url())![1];
    const saved = await (await request.get(`${scratch()}/api/v1/issuer/contractors/${contractorId}`, auth(owner))).json();
    const me = await (await request.get(`${scratch()}/api/v1/issuer/me`, auth(owner))).json();
    expect([saved.iban, saved.address.city, saved.salesperson_id, saved.payment_terms_days]).toEqual(['DE89370400440532013000', 'Malmö', me.id, 14]);

    // A new invoice for it is due 14 days after its date, and follows a changed date.
    await page.goto(`${scratch()}/admin/documents/new?contractor=${contractorId}`);
    await expect(page.locator('#doc-contractor')).toHaveValue(contractorId);
    const plus14 = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);
    const issueDate = await page.locator('#doc-issue-date').inputValue();
    await expect(page.locator('#doc-due-date')).toHaveValue(plus14(issueDate));
    await expect(page.locator('#doc-due-date-hint')).toContainText('14 days');
    await page.locator('#doc-issue-date').fill('2026-02-20');
    await expect(page.locator('#doc-due-date')).toHaveValue('2026-03-06');
    // A due date typed by hand stays when the date changes.
    await page.locator('#doc-due-date').fill('2026-04-01');
    await page.locator('#doc-issue-date').fill('2026-02-21');
    await expect(page.locator('#doc-due-date')).toHaveValue('2026-04-01');
    await page.goto(`${scratch()}/admin/contractors/${contractorId}`);

    // A user with a typed password.
    const username = `lars${Date.now()}`;
    const password = 'lindqvist portal pass 7';
    await page.locator('#add-user-button').click();
    await page.locator('#u-username').fill(username);
    await page.locator('#u-first').fill('Lars');
    await page.locator('#u-last').fill('Lindqvist');
    await page.locator('#u-password').fill(password);
    await page.locator('#u-must-change').uncheck();
    await expectAccessible(page, 'admin contractor with the new user form');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByText(`${username} can sign in now`)).toBeVisible();
    await expect(page.locator('#portal-users tbody tr', { hasText: username })).toContainText('Active');
    await screenshot(page, 'admin-contractor');

    const lars = await customerPage(browser, username, password);
    await expect(lars.page.locator('header')).toContainText(name);
    await expect(lars.page.getByRole('heading', { level: 1 })).toBeVisible();
    await lars.context.close();

    // A user invited by mail.
    const invitee = `ines${Date.now()}`;
    const email = `${invitee}@lindqvist.example`;
    await page.locator('#add-user-button').click();
    await page.locator('#u-username').fill(invitee);
    await page.locator('#u-first').fill('Ines');
    await page.locator('#u-last').fill('Lindqvist');
    await page.locator('#u-email').fill(email);
    await page.getByRole('button', { name: 'Invite by mail' }).click();
    await expect(page.getByText(`${invitee} is invited`)).toBeVisible();
    await expect(page.locator('#portal-users tbody tr', { hasText: invitee })).toContainText('Invited');
    const link = await linkInMail('scratch', email, portal('/set-password'));
    const context = await browser.newContext();
    const ines = await context.newPage();
    await chooseLanguage(ines, 'en');
    await ines.goto(link.replace(/^https?:\/\/[^/]+/, scratch()));
    await ines.locator('#new-password').fill('ines chose this one');
    await ines.locator('#repeat-password').fill('ines chose this one');
    await ines.locator('form button[type=submit]').click();
    await expect(ines.locator('header')).toContainText(name);
    await context.close();
    await page.reload();
    await expect(page.locator('#portal-users tbody tr', { hasText: invitee })).toContainText('Active');

    // Disabled, the first user can no longer sign in.
    await page.getByRole('button', { name: `Disable ${username}` }).click();
    await expect(page.locator('#portal-users tbody tr', { hasText: username })).toContainText('Disabled');
    const res = await page.request.post(`${scratch()}/api/v1/portal/auth/login`, {
      data: { organization: 'demo', username, password },
    });
    expect(res.status()).toBe(401);
  });

  test('a document type switched off leaves the portal and comes back; a sales user cannot reach settings', async ({ page, request, browser }) => {
    const acme = await apiToken(request, scratch(), 'acme');
    const deliveryNotes = async () => {
      const res = await request.get(`${scratch()}/api/v1/portal/documents?type=delivery_note`, auth(acme));
      return res.status() === 200 ? ((await res.json()).total as number) : -res.status();
    };
    const before = await deliveryNotes();
    expect(before).toBeGreaterThan(0);

    await page.goto(scratch() + '/admin/settings');
    await staffSignIn(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
    await expect(page.locator('#type-delivery_note')).toBeChecked();
    await expectAccessible(page, 'admin settings');
    await screenshot(page, 'admin-settings');
    await page.locator('#type-delivery_note').uncheck();
    await page.locator('#save-settings').click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
    expect(await deliveryNotes()).toBeLessThanOrEqual(0);
    const customer = await customerPage(browser, 'acme');
    await customer.page.goto(`${scratch()}${portal('/documents')}`);
    await expect(customer.page.locator('table.grid-table tbody tr').first()).toBeVisible();
    await expect(customer.page.locator('table.grid-table tbody')).not.toContainText('Delivery note');

    await page.locator('#type-delivery_note').check();
    await page.locator('#save-settings').click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
    expect(await deliveryNotes()).toBe(before);
    await customer.context.close();

    // Sales: no Settings in the menu, a refusal on the page, 403 from the API.
    const sales = await staffWithRole(request, 'sales');
    const context = await browser.newContext();
    const salesPage = await context.newPage();
    await salesPage.goto(scratch() + '/admin/login');
    await staffSignIn(salesPage, sales.email, sales.password);
    await expect(salesPage.locator('header.topbar')).toContainText('Sales');
    await expect(salesPage.locator('.main-nav')).toContainText('Contractors');
    await expect(salesPage.locator('.main-nav')).not.toContainText('Settings');
    await salesPage.goto(scratch() + '/admin/settings');
    await expect(salesPage.locator('#settings-refused')).toBeVisible();
    await expect(salesPage.locator('#save-settings')).toHaveCount(0);
    const refused = await request.patch(`${scratch()}/api/v1/issuer/settings`, {
      ...auth(sales.token),
      data: { portal: { email_new_documents: false } },
    });
    expect(refused.status()).toBe(403);
    await context.close();
  });

  test('the customer\'s first view of a document shows on the issuer\'s document page', async ({ page, browser, request }) => {
    const owner = await ownerToken(request, scratch());
    const acmeContractors = await (await request.get(`${scratch()}/api/v1/issuer/contractors?q=Acme`, auth(owner))).json();
    const acmeId = acmeContractors.items[0].id;
    const list = await (
      await request.get(`${scratch()}/api/v1/issuer/documents?contractor=${acmeId}&type=invoice&state=issued&viewed=false&per_page=100`, auth(owner))
    ).json();
    // The newest: the others may be opened by tests running beside this one.
    const unseen = list.items[0];
    expect(unseen, 'an issued invoice of Acme nobody opened yet').toBeTruthy();

    await page.goto(`${scratch()}/admin/documents/${unseen.id}`);
    await staffSignIn(page);
    const facts = page.locator('.facts');
    await expect(facts).toContainText('OpenedNot yet');
    await expect(page.locator('#events')).not.toContainText('Opened by the customer');

    const customer = await customerPage(browser, 'acme');
    await customer.page.goto(`${scratch()}${portal(`/documents/${unseen.id}`)}`);
    await expect(customer.page.getByRole('heading', { level: 1 })).toContainText(unseen.number);
    await customer.context.close();

    await page.reload();
    await expect(page.locator('#events')).toContainText('Opened by the customer');
    await expect(facts).not.toContainText('OpenedNot yet');
  });

  test('several documents at once: their PDFs in one ZIP and marked as sent; the activity page names who did it; the PDF previewed', async ({ page, request }) => {
    const owner = await ownerToken(request, scratch());
    const name = `Bulk Trading ${Date.now()}`;
    const created = await request.post(`${scratch()}/api/v1/issuer/contractors`, { ...auth(owner), data: { name } });
    expect(created.status()).toBe(201);
    const contractor = (await created.json()).id as number;
    const numbers: string[] = [];
    for (const price of ['120.00', '80.50']) {
      const draft = await request.post(`${scratch()}/api/v1/issuer/documents`, {
        ...auth(owner),
        data: { contractor_id: contractor, type: 'invoice', currency: 'EUR', lines: [{ description: 'Consulting', quantity: '1', unit: 'h', unit_price: price, vat_rate: '20' }] },
      });
      expect(draft.status(), await draft.text()).toBe(201);
      const issued = await request.post(`${scratch()}/api/v1/issuer/documents/${(await draft.json()).id}/issue`, auth(owner));
      expect(issued.status()).toBe(200);
      numbers.push((await issued.json()).number);
    }

    await page.goto(`${scratch()}/admin/documents?contractor=${contractor}`);
    await staffSignIn(page);
    const rows = page.locator('#documents tbody tr');
    await expect(rows).toHaveCount(2);
    const bar = page.locator('.bulk-bar');
    await expect(bar).toBeHidden();
    await page.getByRole('checkbox', { name: `Select ${numbers[0]} ${name}` }).check();
    await expect(bar).toContainText('1 selected');
    await page.locator('#select-all').check();
    await expect(bar).toContainText('2 selected');
    await expect(page.getByRole('checkbox', { name: `Select ${numbers[1]} ${name}` })).toBeChecked();
    await expectAccessible(page, 'admin documents with a selection');
    await screenshot(page, 'admin-documents-bulk');

    // The ZIP holds each PDF once, under its number, as Python's zipfile reads it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#bulk-pdf').click()]);
    expect(download.suggestedFilename()).toBe('documents.zip');
    const zip = test.info().outputPath('documents.zip');
    await download.saveAs(zip);
    const listing = execFileSync('python3', [
      '-c',
      'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps([[i.filename, z.read(i)[:5].decode()] for i in z.infolist()]))',
      zip,
    ]).toString();
    expect(JSON.parse(listing).sort()).toEqual(numbers.map((n) => [`invoice-${n}.pdf`, '%PDF-']).sort());

    // Marked as sent: a message, a badge on each row, the API agrees, the selection is gone.
    await page.locator('#bulk-sent').click();
    await expect(page.getByText('2 documents marked as sent.')).toBeVisible();
    await expect(rows.filter({ hasText: 'Sent' })).toHaveCount(2);
    await expect(bar).toBeHidden();
    const sent = await (await request.get(`${scratch()}/api/v1/issuer/documents?contractor=${contractor}&sent=true`, auth(owner))).json();
    expect(sent.total).toBe(2);
    await page.locator('#f-sent').selectOption('false');
    await expect(page).toHaveURL(/sent=false/);
    await expect(page.locator('.table-message')).toContainText('No documents');

    // The activity page: this contractor's "marked as sent", by the owner, each document named.
    await page.goto(`${scratch()}/admin/activity?contractor=${contractor}&kind=marked_sent`);
    const events = page.locator('#activity tbody tr');
    await expect(events).toHaveCount(2);
    for (const n of numbers) await expect(events.filter({ hasText: `Invoice ${n}` })).toContainText('Marked as sent');
    await expect(events.first()).toContainText('Olivia Owner');
    await expect(page.locator('.chip')).toContainText(name);
    await expectAccessible(page, 'admin activity');
    await screenshot(page, 'admin-activity');
    // Filtered to customers only: none of these (the customer never signed in).
    await page.locator('#f-actor').selectOption('portal_user');
    await expect(page).toHaveURL(/actor=portal_user/);
    await expect(page.locator('.table-message')).toContainText('Nothing recorded yet.');

    // A document's page shows its stored PDF and that it was marked as sent.
    await page.goto(`${scratch()}/admin/activity?contractor=${contractor}&kind=marked_sent`);
    await events.filter({ hasText: `Invoice ${numbers[0]}` }).getByRole('link', { name: `Invoice ${numbers[0]}` }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invoice ${numbers[0]}`);
    await expect(page.locator('iframe.pdf-frame')).toHaveAttribute('src', /^blob:/);
    await expect(page.locator('.facts')).toContainText('Sent');
    await expect(page.locator('#mark-sent')).toHaveCount(0);
    await expect(page.locator('#events')).toContainText('Marked as sent · Olivia Owner');
    await screenshot(page, 'admin-document-preview');
  });
});

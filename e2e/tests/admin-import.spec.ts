import { expect, test } from '@playwright/test';
import { expectAccessible, ownerToken, scratch, screenshot, staffSignIn } from './helpers';

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

test.describe('contractor import', () => {
  test('a German Excel file: map the name column, see each row\'s errors, skip them and import; the same file again changes nothing', async ({ page, request }) => {
    const token = await ownerToken(request, scratch());
    const tag = Date.now();
    // Byte-order mark, semicolons, a quoted cell with a semicolon and one with a comma, a bad
    // IBAN checksum, a row repeating an earlier tax number; "Bezeichnung" is not a name we guess.
    const file = '\ufeffKundennr.;Bezeichnung;Steuernummer;E-Mail;IBAN;Ort\r\n'
      + `K1;"Nord; Süd Handel GmbH";DE-${tag}-1;nord${tag}@import.example;DE89 3704 0044 0532 0130 00;Berlin\r\n`
      + `K2;"Müller, Schmidt & Co.";DE-${tag}-2;mueller${tag}@import.example;;München\r\n`
      + `K3;Bad Bank Ltd;DE-${tag}-3;bad${tag}@import.example;DE89 3704 0044 0532 0130 01;Köln\r\n`
      + `K4;Nord Süd again;DE-${tag}-1;other${tag}@import.example;;Hamburg\r\n`;

    await page.goto(scratch() + '/admin/contractors');
    await staffSignIn(page);
    await page.locator('#import-contractors').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import contractors');
    await page.locator('#import-file').setInputFiles({ name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(file, 'utf8') });

    // The guess: tax number, e-mail, IBAN and city found; the name is not.
    await expect(page.locator('#import-missing')).toBeVisible();
    await expect(page.locator('#map-2')).toHaveValue('tax_id');
    await expect(page.locator('#map-3')).toHaveValue('email');
    await expect(page.locator('#map-0')).toHaveValue('');
    await expect(page.locator('#import-submit')).toBeDisabled();
    await page.locator('#map-1').selectOption('name');
    await expect(page.locator('#import-missing')).toBeHidden();
    await expect(page.locator('#import-summary')).toHaveText('4 rows: 2 new, 0 to change, 0 unchanged, 2 with errors.');

    const rows = page.locator('#import-preview tbody tr');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0)).toContainText('Nord; Süd Handel GmbH');
    await expect(rows.nth(1)).toContainText('Müller, Schmidt & Co.');
    await expect(rows.nth(2).locator('td').first()).toHaveText('4');
    await expect(rows.nth(2)).toContainText('IBAN: Not a valid IBAN');
    await expect(rows.nth(3)).toContainText('The same as an earlier row of the file. (Line 2)');
    // Rows with errors import nothing until the user chooses to skip them.
    await expect(page.locator('#import-submit')).toBeDisabled();
    await page.locator('#import-skip').check();
    await expectAccessible(page, 'admin import preview');
    await screenshot(page, 'admin-import');
    await page.locator('#import-submit').click();
    await expect(page.locator('#import-done')).toHaveText('Imported: 2 new contractors, 0 changed, 2 rows skipped.');

    const found = async (q: string) => (await (await request.get(`${scratch()}/api/v1/issuer/contractors?q=${encodeURIComponent(q)}`, auth(token))).json()).items;
    const nord = await found(`nord${tag}@import.example`);
    expect(nord).toHaveLength(1);
    expect(nord[0]).toMatchObject({ name: 'Nord; Süd Handel GmbH', iban: 'DE89370400440532013000', address: { city: 'Berlin' } });
    expect(await found(`bad${tag}@import.example`)).toHaveLength(0);
    // The preview links the new contractor.
    await page.getByRole('link', { name: 'Müller, Schmidt & Co.' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Müller, Schmidt & Co.');

    // The same file again: every good row is already there as it is.
    await page.goto(scratch() + '/admin/contractors/import');
    await page.locator('#import-file').setInputFiles({ name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(file, 'utf8') });
    await page.locator('#map-1').selectOption('name');
    await expect(page.locator('#import-summary')).toHaveText('4 rows: 0 new, 0 to change, 2 unchanged, 2 with errors.');
    await expect(page.locator('#import-submit')).toBeDisabled();
  });

  test('a file that is not UTF-8 is refused with what to do', async ({ page }) => {
    await page.goto(scratch() + '/admin/contractors/import');
    await staffSignIn(page);
    // Windows-1252, as Excel writes plain "CSV".
    await page.locator('#import-file').setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv', buffer: Buffer.from('Name\nM\xfcller GmbH\n', 'latin1') });
    await expect(page.getByText('The file is not UTF-8 text. Save it as "CSV UTF-8" and choose it again.')).toBeVisible();
    await expect(page.locator('#import-preview')).toHaveCount(0);
  });
});

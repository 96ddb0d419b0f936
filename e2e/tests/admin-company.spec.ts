import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectAccessible, ownerToken, scratch, screenshot, staffSignIn } from './helpers';

const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** The text of a PDF as poppler's pdftotext reads it (whitespace folded). */
function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'pdf-'));
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-']).toString().replace(/\s+/g, ' ');
}

/** Issues a one-line document of `type` for the first contractor through the API: its number and PDF text. */
async function issued(request: APIRequestContext, token: string, type: string) {
  const contractors = await (await request.get(`${scratch()}/api/v1/issuer/contractors?q=office@acme.example`, auth(token))).json();
  const created = await request.post(`${scratch()}/api/v1/issuer/documents`, {
    ...auth(token),
    data: {
      contractor_id: contractors.items[0].id,
      type,
      currency: 'USD',
      lines: [{ description: 'Company profile check', quantity: '1', unit: 'pcs', unit_price: '10', vat_rate: '20' }],
    },
  });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id;
  const issue = await request.post(`${scratch()}/api/v1/issuer/documents/${id}/issue`, auth(token));
  expect(issue.status()).toBe(200);
  const number = (await issue.json()).number as string;
  return { id, number, text: await pdfOf(request, token, id) };
}

async function pdfOf(request: APIRequestContext, token: string, id: number) {
  const pdf = await request.get(`${scratch()}/api/v1/issuer/documents/${id}/pdf`, auth(token));
  expect(pdf.status()).toBe(200);
  return pdfText(await pdf.body());
}

test.describe('company profile', () => {
  test('errors under their fields, the PDF header previewed live, an account and a continued numbering on the next issued PDF', async ({ page, request }) => {
    const token = await ownerToken(request, scratch());
    const profile = async () => (await (await request.get(`${scratch()}/api/v1/issuer/organization`, auth(token))).json());
    const before = await issued(request, token, 'order_confirmation');

    await page.goto(scratch() + '/admin/company');
    await staffSignIn(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Company profile');
    const preview = page.locator('#pdf-header-preview');
    await expect(preview).toContainText('Demo Trading Ltd');

    // Typing shows at once in the preview of the PDF's issuer block.
    const trading = `Demo Shop ${Date.now()}`;
    await page.locator('#co-trading-name').fill(trading);
    await expect(preview).toContainText(trading);

    // A tax number that fails Bulgaria's check digit: the error under the field, nothing saved.
    await page.locator('#co-tax-id').fill('123456789');
    await page.locator('#save-company').click();
    await expect(page.locator('#co-tax-id-error')).toHaveText('Not a valid tax number for the company\'s country.');
    await expect(page.locator('#co-tax-id')).toHaveAttribute('aria-invalid', 'true');
    expect((await profile()).trading_name).toBeNull();
    await page.locator('#co-tax-id').fill('123 456 786');
    await page.locator('#save-company').click();
    await expect(page.getByText('Company profile saved.')).toBeVisible();
    expect((await profile()).trading_name).toBe(trading);
    // The form shows what the server keeps.
    await expect(page.locator('#co-tax-id')).toHaveValue('123456786');

    // A USD account: a mistyped IBAN is named in its row, then corrected.
    await page.locator('#add-account').click();
    const row = page.locator('#bank-accounts tbody tr').last();
    await row.getByRole('textbox', { name: 'IBAN' }).fill('GB82 WEST 1234 5698 7654 33');
    await row.getByRole('textbox', { name: 'Bank' }).fill('West Bank');
    await row.getByRole('textbox', { name: 'Currency' }).fill('USD');
    await page.locator('#save-accounts').click();
    await expect(row.locator('.field-error:visible')).toHaveText('Not a valid IBAN: a character is wrong or missing.');
    await row.getByRole('textbox', { name: 'IBAN' }).fill('GB82 WEST 1234 5698 7654 32');
    await page.locator('#save-accounts').click();
    await expect(page.getByText('Bank accounts saved.')).toBeVisible();
    const accounts = (await profile()).bank_accounts as { iban: string; currency: string; is_default: boolean }[];
    expect(accounts.find((a) => a.currency === 'USD')).toMatchObject({ iban: 'GB82WEST12345698765432', is_default: true });

    // Order confirmations continue an earlier numbering: a number below the current one is refused.
    const year = new Date().getFullYear();
    await page.locator('#series-order_confirmation-prefix').fill('AB-{YYYY}-');
    await page.locator('#series-order_confirmation-padding').fill('7');
    await page.locator('#series-order_confirmation-next_number').fill('1');
    await expect(page.locator('#series-order_confirmation-printed')).toHaveText(`AB-${year}-0000001`);
    await page.locator('#save-series').click();
    await expect(page.locator('#series-order_confirmation-next_number-error')).toHaveText('Numbers below this are given already: the next can only go up.');
    await page.locator('#series-order_confirmation-next_number').fill('990000');
    await expect(page.locator('#series-order_confirmation-printed')).toHaveText(`AB-${year}-0990000`);
    await page.locator('#save-series').click();
    await expect(page.getByText('Number series saved.')).toBeVisible();
    await expectAccessible(page, 'admin company');
    await screenshot(page, 'admin-company');

    // The next order confirmation has the new number and prints the new data; the one before
    // still prints as it was issued.
    const after = await issued(request, token, 'order_confirmation');
    expect(after.number).toBe(`AB-${year}-0990000`);
    expect(after.text).toContain(trading);
    expect(after.text).toContain('GB82WEST12345698765432');
    expect(after.text).toContain(`AB-${year}-0990000`);
    expect(before.text).not.toContain(trading);
    expect(await pdfOf(request, token, before.id)).toBe(before.text);
  });
});

/** A PNG of `width` × `height` pixels (a blue bar on transparency), written by hand: signature, IHDR, IDAT, IEND. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 4);
    for (let x = 0; x < width; x++) {
      const opaque = y > height / 4 && y < (3 * height) / 4;
      row.set([29, 78, 216, opaque ? 255 : 0], 1 + x * 4);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test.describe('logo', () => {
  test('an HTML file called logo.png is refused; a picture shows in the card and the PDF preview, prints on the next document and can be removed', async ({ page, request }) => {
    const token = await ownerToken(request, scratch());
    await page.goto(scratch() + '/admin/company');
    await staffSignIn(page);
    await expect(page.locator('#logo-title')).toHaveText('Logo');

    await page.locator('#logo-file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<!doctype html><script>alert(1)</script>') });
    await expect(page.getByText('This file is not a PNG or JPEG picture.')).toBeVisible();
    expect((await (await request.get(`${scratch()}/api/v1/issuer/organization`, auth(token))).json()).logo).toBeNull();

    await page.locator('#logo-file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(300, 100) });
    await expect(page.getByText('Logo saved.')).toBeVisible();
    await expect(page.locator('#logo-current img')).toBeVisible();
    await expect(page.locator('#pdf-header-preview img.pdf-head-logo')).toBeVisible();
    const natural = await page.locator('#logo-current img').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    expect(natural).toEqual([300, 100]);
    await expectAccessible(page, 'admin company logo');
    await screenshot(page, 'admin-company-logo');

    // The next issued document carries the picture (its image object is 300 pixels wide).
    const next = await issued(request, token, 'delivery_note');
    const pdf = await (await request.get(`${scratch()}/api/v1/issuer/documents/${next.id}/pdf`, auth(token))).body();
    expect(pdf.toString('latin1')).toMatch(/\/Subtype\/Image[^>]*\/Width 300|\/Width 300[^>]*\/Subtype\/Image/);

    // The customer portal shows it in place of its mark (a stylesheet the server links).
    await page.goto(scratch() + '/p/demo/login');
    await expect(page.locator('.login-brand .brand-mark')).toHaveCSS('background-image', /\/p\/demo\/logo\?v=\d+/);
    await screenshot(page, 'portal-login-logo', false);

    await page.goto(scratch() + '/admin/company');
    await page.locator('#logo-remove').click();
    await expect(page.getByText('Logo removed.')).toBeVisible();
    await expect(page.getByText('No logo yet.')).toBeVisible();
    await expect(page.locator('#pdf-header-preview img')).toHaveCount(0);
  });
});

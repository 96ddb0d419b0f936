import { expect, type APIRequestContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The server for tests that only read. */
export const main = () => process.env.E2E_MAIN as string;
/** The server for tests that change data. */
export const scratch = () => process.env.E2E_SCRATCH as string;

export const ORG = 'demo';
export const PASSWORD = 'demo-portal-pass';
export const portal = (path = '') => `/p/${ORG}${path}`;

/** Picks the UI language before the app starts (as if the user had chosen it earlier). */
export async function chooseLanguage(page: Page, lang: 'en' | 'bg' | 'de' | 'es') {
  // Only when nothing is stored yet: a choice made in the app survives reloads.
  await page.addInitScript((l) => {
    if (!window.localStorage.getItem('portal.locale')) window.localStorage.setItem('portal.locale', l);
  }, lang);
}

/** Signs in through the login form and waits for the page it leads to. */
export async function login(page: Page, base: string, username: string, password = PASSWORD, path = portal('/login')) {
  await page.goto(base + path);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('header.topbar')).toBeVisible();
}

/** The rows of the document grid. */
export const gridRows = (page: Page) => page.locator('table.grid-table tbody tr');

/** The document numbers shown in the grid, in order. */
export async function numbers(page: Page): Promise<string[]> {
  return page.locator('table.grid-table tbody th[scope=row] a').allTextContents();
}

/** Waits until the grid shows the answer to the documents request `action` causes. */
export async function waitForGrid(page: Page, action: () => Promise<unknown>) {
  const response = page.waitForResponse((r) => r.url().includes('/api/v1/portal/documents?') && r.request().method() === 'GET');
  await action();
  const res = await response;
  expect(res.status()).toBe(200);
  await expect(page.locator('.grid-region')).toHaveAttribute('aria-busy', 'false');
  return res.json();
}

/**
 * POSTs a sign-in for a test's own setup. Once more when the connection was reset: the request
 * context reuses a kept-alive connection, and one the server closes for idleness (5 s) as the
 * request leaves is reset — a race of the test's client, not a behaviour under test.
 */
async function signInPost(request: APIRequestContext, url: string, data: object) {
  try {
    return await request.post(url, { data });
  } catch (e) {
    if (!String(e).includes('ECONNRESET')) throw e;
    return await request.post(url, { data });
  }
}

/** An access token for direct API calls (to compute what the grid should show). */
export async function apiToken(request: APIRequestContext, base: string, username: string, password = PASSWORD) {
  const res = await signInPost(request, `${base}/api/v1/portal/auth/login`, { organization: ORG, username, password });
  expect(res.status()).toBe(200);
  return (await res.json()).access_token as string;
}

/** Runs axe-core on the page: no serious or critical violations. */
export async function expectAccessible(page: Page, context: string) {
  // The PDF preview shows Chromium's own viewer, not our markup, and axe hangs trying to enter
  // it: point the frame at an empty page first (the <iframe> element itself is still checked).
  await page.evaluate(() => document.querySelectorAll('iframe.pdf-frame').forEach((f) => f.setAttribute('src', 'about:blank')));
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(report, `axe on ${context}`).toEqual([]);
}

/** Saves a full-page screenshot under test-results/screenshots/. */
export async function screenshot(page: Page, name: string, fullPage = true) {
  const file = join(__dirname, '..', 'test-results', 'screenshots', `${name}.png`);
  mkdirSync(join(file, '..'), { recursive: true });
  await page.screenshot({ path: file, fullPage });
}

/** A quick filter button above the grid. */
export const quick = (page: Page, name: 'All' | 'Unpaid' | 'Paid' | 'Overdue') =>
  page.getByRole('group', { name: 'Show' }).getByRole('button', { name, exact: true });

export type Lang = 'en' | 'bg' | 'de' | 'es';

/**
 * How the portal writes an amount in each language, written out here independently of the
 * app's own formatter, so expected figures come from the API's decimal strings, not from demo
 * data copied into the tests: `€45,116.30`, `45 116,30 €` (bg), `45.116,30 €` (de, es);
 * BGN as `BGN 2,526.60` (en), `2 526,60 лв.` (bg), `2.526,60 BGN` (de, es).
 */
export function money(lang: Lang, currency: string, decimal: string): string {
  const nbsp = '\u00a0';
  const negative = decimal.startsWith('-');
  const [int, frac] = decimal.replace(/^-/, '').split('.');
  const group = { en: ',', bg: nbsp, de: '.', es: '.' }[lang];
  const point = lang === 'en' ? '.' : ',';
  const digits = int.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (frac ? point + frac : '');
  const symbol = currency === 'EUR' ? '€' : lang === 'bg' && currency === 'BGN' ? 'лв.' : currency;
  const amount = lang === 'en' ? (currency === 'EUR' ? symbol + digits : symbol + nbsp + digits) : digits + nbsp + symbol;
  return negative ? '-' + amount : amount;
}

/** The API's answer to a documents query, with a fresh token of `username`. */
export async function documentsFromApi(request: APIRequestContext, base: string, username: string, query = '') {
  const token = await apiToken(request, base, username);
  const res = await request.get(`${base}/api/v1/portal/documents${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  return res.json();
}

/**
 * The mails a test server sent, as the harness's SMTP server received them (global-setup.ts
 * starts one per server; it keeps each message as an .eml file), newest last, decoded from
 * quoted-printable. `to` is the envelope's recipient.
 */
export function mailsOf(server: 'main' | 'scratch'): { to: string; text: string }[] {
  const state = JSON.parse(readFileSync(join(__dirname, '..', 'test-results', '.servers.json'), 'utf8')) as {
    name: string;
    dataDir: string;
  }[];
  const dir = join(state.find((s) => s.name === server)!.dataDir, 'smtp');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => {
      const raw = readFileSync(join(dir, f), 'utf8');
      const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      const to = /^X-Sink-Recipients: (.*)$/m.exec(raw)?.[1].trim() ?? '';
      return { to, text };
    });
}

/** The link to `path` in the newest mail to `address` (waits up to ten seconds for it). */
export async function linkInMail(server: 'main' | 'scratch', address: string, path: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      () => {
        const mail = mailsOf(server).filter((m) => m.to === address).pop();
        link = mail && new RegExp(`https?://\\S*${path}\\?token=[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
        return link;
      },
      { timeout: 10_000 },
    )
    .toBeTruthy();
  return link!;
}

/** An issuer access token of the demo owner (for setting up data through the API). */
export async function ownerToken(request: APIRequestContext, base: string) {
  const res = await signInPost(request, `${base}/api/v1/issuer/auth/login`, { email: 'owner@demo.example', password: 'demo-owner-pass' });
  expect(res.status()).toBe(200);
  return (await res.json()).access_token as string;
}

/** Signs in at /admin/login (the page is expected to be showing). */
export async function staffSignIn(page: Page, email = 'owner@demo.example', password = 'demo-owner-pass') {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('form button[type=submit]').click();
}

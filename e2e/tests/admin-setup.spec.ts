import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot } from './helpers';

const binary = process.env.PORTAL_BIN ?? join(resolve(__dirname, '..', '..'), 'target', 'release', 'portal');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

test('an empty instance is set up from the first-run page with the code from the server, then the page is gone', async ({ page }) => {
  // A server of its own on an empty SQLite database: no --demo, so no organisation.
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-e2e-setup-'));
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(binary, ['serve', '--data-dir', dataDir, '--addr', `127.0.0.1:${port}`, '--workers', '1'], {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORTAL_LOG: 'warn', PORTAL_PUBLIC_URL: base },
  });
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  try {
    await expect.poll(async () => (await fetch(`${base}/ready`).catch(() => null))?.ok ?? false, { timeout: 30_000 }).toBe(true);
    const code = readFileSync(join(dataDir, 'setup-code'), 'utf8').trim();
    // The same code is in the server's log, with where to go.
    expect(log).toContain(code);
    expect(log).toContain(`${base}/admin/setup`);

    await page.goto(`${base}/admin/setup`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up your portal');
    await page.locator('#setup-code').fill('WRONG-WRONG-WRONG-WRONG');
    await page.locator('#setup-name').fill('Acme Trading Ltd');
    await page.locator('#setup-slug').fill('acme-trading');
    await page.locator('#setup-owner').fill('Ada Owner');
    await page.locator('#setup-email').fill('ada@acme.example');
    await page.locator('#setup-password').fill('a long and private passphrase');
    await expectAccessible(page, 'admin setup');
    await screenshot(page, 'admin-setup');
    await page.locator('#setup-submit').click();
    await expect(page.locator('#setup-code-error')).toHaveText('Not the code from the server\'s log.');

    await page.locator('#setup-code').fill(code);
    await page.locator('#setup-submit').click();
    // Signed in as the owner, on to the company profile.
    await expect(page).toHaveURL(`${base}/admin/company`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Company profile');
    await expect(page.locator('#pdf-header-preview')).toContainText('Acme Trading Ltd');
    await expect(page.locator('#co-legal-name')).toHaveValue('Acme Trading Ltd');

    // The page is gone: it says so, and the API refuses a second setup.
    await page.goto(`${base}/admin/setup`);
    await expect(page.locator('#setup-closed')).toBeVisible();
    const again = await fetch(`${base}/api/v1/issuer/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, name: 'Second', slug: 'second', owner_name: 'Eve', owner_email: 'eve@example.org', password: 'another long passphrase' }),
    });
    expect(again.status).toBe(404);
  } finally {
    child.kill('SIGTERM');
  }
});

// Browser benchmark of the customer portal SPA (run by scripts/bench-spa).
//
// Starts the real `portal serve --demo` with a fresh data directory, drives Debian's headless
// Chromium and prints a JSON object with the timings:
//   - navigation → rendered grid: a full page load of /p/demo/documents (silent sign-in with
//     the refresh cookie, wasm start, API request, rows in the DOM, layout);
//   - filter change → updated grid: a click on a quick filter until the new rows are laid out;
//   - a 1,000-row page: the documents request answered by Playwright with 1,000 rows, rendered
//     by the SPA and, in the same run, by a plain JavaScript page that builds a <table> from
//     the same JSON with DOM calls (and, for reference, the same plain page with the portal's
//     stylesheet and class names, which separates the cost of the styling from the cost of
//     the framework). All are timed in the page from the trigger (click / call)
//     to the laid-out table, so both include fetching and parsing the same answer.
// Every figure is p50/p95 over RUNS runs (default 20).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const binary = process.env.PORTAL_BIN ?? join(root, 'target', 'release', 'portal');
const staticDir = process.env.PORTAL_STATIC_DIR ?? join(root, 'frontend', 'dist');
const RUNS = Number(process.env.RUNS ?? 20);
const ROWS = 1000;
const args = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const freePort = () =>
  new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const stats = (values) => ({ p50: percentile(values, 50), p95: percentile(values, 95), runs: values.length });

async function startServer() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-bench-spa-'));
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(binary, ['serve', '--demo', '--static-dir', staticDir, '--data-dir', dataDir, '--addr', `127.0.0.1:${port}`], {
    stdio: 'ignore',
    env: { ...process.env, PORTAL_LOG: 'warn' },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/ready`)).ok) return { base, child, dataDir };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('portal did not start');
}

/** A page of `ROWS` documents made from the demo rows, numbered by `run` so every answer differs. */
function bigPage(template, run) {
  const items = [];
  for (let i = 0; i < ROWS; i++) {
    const row = template[i % template.length];
    items.push({ ...row, id: 100000 + i, number: `R${String(run).padStart(3, '0')}-${String(i).padStart(6, '0')}` });
  }
  return JSON.stringify({ items, total: ROWS, page: 1, per_page: 200, sums: [] });
}

const plainPage = `<!doctype html><html><head><meta charset="utf-8"><title>plain table</title></head><body>
<table id="t"><thead><tr><th>Number</th><th>Date</th><th>Due date</th><th>Type</th><th>Currency</th><th>Tax base</th><th>VAT</th><th>Total</th><th>Paid</th><th>Remaining</th><th>Downloaded</th><th>Download</th></tr></thead><tbody></tbody></table>
<script>
window.renderPlain = async function (url) {
  const t0 = performance.now();
  const data = await (await fetch(url)).json();
  const tbody = document.querySelector('#t tbody');
  const fresh = document.createElement('tbody');
  for (const r of data.items) {
    const tr = document.createElement('tr');
    if (r.overdue) tr.className = 'overdue';
    const th = document.createElement('th');
    th.scope = 'row';
    const a = document.createElement('a');
    a.href = '/p/demo/documents/' + r.id;
    a.textContent = r.number;
    th.appendChild(a);
    tr.appendChild(th);
    for (const v of [r.date, r.due_date, r.type, r.currency, r.tax_base, r.vat, r.total, r.paid, r.remaining, r.downloaded_at]) {
      const td = document.createElement('td');
      td.textContent = v == null ? '' : v;
      tr.appendChild(td);
    }
    const td = document.createElement('td');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.download = r.id;
    b.setAttribute('aria-label', 'Download ' + r.number + ' as PDF');
    td.appendChild(b);
    tr.appendChild(td);
    fresh.appendChild(tr);
  }
  tbody.replaceWith(fresh);
  document.body.offsetHeight; // layout
  return performance.now() - t0;
};
</script></body></html>`;

/** The same plain table, but with the portal's stylesheet and class names (same layout work). */
const styledPage = (css) => plainPage
  .replace('<title>plain table</title>', `<title>styled plain table</title><link rel="stylesheet" href="${css}">`)
  .replace('<table id="t"><thead><tr>', '<div class="table-wrap"><table id="t" class="table grid-table"><thead><tr>')
  .replace('</tr></thead><tbody></tbody></table>', '</tr></thead><tbody></tbody></table></div>')
  .replace(/<th>(Number|Date|Due date|Type|Currency|Tax base|VAT|Total|Paid|Remaining|Downloaded|Download)<\/th>/g, (_, h) => {
    const key = { Number: 'number', Date: 'date', 'Due date': 'due_date', Type: 'type', Currency: 'currency', 'Tax base': 'tax_base', VAT: 'vat', Total: 'total', Paid: 'paid', Remaining: 'remaining', Downloaded: 'downloaded_at', Download: 'download' }[h];
    return `<th class="col-${key}">${h}</th>`;
  })
  .replace("const td = document.createElement('td');\n      td.textContent = v == null ? '' : v;", "const td = document.createElement('td');\n      td.className = typeof v === 'string' && /^-?[0-9]+\\.[0-9]+$/.test(v) ? 'num' : 'c-date';\n      td.textContent = v == null ? '' : v;")
  .replace("b.type = 'button';", "b.type = 'button';\n    b.className = 'icon-btn dl-btn';");

async function main() {
  const { base, child, dataDir } = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args });
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB' });
    await context.addInitScript(() => {
      if (location.pathname.startsWith('/p/')) localStorage.setItem('portal.locale', 'en');
      // Records when the grid first shows rows (performance.now() counts from navigation start).
      new MutationObserver((_, observer) => {
        if (document.querySelector('table.grid-table tbody tr')) {
          document.body.offsetHeight;
          window.__gridAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
      // And when a document's page first shows its heading.
      new MutationObserver((_, observer) => {
        if (document.querySelector('.doc-head h1')) {
          document.body.offsetHeight;
          window.__documentAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    await page.goto(`${base}/p/demo/login`);
    await page.fill('#username', 'acme');
    await page.fill('#password', 'demo-portal-pass');
    await page.click('form button[type=submit]');
    await page.waitForSelector('header.topbar');

    // Navigation → rendered grid. The first load fetches the wasm; later ones have it cached
    // (content-hashed, immutable), as a returning customer would.
    const navigation = [];
    let cold = null;
    for (let i = 0; i <= RUNS; i++) {
      await page.goto(`${base}/p/demo/documents`);
      await page.waitForFunction(() => window.__gridAt !== undefined);
      const at = await page.evaluate(() => window.__gridAt);
      if (i === 0) cold = at;
      else navigation.push(at);
    }

    // A mail's link → the document's page: a page of its own wasm chunks, fetched on the first
    // visit (the main bundle already cached, as for a customer who has used the portal before)
    // and cached afterwards.
    const href = await page.getAttribute('table.grid-table tbody th a', 'href');
    const documentPage = [];
    let documentCold = null;
    for (let i = 0; i <= RUNS; i++) {
      await page.goto(base + href);
      await page.waitForFunction(() => window.__documentAt !== undefined);
      const at = await page.evaluate(() => window.__documentAt);
      if (i === 0) documentCold = at;
      else documentPage.push(at);
    }
    await page.goto(`${base}/p/demo/documents`);
    await page.waitForFunction(() => window.__gridAt !== undefined);

    // Filter change → updated grid.
    const filterChange = [];
    for (let i = 0; i < RUNS; i++) {
      const name = i % 2 === 0 ? 'Paid' : 'Unpaid';
      filterChange.push(
        await page.evaluate(async (name) => {
          const tbody = document.querySelector('table.grid-table tbody');
          const before = tbody.innerHTML;
          const button = [...document.querySelectorAll('.segmented button')].find((b) => b.textContent.trim() === name);
          const t0 = performance.now();
          const done = new Promise((ok) => {
            const check = () => {
              if (tbody.innerHTML !== before) {
                document.body.offsetHeight;
                ok(performance.now() - t0);
                return true;
              }
              return false;
            };
            new MutationObserver((_, o) => check() && o.disconnect()).observe(tbody, { childList: true, subtree: true, characterData: true });
          });
          button.click();
          return done;
        }, name),
      );
    }

    // 1,000 rows: the SPA and a plain JavaScript table, interleaved, on the same JSON.
    const demo = await page.evaluate(async () => {
      const r = await fetch('/api/v1/portal/auth/refresh', { method: 'POST' });
      const { access_token } = await r.json();
      const d = await fetch('/api/v1/portal/documents?per_page=200', { headers: { Authorization: `Bearer ${access_token}` } });
      return (await d.json()).items;
    });
    let run = 0;
    const answer = (route) => route.fulfill({ status: 200, contentType: 'application/json', body: bigPage(demo, run) });
    await context.route('**/api/v1/portal/documents?*', answer);
    await context.route('**/bench/plain-data*', answer);
    await context.route('**/bench/plain', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: plainPage }));
    const css = await page.evaluate(() => new URL(document.querySelector('link[rel=stylesheet]').href).pathname);
    await context.route('**/bench/styled', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: styledPage(css) }));
    // The refresh above rotated the cookie: reload the app once so it holds the new one.
    await page.goto(`${base}/p/demo/documents?per_page=200`);
    await page.waitForFunction((n) => document.querySelectorAll('table.grid-table tbody tr').length === n, ROWS);
    const plain = await context.newPage();
    await plain.goto(`${base}/bench/plain`);
    const styled = await context.newPage();
    await styled.goto(`${base}/bench/styled`);

    const spaRows = [];
    const plainRows = [];
    const styledRows = [];
    for (let i = 0; i < RUNS; i++) {
      run = i + 1;
      const name = i % 2 === 0 ? 'Paid' : 'All';
      spaRows.push(
        await page.evaluate(
          async ({ name, marker, rows }) => {
            const tbody = document.querySelector('table.grid-table tbody');
            const button = [...document.querySelectorAll('.segmented button')].find((b) => b.textContent.trim() === name);
            const t0 = performance.now();
            const done = new Promise((ok) => {
              new MutationObserver((_, o) => {
                if (tbody.rows.length === rows && tbody.rows[0].textContent.includes(marker)) {
                  o.disconnect();
                  document.body.offsetHeight;
                  ok(performance.now() - t0);
                }
              }).observe(tbody, { childList: true });
            });
            button.click();
            return done;
          },
          { name, marker: `R${String(run).padStart(3, '0')}-`, rows: ROWS },
        ),
      );
      plainRows.push(await plain.evaluate((url) => window.renderPlain(url), `/bench/plain-data?run=${run}`));
      styledRows.push(await styled.evaluate((url) => window.renderPlain(url), `/bench/plain-data?run=${run}`));
      for (const p of [plain, styled]) {
        const count = await p.evaluate(() => document.querySelectorAll('#t tbody tr').length);
        if (count !== ROWS) throw new Error(`plain table has ${count} rows`);
      }
    }

    const result = {
      chromium: browser.version(),
      runs: RUNS,
      navigationCold: cold,
      navigation: stats(navigation),
      documentCold,
      documentPage: stats(documentPage),
      filterChange: stats(filterChange),
      spaRows: stats(spaRows),
      plainRows: stats(plainRows),
      styledRows: stats(styledRows),
    };
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

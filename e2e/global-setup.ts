// Starts the real `portal serve --demo` twice, each on a free port with a fresh data directory:
// MAIN for tests that only read, SCRATCH for tests that change data (downloads, account,
// password, sessions, throttling). Their addresses reach the tests as environment variables.
// With E2E_PG_URL (a PostgreSQL URL that may create databases) each server gets a fresh
// PostgreSQL database instead of SQLite; the teardown drops it. Each server mails through an
// SMTP server of its own on loopback (smtp-sink.ts), which keeps what it receives under
// `<data dir>/smtp/` for the tests to read.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSmtpSink } from './smtp-sink';

const root = resolve(__dirname, '..');
const binary = process.env.PORTAL_BIN ?? join(root, 'target', 'release', 'portal');
// The apps embedded in the binary, unless a directory of built apps is named.
const staticDir = process.env.PORTAL_STATIC_DIR;
export const stateFile = join(__dirname, 'test-results', '.servers.json');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitReady(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`portal exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${base}/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`portal did not become ready at ${base}:\n${log()}`);
}

async function start(name: string) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `portal-e2e-${name}-`));
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const args = ['serve', '--demo', '--data-dir', dataDir, '--addr', `127.0.0.1:${port}`, '--workers', '2'];
  const sink = await startSmtpSink(join(dataDir, 'smtp'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORTAL_LOG: 'warn',
    PORTAL_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    // Public sign-up on the scratch server only: the main one shows the default, closed.
    PORTAL_SIGNUP: name === 'scratch' ? 'open' : 'closed',
    // Webhooks to a receiver on loopback, from the scratch server only (the main one keeps the
    // default guard: no private or loopback targets).
    PORTAL_WEBHOOK_ALLOW_PRIVATE: name === 'scratch' ? 'true' : 'false',
  };
  let database: string | undefined;
  const admin = process.env.E2E_PG_URL;
  if (admin) {
    database = `portal_e2e_${name}_${process.pid}_${port}`;
    execFileSync('psql', [admin, '-qc', `CREATE DATABASE "${database}"`]);
    const url = new URL(admin);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
  }
  if (staticDir) args.push('--static-dir', staticDir);
  // Started in an empty directory of its own: the binary needs nothing beside it.
  const child = spawn(binary, args, {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  await waitReady(base, child, () => output);
  return { name, base, pid: child.pid, dataDir, database };
}

export default async function globalSetup() {
  const servers = await Promise.all([start('main'), start('scratch')]);
  process.env.E2E_MAIN = servers[0].base;
  process.env.E2E_SCRATCH = servers[1].base;
  mkdirSync(join(__dirname, 'test-results'), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(servers));
}

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { stateFile } from './global-setup';

export default async function globalTeardown() {
  if (!existsSync(stateFile)) return;
  const servers: { pid?: number; dataDir: string; database?: string }[] = JSON.parse(readFileSync(stateFile, 'utf8'));
  for (const s of servers) {
    if (s.pid) {
      try {
        process.kill(s.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  await new Promise((r) => setTimeout(r, 300));
  for (const s of servers) {
    rmSync(s.dataDir, { recursive: true, force: true });
    if (s.database && process.env.E2E_PG_URL) {
      execFileSync('psql', [process.env.E2E_PG_URL, '-qc', `DROP DATABASE IF EXISTS "${s.database}" WITH (FORCE)`]);
    }
  }
  rmSync(stateFile, { force: true });
}

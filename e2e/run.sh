#!/usr/bin/env bash
# Browser tests: Playwright Test driving Debian's Chromium against the real `portal serve --demo`
# and the real SPA. Installs what is missing (never a downloaded browser), builds the server
# and the SPA, runs the tests. Extra arguments go to `playwright test` (e.g. a file or -g).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'e2e: %s\n' "$*" >&2; }

if ! command -v zbarimg >/dev/null; then
  log "installing zbar-tools (zbarimg reads the payment QR code from a screenshot)"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq zbar-tools
fi
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  $sudo apt-get install -y chromium chromium-driver
fi

# The apps first, then the server, which embeds them: the tests drive the binary as it ships.
# (The debug build the API tests already made; only the embedding crate is compiled again.)
./scripts/build-spa
cargo build -p portal-api

cd e2e
lock_sum=$(sha256sum package-lock.json | cut -c1-64)
if [ "$(cat node_modules/.installed-lock 2>/dev/null)" != "$lock_sum" ]; then
  log "installing Playwright Test and axe-core with npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.installed-lock
fi

export PORTAL_BIN="${PORTAL_BIN:-$PWD/../target/debug/portal}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# A PostgreSQL run repeats tests the SQLite run has made screenshots of; those stay.
if [ -z "${E2E_PG_URL:-}" ]; then rm -rf test-results/screenshots; fi
exec npx --no-install playwright test "$@"

# Customer portal — common tasks. `just --list` shows them all.

set shell := ["bash", "-euo", "pipefail", "-c"]

# An empty directory of built apps, for the test builds (see `test`).
no_spa := justfile_directory() / "target/no-spa"
pg_admin_url := env_var_or_default("PORTAL_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# Show the recipes.
default:
    @just --list

# Build everything and serve the portal with demo data on SQLite at http://127.0.0.1:8080.
run: build-spa
    cargo build --release -p portal-api
    ./target/release/portal serve --demo

# Set up what the tests need and run them all: lint, dependency audit, unit and API tests on SQLite
# and PostgreSQL, the SPA's unit tests, contract fuzzing (schemathesis), browser tests.
# Independent suites run side by side where one mostly waits (on a database, a browser or Python)
# while the other keeps a core busy; see scripts/together.
# The Rust passes embed no single-page app (PORTAL_SPA_DIST names an empty directory): the API
# test binary embeds what is in frontend/dist, so with the default a build of the apps beside
# them would make the next cargo invocation link that binary again while another pass runs it.
test: lint audit spa-tools
    mkdir -p "{{no_spa}}"
    PORTAL_SPA_DIST="{{no_spa}}" just build-tests
    PORTAL_SPA_DIST="{{no_spa}}" ./scripts/together "just test-sqlite" "just test-postgres" "just test-s3" "just build-spa"
    ./scripts/together "just contract" "just test-spa"
    just e2e

# Build the Rust test binaries and the server once, for the passes that follow.
build-tests:
    ./scripts/cargo-test --no-run

# Unit and API tests against SQLite.
test-sqlite:
    PORTAL_TEST_DB=sqlite ./scripts/cargo-test

# The storage tests again with attachments in a real S3-compatible server (moto, on loopback).
test-s3:
    PORTAL_TEST_DB=sqlite PORTAL_TEST_STORAGE=s3 ./scripts/cargo-test comments::

# Unit and API tests against PostgreSQL (a fresh database per test; fails if PostgreSQL is unreachable).
test-postgres: ensure-postgres
    PORTAL_TEST_DB=postgres PORTAL_TEST_PG_URL={{pg_admin_url}} ./scripts/cargo-test
    ./scripts/drop-test-databases {{pg_admin_url}}

# The single-page app's unit tests, on the host (no browser needed).
test-spa:
    cargo test --manifest-path frontend/Cargo.toml --locked

# Contract tests: schemathesis fuzzes the served OpenAPI document as a portal user and as staff.
contract:
    ./scripts/schemathesis

# Make sure PostgreSQL answers on 127.0.0.1:5432, starting the local cluster if it is stopped.
ensure-postgres:
    ./scripts/ensure-postgres

# Formatting and clippy, warnings denied (server and SPA).
lint:
    ./scripts/lint

# Browser tests (Playwright driving Debian's Chromium) against the real server and SPA, on
# SQLite; then the admin's flows again with the servers on PostgreSQL.
e2e: build-spa ensure-postgres
    ./scripts/e2e
    E2E_PG_URL={{pg_admin_url}} ./scripts/e2e tests/admin.spec.ts tests/admin-work.spec.ts tests/admin-import.spec.ts tests/admin-company.spec.ts tests/offers.spec.ts tests/company.spec.ts

# Build the single-page apps into frontend/dist.
build-spa:
    ./scripts/build-spa

# Install what building the single-page apps takes (the wasm target, wasm-bindgen-cli,
# wasm-split-cli, wasm-opt), before the test passes that run beside the build: a cargo install
# holds cargo's package-cache lock while it builds.
spa-tools:
    ./scripts/build-spa --tools

# Regenerate openapi/openapi.json from the code.
openapi:
    cargo run -q -p portal-api --bin portal -- openapi > openapi/openapi.json

# Benchmarks; figures go to bench/RESULTS.md (`just bench grid-sqlite` measures one section again).
bench *sections:
    ./scripts/bench {{sections}}

# Audit both lock files against the offline advisory database snapshot (fails on a new advisory).
audit:
    ./scripts/audit

#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it: type check, migration check, build, Vitest (unit and
# integration against PostgreSQL when DATABASE_URL is set, else the embedded PGlite), then the
# Playwright end-to-end tests in Debian's Chromium. Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
results_dir="$(mktemp -d)"
status=0

step() { echo; echo "=== $* ==="; }

# Name the database without printing its connection string.
if [ -n "${DATABASE_URL:-}" ]; then step "database: PostgreSQL"; else step "database: embedded PGlite"; fi
step "type check" && npm run --silent check || status=1
step "migrations match the schema" && npx drizzle-kit check || status=1
step "build" && node scripts/build-if-stale.mjs || { echo "build failed"; exit 1; }
step "unit and integration tests (Vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results_dir/vitest.json" || status=1
step "end-to-end tests (Playwright, Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results_dir/playwright.json" npx playwright test --reporter=list,json || status=1

node tests/helpers/summarise-results.mjs "$results_dir/vitest.json" "$results_dir/playwright.json" || status=1
exit $status

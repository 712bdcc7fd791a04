#!/usr/bin/env bash
# Every test Herald has: the production build first (the attacks on the real HTTP server, lib/http/*.test.ts
# and others, run `npm start` from it), vitest on embedded PGlite, the same suites on PostgreSQL, then the
# Playwright end-to-end tests against the production build in Debian's Chromium.
set -uo pipefail
cd "$(dirname "$0")/.."
# Reports live apart from test-results/, which Playwright empties when it starts.
mkdir -p reports test-results
rm -f reports/*.json
status=0

echo "== typecheck"
npx tsc --noEmit || status=1

echo "== formatting (prettier --check; npx prettier --write . fixes it)"
npx prettier --check --log-level warn . || status=1

echo "== lint (eslint, zero warnings; eslint.config.mjs)"
npx eslint --max-warnings 0 . || status=1

echo "== import cycles (madge)"
npm run --silent check:cycles || status=1

echo "== production build"
build_ok=1
if ! npx next build >test-results/next-build.log 2>&1; then
  tail -50 test-results/next-build.log
  echo "next build failed"
  build_ok=0
  status=1
fi

echo "== unit and integration tests on PGlite (in memory)"
env -u TEST_DATABASE_URL -u DATABASE_URL npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest-pglite.json || status=1

pg_url="${TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ]; then
  candidate="postgres://postgres@127.0.0.1:5432/postgres"
  if node -e "const c=new (require('pg').Client)({connectionString:process.argv[1],connectionTimeoutMillis:2000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))" "$candidate" 2>/dev/null; then
    pg_url="$candidate"
  fi
fi
if [ -n "$pg_url" ]; then
  echo "== the same tests on PostgreSQL ($pg_url)"
  TEST_DATABASE_URL="$pg_url" npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest-postgres.json || status=1
else
  echo "== PostgreSQL not reachable and TEST_DATABASE_URL not set: PostgreSQL suites skipped"
fi

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "== installing Debian's Chromium for the end-to-end tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation) >/dev/null || true
fi
if [ -x "$chromium" ]; then
  echo "== end-to-end tests (production build, Chromium)"
  if [ "$build_ok" = 1 ]; then
    PLAYWRIGHT_JSON_OUTPUT_NAME=reports/e2e.json npx playwright test --reporter=list,json || status=1
  else
    echo "no production build: end-to-end tests not run"
    status=1
  fi
else
  echo "== Chromium not found at $chromium (install Debian's chromium package): end-to-end tests FAILED to run"
  status=1
fi

node scripts/summarize-tests.mjs reports || status=1
exit $status

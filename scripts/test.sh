#!/usr/bin/env bash
# `npm test`: every check, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$1"; }

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium not found at $CHROMIUM: install it with 'apt-get install -y chromium' (Debian/Ubuntu) or set CHROMIUM_PATH." >&2
  exit 1
fi

step "prisma client"
npx tsx scripts/prisma-generate.ts >/dev/null
step "lint"
npx eslint . --max-warnings 0
step "typecheck"
npx tsc --noEmit
step "unit tests"
npx vitest run --project unit
step "integration tests (embedded PostgreSQL)"
npx vitest run --project integration
step "production build"
NODE_ENV=production npx next build
step "end-to-end tests (Playwright, system Chromium)"
npx playwright test --project chromium --project day-one --project sso

#!/usr/bin/env bash
# `npm run test:screenshots`: every page at 390x844 and 1280x800/900, light and dark, with the
# checks shoot() makes (real dark mode, no sideways scroll). Uses the production build `npm test`
# made; builds one when there is none. Pictures land in e2e/screenshots/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .next/BUILD_ID ]; then
  npx tsx scripts/prisma-generate.ts >/dev/null
  NODE_ENV=production npx next build
fi
npx playwright test --project visual

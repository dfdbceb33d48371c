#!/usr/bin/env bash
# Rebuilds the front-end files committed under src/FlexiSchooling.Web/wwwroot/lib from npm
# (versions pinned in package.json and package-lock.json) and the axe-core script the browser
# tests inject. Run it after changing a version or styles/app.scss, then commit the output.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --legacy-peer-deps
lib=../src/FlexiSchooling.Web/wwwroot/lib
rm -rf "$lib"; mkdir -p "$lib/govuk/assets/images" "$lib/moj" "$lib/app"
npx sass --load-path=. --style=compressed --no-source-map --quiet-deps \
  --silence-deprecation=import,global-builtin,mixed-decls styles/app.scss "$lib/app/app.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$lib/govuk/"
# Only neutral images: no crown, no crest, no GOV.UK icons.
cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.svg "$lib/govuk/assets/images/" 2>/dev/null || true
cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js "$lib/moj/"
cp node_modules/govuk-frontend/LICENSE* "$lib/govuk/" 2>/dev/null || true  # MIT
cp node_modules/@ministryofjustice/frontend/LICENSE* "$lib/moj/" 2>/dev/null || true  # MIT
mkdir -p ../tests/FlexiSchooling.BrowserTests/Axe
cp node_modules/axe-core/axe.min.js ../tests/FlexiSchooling.BrowserTests/Axe/axe.min.js
echo "Built into $lib"

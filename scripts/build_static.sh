#!/bin/sh
# Copy the front-end dependencies from node_modules into static/vendor, so Django serves them itself
# (no CDN: the CSP allows only 'self'). Run after `npm ci`; the copies are committed so the portal
# also runs without npm. Versions come from package-lock.json.
set -eu
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "node_modules is missing: run 'npm ci' first" >&2
  exit 1
fi

utrecht=node_modules/@utrecht/component-library-css
htmx=node_modules/htmx.org

mkdir -p static/vendor/utrecht static/vendor/htmx
cp "$utrecht/dist/index.css" static/vendor/utrecht/utrecht.css
cp "$utrecht/LICENSE.md" static/vendor/utrecht/LICENSE.md
cp "$htmx/dist/htmx.min.js" static/vendor/htmx/htmx.min.js
cp "$htmx/LICENSE" static/vendor/htmx/LICENSE

node -e '
const fs = require("fs");
const u = require("./node_modules/@utrecht/component-library-css/package.json");
const h = require("./node_modules/htmx.org/package.json");
fs.writeFileSync("static/vendor/utrecht/VERSION", `${u.name} ${u.version} (${u.license})\n`);
fs.writeFileSync("static/vendor/htmx/VERSION", `${h.name} ${h.version} (${h.license})\n`);
'
echo "static/vendor updated: $(cat static/vendor/utrecht/VERSION) / $(cat static/vendor/htmx/VERSION)"

#!/usr/bin/env bash
# Installs what the browser tests need, and nothing when it is all there:
# Debian's chromium (with a basic font), Node.js and npm when missing, and
# tests/browser's npm packages
# (playwright-core drives that chromium; no browser is downloaded by npm).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "browser-tools: installing ${missing[*]} with apt-get" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

modules=tests/browser/node_modules
lock=tests/browser/package-lock.json
if [ ! -d "$modules" ] || [ "$lock" -nt "$modules" ]; then
  echo "browser-tools: npm ci in tests/browser" >&2
  npm ci --no-audit --no-fund --loglevel=error --prefix tests/browser >/dev/null
  touch "$modules"
fi

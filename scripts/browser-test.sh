#!/usr/bin/env bash
# The browser tests of deskvisa's pages: installs what they need
# (scripts/browser-tools.sh: Debian's chromium, Node.js, tests/browser's npm
# packages, and a clear stop when the node on PATH is too old), builds the
# binary when it is missing, then runs every tests/browser/*.test.mjs with
# node's test runner, one file at a time. The exit code is the test runner's.
# Node.js 18.19 or newer runs them (Debian 12's nodejs package does).
#
#   scripts/browser-test.sh                      # all of them
#   scripts/browser-test.sh --test-name-pattern=ledger
#
# DESKVISA_BIN: the binary to test (default target/debug/deskvisa).
# DESKVISA_SCREENSHOTS: where screenshots go (default var/screenshots/browser).
# DESKVISA_KEEP_TEST_DIRS=1: keep each server's database and mail directory.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/browser-tools.sh

bin="${DESKVISA_BIN:-target/debug/deskvisa}"
if [ ! -x "$bin" ]; then
  if [ -n "${DESKVISA_BIN:-}" ]; then
    echo "browser-test: $bin is missing" >&2
    exit 1
  fi
  echo "browser-test: $bin is missing: cargo build -p deskvisa" >&2
  cargo build -p deskvisa
fi

export DESKVISA_SCREENSHOTS="${DESKVISA_SCREENSHOTS:-$PWD/var/screenshots/browser}"
mkdir -p "$DESKVISA_SCREENSHOTS"
echo "browser-test: screenshots in $DESKVISA_SCREENSHOTS" >&2

status=0
node --test --test-concurrency=1 "$@" tests/browser/*.test.mjs || status=$?
echo "browser-test: screenshots in $DESKVISA_SCREENSHOTS" >&2
exit "$status"

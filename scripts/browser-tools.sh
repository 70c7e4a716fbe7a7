#!/usr/bin/env bash
# Installs what the browser tests need, and nothing when it is all there:
# Debian's chromium (with a basic font), Node.js and npm when missing, and
# tests/browser's npm packages
# (playwright-core drives that chromium; no browser is downloaded by npm).
#
# On Debian and Ubuntu the missing ones come from apt-get; elsewhere it stops
# with one line naming them. playwright-core is pinned to a release that
# still runs on Node.js 18 (Debian 12's nodejs is 18.20, Ubuntu 24.04's
# 18.19), and a node older than what the pinned packages and the test runner
# need stops here with what is needed, rather than in the middle of a test.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=tests/browser
lock="$dir/package-lock.json"
modules="$dir/node_modules"
# scripts/browser-test.sh runs `node --test --test-concurrency=1`: that flag
# came with Node.js 18.19.0 (before it, node stops on an unknown option).
runner_needs=18.19.0
chromium="${CHROMIUM_BIN:-/usr/bin/chromium}"

# Debian's package names for apt-get, and the same in words for elsewhere.
missing=()
needs=()
if [ ! -x "$chromium" ]; then
  # A CHROMIUM_BIN of one's own is not something apt-get can put there.
  if [ -n "${CHROMIUM_BIN:-}" ]; then
    echo "browser-tools: CHROMIUM_BIN=$CHROMIUM_BIN is not an executable" >&2
    exit 1
  fi
  missing+=(chromium fonts-dejavu-core)
  needs+=("Chromium at /usr/bin/chromium (or CHROMIUM_BIN pointing at one)")
fi
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs)
  needs+=("Node.js $runner_needs or newer")
fi
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
  needs+=("npm")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    list=""
    for need in "${needs[@]}"; do list="${list:+$list, }$need"; done
    echo "browser-tools: the browser tests need $list, and there is no apt-get here to install them: install them from your system's packages" >&2
    exit 1
  fi
  echo "browser-tools: installing ${missing[*]} with apt-get" >&2
  scripts/apt-install.sh "${missing[@]}"
fi

# The node on PATH against every `engines.node` of the lock (playwright-core's
# above all) and the test runner's own need. Written for old nodes too (no
# modern syntax), so that even an old distribution's node says what it lacks.
# Ranges other than ">=X.Y.Z" are left to npm (--engine-strict below).
if ! node -e '
  var fs = require("fs");
  var lock = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  function parts(v) { return v.split(".").map(function (n) { return parseInt(n, 10) || 0; }); }
  function atLeast(have, want) {
    for (var i = 0; i < 3; i++) {
      if ((have[i] || 0) !== (want[i] || 0)) return (have[i] || 0) > (want[i] || 0);
    }
    return true;
  }
  var needs = [["node --test --test-concurrency", ">=" + process.argv[2]]];
  Object.keys(lock.packages).forEach(function (key) {
    var p = lock.packages[key];
    if (key && p.engines && p.engines.node) {
      needs.push([key.replace(/^.*node_modules\//, "") + "@" + p.version, p.engines.node]);
    }
  });
  var have = parts(process.versions.node);
  var want = [0, 0, 0];
  var lacking = needs.filter(function (n) {
    var m = /^\s*>=\s*v?(\d+(\.\d+){0,2})\s*$/.exec(n[1]);
    if (!m) return false;
    if (!atLeast(want, parts(m[1]))) want = parts(m[1]);
    return !atLeast(have, parts(m[1]));
  });
  if (lacking.length) {
    console.error("browser-tools: node " + process.version + " (" + process.execPath + ") is too old for the browser tests: " +
      lacking.map(function (n) { return n[0] + " needs node " + n[1]; }).join(", ") +
      "; put Node.js " + want.join(".") + " or newer first on PATH");
    process.exit(1);
  }
' "$lock" "$runner_needs"; then
  exit 1
fi

# Installed again whenever package.json or the lock differ from what was
# installed (a content stamp: mtimes move with checkouts and copies).
stamp="$modules/.deskvisa-installed"
if [ ! -f "$stamp" ] || ! cat "$dir/package.json" "$lock" | cmp -s - "$stamp"; then
  echo "browser-tools: npm ci in $dir" >&2
  npm ci --engine-strict --no-audit --no-fund --loglevel=error --prefix "$dir" >/dev/null
  cat "$dir/package.json" "$lock" >"$stamp"
fi

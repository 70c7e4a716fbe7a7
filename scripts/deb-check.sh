#!/usr/bin/env bash
# The Debian package as an operator receives it (`make deb-check`, after
# `make deb`; CI runs it). Nothing is installed on this machine: the .deb is
# unpacked into a temporary root (dpkg-deb -x) and checked there:
#
#   - its control data: Depends from dpkg-shlibdeps plus systemd-sysusers,
#     the two conffiles, maintainer scripts that parse and call sysusers,
#     tmpfiles and systemd;
#   - its files, with their modes, and the shipped configuration and units
#     identical to config/ and packaging/ (a stale package fails here);
#   - its binary, with the shipped /etc/deskvisa/config.toml and the state on
#     a fresh SQLite file: migrate, a network admin and an API token, serve on
#     a free port until /healthz and /readyz answer, /api/v1/clusters with the
#     token, SIGTERM and exit status 0; the same stop for `worker`;
#   - the sysusers.d and tmpfiles.d files applied to the temporary root (as
#     root only), and `systemd-analyze verify` of both units, when
#     systemd-analyze is there.
#
# A short summary on success; on the first failure one line starting
# "deb-check: FAILED", and exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "deb-check: FAILED: $*" >&2
  exit 1
}
say() { echo "  $*"; }
# Milliseconds, for the timings in the summary.
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

shopt -s nullglob
debs=(target/debian/deskvisa_*.deb)
shopt -u nullglob
# `make deb` removes older packages first: more than one means a stale one
# could be the one checked.
[ ${#debs[@]} -eq 1 ] || fail "expected one target/debian/deskvisa_*.deb (make deb makes it), found ${#debs[@]}"
deb=${debs[0]}

work=$(mktemp -d "${TMPDIR:-/tmp}/deskvisa-deb-check.XXXXXX")
root="$work/root"
state="$work/state"
pids=()
cleanup() {
  # A process still running here means a check failed half-way: no drain.
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "deb-check: $deb"

# --- control data -----------------------------------------------------------
package=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg-deb -f "$deb" Architecture)
depends=$(dpkg-deb -f "$deb" Depends)
[ "$package" = deskvisa ] || fail "Package is '$package', not deskvisa"
# libc6 is what dpkg-shlibdeps always finds for a Rust binary: without it,
# $auto did not run and the package would install where it cannot start.
grep -q 'libc6 (>= ' <<<"$depends" || fail "Depends has no versioned libc6 from \$auto: $depends"
grep -q 'systemd-sysusers' <<<"$depends" || fail "Depends lacks the systemd-sysusers the postinst runs: $depends"
say "package  $package $version $arch, $(($(stat -c %s "$deb") / 1024)) KiB"
say "Depends  $depends"

conffiles=$(dpkg-deb -I "$deb" conffiles 2>/dev/null | sort | paste -sd ' ') || fail "the package has no conffiles"
[ "$conffiles" = "/etc/deskvisa/config.toml /etc/deskvisa/environment" ] \
  || fail "conffiles are '$conffiles', expected /etc/deskvisa/config.toml and /etc/deskvisa/environment"
say "conffiles $conffiles"

dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [ -f "$work/control/$script" ] || fail "no $script maintainer script"
  sh -n "$work/control/$script" || fail "$script is not valid sh"
  ! grep -q '#DEBHELPER#' "$work/control/$script" || fail "$script still holds the #DEBHELPER# token"
done
for step in 'systemd-sysusers' 'systemd-tmpfiles --create' 'daemon-reload'; do
  # Once: the marker cargo-deb fills, written twice (in a comment, say),
  # runs every step twice.
  count=$(grep -c -- "$step" "$work/control/postinst" || true)
  [ "$count" -eq 1 ] || fail "postinst runs '$step' $count times, expected once"
done
for unit in deskvisa.service deskvisa-worker.service; do
  grep -q "update-state $unit" "$work/control/postinst" || fail "postinst does not register $unit with deb-systemd-helper"
done
# Removal must stop both units, or a removed binary keeps running.
grep -q 'deskvisa-worker.service' "$work/control/prerm" || fail "prerm does not stop deskvisa-worker.service"
say "scripts  postinst, prerm, postrm parse; postinst makes the user and the state directory, reloads systemd"

# --- files ------------------------------------------------------------------
# path and mode as `dpkg-deb -c` lists them; owners are root throughout.
listing=$(dpkg-deb -c "$deb")
expected=(
  "-rwxr-xr-x ./usr/bin/deskvisa"
  "-rw-r--r-- ./etc/deskvisa/config.toml"
  "-rw------- ./etc/deskvisa/environment"
  "-rw-r--r-- ./usr/lib/systemd/system/deskvisa.service"
  "-rw-r--r-- ./usr/lib/systemd/system/deskvisa-worker.service"
  "-rw-r--r-- ./usr/lib/sysusers.d/deskvisa.conf"
  "-rw-r--r-- ./usr/lib/tmpfiles.d/deskvisa.conf"
  "-rw-r--r-- ./usr/share/doc/deskvisa/README.md"
  "-rw-r--r-- ./usr/share/doc/deskvisa/default.toml"
  "-rw-r--r-- ./usr/share/doc/deskvisa/copyright"
)
for entry in "${expected[@]}"; do
  mode=${entry%% *}
  path=${entry#* }
  line=$(awk -v p="$path" '$6 == p' <<<"$listing")
  [ -n "$line" ] || fail "the package has no $path"
  read -r got_mode owner _ <<<"$line"
  [ "$got_mode" = "$mode" ] || fail "$path has mode $got_mode, expected $mode"
  # cargo-deb writes numeric ids, dpkg-deb shows names where it has them.
  [ "$owner" = 0/0 ] || [ "$owner" = root/root ] || fail "$path is owned by $owner, expected root (0/0)"
done
# Nothing under /var: the state directory is made by tmpfiles.d and
# StateDirectory=, owned by the deskvisa user, which dpkg cannot do.
[ -z "$(awk '$6 ~ /^\.\/var\//' <<<"$listing")" ] || fail "the package ships files under /var"
say "files    ${#expected[@]} expected paths, modes and owners right"

dpkg-deb -x "$deb" "$root"
# The package is built from these sources: a difference means it is stale.
cmp -s "$root/etc/deskvisa/config.toml" config/production.example.toml \
  || fail "/etc/deskvisa/config.toml differs from config/production.example.toml (run make deb)"
for unit in deskvisa.service deskvisa-worker.service; do
  cmp -s "$root/usr/lib/systemd/system/$unit" "packaging/systemd/$unit" \
    || fail "$unit differs from packaging/systemd/$unit (run make deb)"
done

# --- the binary on a fresh database -----------------------------------------
bin="$root/usr/bin/deskvisa"
# Debug info belongs in the -dbgsym.ddeb: in the binary it is 130 MB more.
# (.debug_gdb_scripts stays: it is loaded, and only names gdb's helpers.)
if command -v readelf >/dev/null && readelf -SW "$bin" | grep -Eq '\.debug_(info|line) '; then
  fail "usr/bin/deskvisa is not stripped (its debug info belongs in the dbgsym package)"
fi
config="$root/etc/deskvisa/config.toml"
port=$(free_port)
ops_port=$(free_port)
url="http://127.0.0.1:$port"
mkdir -p "$state"
# As systemd starts it: a clean environment, the working directory in the
# state directory, the shipped configuration file; the environment then
# moves the database, the mail and the listener into this check's own
# places, as /etc/deskvisa/environment would. Keys the configuration does
# not have are ignored, so the worker's ops listener is set whether or not
# this version has one.
environment=(
  PATH=/usr/bin:/bin HOME="$state" NO_COLOR=1 RUST_LOG=info
  DESKVISA_DATABASE_URL="sqlite://$state/deskvisa.sqlite?mode=rwc"
  DESKVISA_DATABASE_MAX_CONNECTIONS=0
  DESKVISA_HTTP_BIND="127.0.0.1:$port"
  DESKVISA_HTTP_PUBLIC_URL="$url"
  DESKVISA_MAIL_TRANSPORT=file
  DESKVISA_MAIL_DIR="$state/mail"
  DESKVISA_WORKER_OPS_BIND="127.0.0.1:$ops_port"
)
run() { env -i -C "$state" "${environment[@]}" "$bin" --config "$config" "$@"; }
# In the background, its log in $1; env execs deskvisa, so $! is deskvisa
# itself, the process the signals must reach.
start() {
  local log=$1
  shift
  env -i -C "$state" "${environment[@]}" "$bin" --config "$config" "$@" >"$log" 2>&1 &
}

upstream=${version%-*}
shown=$(run --version) || fail "deskvisa --version failed"
[ "$shown" = "deskvisa $upstream" ] || fail "deskvisa --version says '$shown', the package is $version"

migrated=$(run migrate 2>"$work/migrate.err") || fail "deskvisa migrate failed: $(tail -1 "$work/migrate.err")"
[ -f "$state/deskvisa.sqlite" ] || fail "migrate made no database at $state/deskvisa.sqlite"
run admin network --email ops@deskvisa.example --name "Deb Check" >/dev/null 2>"$work/admin.err" \
  || fail "deskvisa admin network failed: $(tail -1 "$work/admin.err")"
token=$(run token create --email ops@deskvisa.example --label deb-check 2>"$work/token.err" | tail -1) \
  || fail "deskvisa token create failed: $(tail -1 "$work/token.err")"
[ -n "$token" ] || fail "deskvisa token create printed no token"
say "binary   deskvisa $upstream: $migrated; a network admin and an API token"

# Whether process $1 has its SIGTERM handler installed (SigCgt in
# /proc/PID/status, bit 15): from then on SIGTERM means a graceful stop,
# before it the default action, death by signal.
catches_sigterm() {
  local mask
  mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$mask" ] && (((16#$mask >> 14) & 1))
}

# Waits up to $2 seconds for process $1 to end; its exit status in $status.
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.05
  done
  status=0
  wait "$pid" || status=$?
  # Reaped: its id may be reused, so the clean-up must not kill it.
  local rest=() p
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || rest+=("$p"); done
  pids=("${rest[@]}")
}

started=$(now_ms)
start "$work/serve.log" serve
server=$!
pids+=("$server")
deadline=$((SECONDS + 60))
ready=""
until [ -n "$ready" ]; do
  kill -0 "$server" 2>/dev/null || fail "serve exited before it was ready: $(tail -1 "$work/serve.log")"
  [ $SECONDS -lt $deadline ] || fail "serve not ready within 60 s on $url: $(tail -1 "$work/serve.log")"
  if curl -fsS --max-time 2 "$url/healthz" >/dev/null 2>&1 && curl -fsS --max-time 2 "$url/readyz" >/dev/null 2>&1; then
    ready=yes
  else
    sleep 0.1
  fi
done
ready_ms=$(($(now_ms) - started))

clusters=$(curl -sS --max-time 10 -o "$work/clusters.json" -w '%{http_code}' \
  -H "Authorization: Bearer $token" "$url/api/v1/clusters") || fail "GET /api/v1/clusters did not answer"
[ "$clusters" = 200 ] || fail "GET /api/v1/clusters answered $clusters: $(head -c 300 "$work/clusters.json")"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/clusters.json" \
  || fail "GET /api/v1/clusters is not JSON: $(head -c 300 "$work/clusters.json")"
unauthorized=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$url/api/v1/clusters") || true
[ "$unauthorized" = 401 ] || fail "GET /api/v1/clusters without a token answered $unauthorized, not 401"

# /healthz answering means the accept loop runs, so the handler is there;
# checked anyway, so that a failure says which.
catches_sigterm "$server" || fail "serve answers but does not catch SIGTERM"
stop_started=$(now_ms)
kill -TERM "$server"
wait_exit "$server" 30 || fail "serve still running 30 s after SIGTERM"
stop_ms=$(($(now_ms) - stop_started))
[ "$status" -eq 0 ] || fail "serve exited with status $status after SIGTERM: $(tail -1 "$work/serve.log")"
say "serve    /healthz and /readyz in $ready_ms ms, /api/v1/clusters 200 (401 without the token), SIGTERM: exit 0 in $stop_ms ms"

# The worker is up once it catches SIGTERM (installed after its migration
# and start-up), whether or not this version serves /healthz of its own.
start "$work/worker.log" worker
worker=$!
pids+=("$worker")
deadline=$((SECONDS + 60))
until catches_sigterm "$worker"; do
  kill -0 "$worker" 2>/dev/null || fail "worker exited at start: $(tail -1 "$work/worker.log")"
  [ $SECONDS -lt $deadline ] || fail "worker did not start within 60 s: $(tail -1 "$work/worker.log")"
  sleep 0.05
done
kill -TERM "$worker"
wait_exit "$worker" 30 || fail "worker still running 30 s after SIGTERM"
[ "$status" -eq 0 ] || fail "worker exited with status $status after SIGTERM: $(tail -1 "$work/worker.log")"
say "worker   started, SIGTERM: exit 0"

# --- sysusers.d, tmpfiles.d, the units --------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
  # What the postinst does, on the temporary root instead of this machine.
  systemd-sysusers --root="$root" deskvisa.conf >"$work/sysusers.log" 2>&1 \
    || fail "systemd-sysusers on the package's deskvisa.conf: $(tail -1 "$work/sysusers.log")"
  grep -q '^deskvisa:x:[0-9]*:[0-9]*:deskvisa:/var/lib/deskvisa:.*/nologin$' "$root/etc/passwd" \
    || fail "systemd-sysusers made no system user deskvisa: $(grep deskvisa "$root/etc/passwd" || echo none)"
  systemd-tmpfiles --root="$root" --create deskvisa.conf >"$work/tmpfiles.log" 2>&1 \
    || fail "systemd-tmpfiles on the package's deskvisa.conf: $(tail -1 "$work/tmpfiles.log")"
  uid=$(awk -F: '$1 == "deskvisa" {print $3}' "$root/etc/passwd")
  [ "$(stat -c '%a %u' "$root/var/lib/deskvisa")" = "750 $uid" ] \
    || fail "/var/lib/deskvisa is $(stat -c '%a %u' "$root/var/lib/deskvisa"), expected 750 owned by deskvisa ($uid)"
  [ "$(stat -c '%a' "$root/etc/deskvisa/config.toml")" = 640 ] \
    || fail "tmpfiles left /etc/deskvisa/config.toml mode $(stat -c '%a' "$root/etc/deskvisa/config.toml"), expected 640"
  say "users    systemd-sysusers: system user deskvisa ($uid); systemd-tmpfiles: /var/lib/deskvisa 750, config.toml 640"
else
  say "users    sysusers.d and tmpfiles.d not applied (needs root and systemd-sysusers, systemd-tmpfiles)"
fi

if command -v systemd-analyze >/dev/null; then
  # verify resolves ExecStart= on this machine, where /usr/bin/deskvisa is not
  # installed: it checks copies whose ExecStart names the unpacked binary.
  # Everything else is the packaged unit, unchanged.
  mkdir -p "$work/units"
  for unit in deskvisa.service deskvisa-worker.service; do
    sed "s|^ExecStart=/usr/bin/deskvisa |ExecStart=$bin |" "$root/usr/lib/systemd/system/$unit" >"$work/units/$unit"
    grep -q "^ExecStart=$bin " "$work/units/$unit" || fail "$unit has no ExecStart=/usr/bin/deskvisa"
  done
  # verify prints a line per problem and may still exit 0: any output fails.
  if ! systemd-analyze verify --man=no "$work/units/deskvisa.service" "$work/units/deskvisa-worker.service" \
    >"$work/verify.log" 2>&1 || [ -s "$work/verify.log" ]; then
    sed "s|$work/units/||g" "$work/verify.log" >&2
    fail "systemd-analyze verify found problems in the units (above)"
  fi
  # The hardening, scored by systemd (0 best, 10 worst): above 2.0 means a
  # sandboxing line was lost.
  exposure=()
  for unit in deskvisa.service deskvisa-worker.service; do
    systemd-analyze security --offline=yes --threshold=20 "$work/units/$unit" >"$work/security.log" 2>&1 \
      || fail "$unit: $(grep -o 'Overall exposure level.*' "$work/security.log" || tail -1 "$work/security.log") (at most 2.0)"
    exposure+=("$unit $(grep -o 'level for [^:]*: [0-9.]*' "$work/security.log" | awk '{print $NF}')")
  done
  say "units    systemd-analyze verify: both clean; security exposure ${exposure[0]}, ${exposure[1]} ($(systemd-analyze --version | head -1))"
elif [ "${CI:-}" = "true" ]; then
  # CI must verify the units, as it must reach PostgreSQL: never a skip there.
  fail "systemd-analyze is missing: CI verifies the units (apt-get install systemd)"
else
  say "units    systemd-analyze not installed: not verified"
fi

echo "deb-check: OK"

#!/usr/bin/env bash
# Hostile input: schemathesis (PyPI) against the served /openapi.json, on a
# fresh database, authenticated once as a visiting member and once as a host
# admin (of a cluster of that throwaway database), with the checks
#   not_a_server_error, status_code_conformance, content_type_conformance,
#   response_headers_conformance, response_schema_conformance,
#   negative_data_rejection.
# The routes that would revoke the fuzzing user or its token, or change a
# cluster's status, are left out (they would end the run's own sign-in).
#
#   scripts/fuzz.sh [EXAMPLES]   test cases per operation and user (default 40)
#
# `make fuzz` runs a long one, `make fuzz-smoke` (CI) a bounded one. Exit
# status 0 only if every check passed for every operation.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-40}"
venv=var/tools/fuzz
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.*"
fi
cargo build --quiet -p deskvisa
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
DESKVISA_DATABASE_URL="sqlite://$work/fuzz.sqlite?mode=rwc" \
DESKVISA_MAIL_DIR="$work/mail" \
DESKVISA_HTTP_BIND="127.0.0.1:$port" \
DESKVISA_HTTP_PUBLIC_URL="$url" \
DESKVISA_AUTH_STAY_REQUESTS_PER_MEMBER_PER_HOUR=100000 \
DESKVISA_AUTH_SIGN_IN_REQUESTS_PER_CLIENT_PER_MINUTE=100000 \
RUST_LOG=warn \
  ./target/debug/deskvisa serve --demo > "$work/serve.out" 2> "$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  grep -q "network admin" "$work/serve.out" 2>/dev/null && curl -sf "$url/healthz" >/dev/null && break
  sleep 0.1
done
member=$(awk '/visiting member/ {print $4}' "$work/serve.out")
host_admin=$(awk '/host admin/ {print $4}' "$work/serve.out")
[ -n "$member" ] && [ -n "$host_admin" ] || { cat "$work/serve.err"; echo "deskvisa did not start"; exit 1; }

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection
# Revoking members, taking the admin role away, signing out (which revokes
# the bearer token) and changing a cluster (its status) end or change the
# fuzzing user's own access.
exclude='^(DELETE /api/v1/clusters/\{id\}/(members|admins)/\{member_id\}|POST /api/v1/auth/logout|PATCH /api/v1/clusters/\{id\})$'
status=0
for who in member host_admin; do
  token=${!who}
  echo "== schemathesis as the demo $who, $examples examples per operation"
  "$venv/bin/st" run "$url/openapi.json" \
    --checks "$checks" \
    --header "Authorization: Bearer $token" \
    --max-examples "$examples" \
    --exclude-name-regex "$exclude" \
    --seed 20261203 \
    --workers 2 \
    --warnings off \
    --report junit --report-dir "var/fuzz/$who" \
    || status=1
done
if ! kill -0 $server 2>/dev/null; then
  echo "deskvisa died during the run:"; tail -50 "$work/serve.err"; exit 1
fi
exit $status

#!/usr/bin/env bash
# Several instances, as the README's "Running at scale" describes them: two
# stateless `deskvisa serve` (each with its in-process worker) on one
# PostgreSQL database, behind nginx from Debian, round robin. Then
# scripts/scale_check.py checks, through nginx, that sessions, rate limits,
# idempotency keys and the outbox behave as with one instance.
#
#   scripts/scale-test.sh        (make scale; CI runs it too)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null \
  || (apt-get update -qq && apt-get install -y -qq nginx-light)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
cargo build --quiet -p deskvisa
bin=./target/debug/deskvisa
work=$(mktemp -d)
database="deskvisa_scale_$$"
server="${DESKVISA_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
a=$(free_port); b=$(free_port); lb=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql "$server/postgres" -qc "CREATE DATABASE $database" >/dev/null
export DESKVISA_DATABASE_URL="$server/$database"
export DESKVISA_DATABASE_MAX_CONNECTIONS=4
export DESKVISA_HTTP_PUBLIC_URL="http://127.0.0.1:$lb"
export DESKVISA_MAIL_DIR="$work/mail"
export DESKVISA_MAIL_POLL_MS=100
export DESKVISA_AUTH_TRUSTED_PROXIES=127.0.0.1
export RUST_LOG=warn
$bin seed demo > "$work/seed.out"
for port in $a $b; do
  DESKVISA_HTTP_BIND="127.0.0.1:$port" $bin serve > "$work/serve-$port.out" 2> "$work/serve-$port.err" &
  pids+=($!)
done
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream deskvisa {
    server 127.0.0.1:$a;
    server 127.0.0.1:$b;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$lb;
    # /metrics is for the scraper on the private network (README).
    location = /metrics { return 404; }
    location / {
      proxy_pass http://deskvisa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host:\$server_port;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Request-Id \$request_id;
      add_header X-Upstream \$upstream_addr always;
    }
  }
}
EOF
"$nginx" -p "$work/nginx" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$a/readyz" >/dev/null && curl -sf "http://127.0.0.1:$b/readyz" >/dev/null \
    && curl -sf "http://127.0.0.1:$lb/healthz" >/dev/null && break
  sleep 0.1
done
python3 scripts/scale_check.py --lb "http://127.0.0.1:$lb" --mail "$work/mail" --seed "$work/seed.out" \
  --database "$DESKVISA_DATABASE_URL" --upstreams "127.0.0.1:$a,127.0.0.1:$b" || {
  echo "--- instance logs"; tail -20 "$work"/serve-*.err; exit 1;
}

#!/usr/bin/env bash
# Validates the served OpenAPI document with an independent validator
# (openapi-spec-validator from PyPI, in a virtualenv under var/tools).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=var/tools/venv
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.7.*"
fi
mkdir -p var
cargo run --quiet -p deskvisa -- openapi > var/openapi.json
"$venv/bin/openapi-spec-validator" var/openapi.json
echo "var/openapi.json: $(python3 -c 'import json; d=json.load(open("var/openapi.json")); print(d["openapi"], len(d["paths"]), "paths", sum(len(v) for v in d["paths"].values()), "operations")')"

#!/usr/bin/env bash
# The Python peers of the tests (a real SMTP server, two iCalendar parsers),
# from PyPI into a virtualenv under var/tools/py. Run by `make test`;
# idempotent and quick once installed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=var/tools/py
requirements=crates/testing/py/requirements.txt
stamp="$venv/.installed"
if [ -f "$stamp" ] && cmp -s "$stamp" "$requirements"; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
echo "test tools installed in $venv"

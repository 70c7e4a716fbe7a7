#!/usr/bin/env bash
# The Python peers of the tests (a real SMTP server, two iCalendar parsers),
# from PyPI into a virtualenv under var/tools/py, and poppler's PDF readers. Run by `make test`;
# idempotent and quick once installed.
#
# A fresh Debian or Ubuntu has python3 without its venv module's ensurepip
# (Debian ships that apart, in python3-venv), so `python3 -m venv` would
# stop `make test` before its first test: there, this installs python3-venv
# (and python3 itself when it is missing) with apt-get; elsewhere it says
# what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

# The invitation letter's tests read its PDF back with poppler (Debian's
# poppler-utils): pdftotext, pdfinfo, and pdftoppm for a screenshot.
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "test-tools: installing poppler-utils with apt-get (the letter's tests read PDFs with it)" >&2
    scripts/apt-install.sh poppler-utils
  else
    echo "test-tools: pdftotext, pdfinfo and pdftoppm are missing: install poppler's utilities (poppler-utils)" >&2
    exit 1
  fi
fi
venv=var/tools/py
requirements=crates/testing/py/requirements.txt
stamp="$venv/.installed"
if [ -f "$stamp" ] && cmp -s "$stamp" "$requirements"; then
  exit 0
fi

# `python3 -m venv` needs both modules; Debian's python3 has venv but not
# ensurepip until python3-venv is installed.
venv_works() {
  command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip, venv' >/dev/null 2>&1
}

if ! venv_works; then
  if command -v python3 >/dev/null 2>&1; then
    missing=(python3-venv)
  else
    missing=(python3 python3-venv)
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    if command -v python3 >/dev/null 2>&1; then
      echo "test-tools: $(command -v python3) lacks the ensurepip or venv module that 'python3 -m venv' needs: install them (your system's python3-venv or python3 package)" >&2
    else
      echo "test-tools: python3 is missing: install Python 3 with its venv and ensurepip modules (your system's python3 package)" >&2
    fi
    exit 1
  fi
  echo "test-tools: installing ${missing[*]} with apt-get (python3 -m venv needs them)" >&2
  scripts/apt-install.sh "${missing[@]}"
  # A python3 that is not the distribution's (pyenv, a venv, /usr/local)
  # comes first on PATH and is not fixed by apt: say which one it is.
  if ! venv_works; then
    echo "test-tools: $(command -v python3 || echo python3) still cannot run 'python3 -m venv' (its ensurepip or venv module is missing): install them for that Python, e.g. the package python3.X-venv matching its version" >&2
    exit 1
  fi
fi

# A venv left without pip by an earlier failed `python3 -m venv` (ensurepip
# was missing then) is made anew rather than reused.
clear=()
if [ -d "$venv" ] && [ ! -x "$venv/bin/pip" ]; then clear=(--clear); fi
# (the ${a[@]+...} form: an empty array under set -u in bash before 4.4)
python3 -m venv ${clear[@]+"${clear[@]}"} "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
echo "test tools installed in $venv"

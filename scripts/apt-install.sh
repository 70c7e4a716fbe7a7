#!/usr/bin/env bash
# Installs Debian or Ubuntu packages with apt-get, as root or through sudo:
# what the test and browser tools need on a fresh machine. Quiet unless it
# fails.
#
#   scripts/apt-install.sh PACKAGE...
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null

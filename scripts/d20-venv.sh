#!/usr/bin/env bash
# Installs d20 1.1.2 (Avrae's dice roller, from PyPI) into target/d20-venv, once.
# Used by the differential tests (D20_PYTHON) and scripts/bench-vs-d20.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/d20-venv
if ! "$venv/bin/pip" show d20 2>/dev/null | grep -qx 'Version: 1.1.2'; then
  mkdir -p target
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'd20==1.1.2'
fi
echo "d20 $("$venv/bin/pip" show d20 | sed -n 's/^Version: //p') ready in $venv"

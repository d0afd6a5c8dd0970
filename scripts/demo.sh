#!/usr/bin/env bash
# The quick start: set up, ingest the bundled sample articles into eventwire.db, and show what was found.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ew=.venv/bin/eventwire
echo
echo "== ingesting samples/ into eventwire.db"
"$ew" ingest samples/ --db eventwire.db
echo
echo "== articles"
"$ew" articles --db eventwire.db --table
echo
echo "== events (who did what to whom)"
"$ew" events --db eventwire.db --table
echo
echo "Next: .venv/bin/eventwire events --db eventwire.db --format plover | head   (or --csv, --format gdelt)"

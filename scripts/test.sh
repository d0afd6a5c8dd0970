#!/usr/bin/env bash
# Set up and run the whole test suite (real spaCy model, real SQLite and PostgreSQL, a local Ray, real headless
# Chromium for the web page).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The page tests drive Debian's Chromium; install it where we may (root with apt), else those tests skip and say so.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the page tests" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 ||
        echo "warning: could not install chromium; the page tests will skip" >&2
fi
# The PostgreSQL store tests start a throwaway cluster from Debian's server binaries (initdb, pg_ctl); install them
# where we may, else those tests skip and say so.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 &&
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's postgresql for the PostgreSQL store tests" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null 2>&1 ||
        echo "warning: could not install postgresql; the PostgreSQL tests will skip" >&2
fi
exec .venv/bin/python -m pytest "$@"

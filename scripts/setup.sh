#!/usr/bin/env bash
# Create .venv (if missing) and install the assistant with its test extras. Idempotent.
# The install is skipped when .venv already holds this checkout's install for the same pyproject.toml (a stamp records the
# checkout's path and the file's hash), so later starts need no package registry; ASSISTANT_SETUP_FORCE=1 reinstalls.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.assistant-setup-stamp
want="$(pwd) $(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "${ASSISTANT_SETUP_FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
   && .venv/bin/python -I -c "import assistant" >/dev/null 2>&1; then
  exit 0
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e '.[test]'
printf '%s\n' "$want" > "$stamp"

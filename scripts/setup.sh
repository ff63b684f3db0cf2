#!/usr/bin/env bash
# Create .venv (if missing) and install the assistant with its test extras. Idempotent.
# The install is skipped when .venv already holds this checkout's install for the same pyproject.toml (a stamp records the
# checkout's path and the file's hash), so later starts need no package registry; ASSISTANT_SETUP_FORCE=1 reinstalls.
# A .venv whose editable install of the assistant belongs to another checkout (a .venv linked to another clone's) is
# refused: installing here would repoint that venv's `assistant` at this checkout, for the other checkout too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Where the venv's editable install of this project points (PEP 610 direct_url.json of its distribution), if it has one.
name=$(sed -n 's/^name *= *"\([^"]*\)".*/\1/p' pyproject.toml | head -n 1)
editable=$(.venv/bin/python -I - "$name" <<'PYEOF' 2>/dev/null || true
import json, os, sys
from importlib import metadata
from urllib.parse import unquote, urlparse
try:
    info = json.loads(metadata.distribution(sys.argv[1]).read_text("direct_url.json") or "{}")
except (metadata.PackageNotFoundError, ValueError):
    sys.exit(0)
url = urlparse(info.get("url", ""))
if info.get("dir_info", {}).get("editable") and url.scheme == "file":
    print(os.path.realpath(unquote(url.path)))
PYEOF
)
here=$(pwd -P)
if [ -n "$editable" ] && [ "$editable" != "$here" ]; then
  venv=$(readlink -f .venv)
  {
    echo "setup.sh: refusing to install into .venv (${venv}): its editable '${name}' is another checkout's, ${editable}."
    echo "Installing here would point that venv's 'assistant' at ${here}, for ${editable} too."
    echo "Give this checkout a venv of its own:"
    echo "  rm .venv && ./scripts/setup.sh        # .venv is a link (rm -r .venv if it is a copy)"
    echo "or use the other venv without installing: run '${venv}/bin/python -m assistant ...' from ${here}"
    echo "(the current directory comes first on sys.path, so this checkout's package is imported)."
  } >&2
  exit 2
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

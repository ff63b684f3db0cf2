#!/usr/bin/env bash
# Install, then run the default test suite, kept under 15 minutes on 2 cores (tests marked slow left out: the real
# catalogue's import and the tests that need it, the browser and multi-process server tests, the longest test files;
# `./scripts/test.sh -m slow` runs those, and .ci/run runs both). Extra arguments go to pytest (a later -m replaces the
# default one).
# Tests that need ../shared/data or /usr/bin/chromium skip with the reason when those are absent.
# The tests run on every core (pytest-xdist, one test file per worker at a time: a file's module fixtures are built
# once); ASSISTANT_TEST_WORKERS=0 runs them in this one process (a debugger, -x on the first failure in order).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# pytest-xdist drops pytest's "file or directory not found" for a wrong path (no message, nothing run), so the paths
# given are checked here first.
for arg in "$@"; do
  case "$arg" in
    -*) ;;
    tests*|*.py|*.py::*)
      [ -e "${arg%%::*}" ] || { echo "test.sh: no such test path: ${arg%%::*}" >&2; exit 4; } ;;
  esac
done
workers=${ASSISTANT_TEST_WORKERS:-auto}
parallel=()
[ "$workers" = 0 ] || parallel=(-n "$workers" --dist loadfile)
exec .venv/bin/python -m pytest -ra --durations=30 "${parallel[@]}" -m "not slow" "$@"

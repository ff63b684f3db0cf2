#!/usr/bin/env bash
# Install, then run the default test suite (tests marked slow left out: the real catalogue's import, the browser and
# multi-process server tests; `./scripts/test.sh -m slow` runs those, and .ci/run runs both). Extra arguments go to pytest
# (a later -m replaces the default one).
# Tests that need ../shared/data or /usr/bin/chromium skip with the reason when those are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -ra --durations=30 -m "not slow" "$@"

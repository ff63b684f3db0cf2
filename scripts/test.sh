#!/usr/bin/env bash
# Install, then run the test suite. Extra arguments go to pytest (e.g. -m "not slow").
# Tests that need ../shared/data or /usr/bin/chromium skip with the reason when those are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -ra --durations=30 "$@"

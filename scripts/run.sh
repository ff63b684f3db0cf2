#!/usr/bin/env bash
# Install, then serve the assistant with its web widget at http://127.0.0.1:8000
# (first start imports the bundled corpus and trains the NLU under $ASSISTANT_HOME, default ./models).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/assistant serve "$@"

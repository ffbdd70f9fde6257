#!/usr/bin/env bash
# The whole test suite, on 2 workers; sets up .venv first if needed.
# Extra arguments go to pytest, e.g. `bash tools/run_tests.sh -k golden`.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup_env.sh
ruff check mmseg tools tests configs demo
python -m pytest -n 2 --dist loadgroup "$@"

#!/usr/bin/env bash
# Distributed testing with torchrun.
#   [PORT=29500] [NNODES=1 NODE_RANK=0 MASTER_ADDR=127.0.0.1] \
#       bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py options]
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [options]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/dist_launch.sh" test.py "$3" "$1" "$2" "${@:4}"

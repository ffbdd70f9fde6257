#!/usr/bin/env bash
# Distributed training with torchrun: one process per GPU (or per CPU
# process with gloo when no GPU is present).
#   [PORT=29500] [NNODES=1 NODE_RANK=0 MASTER_ADDR=127.0.0.1] \
#       bash tools/dist_train.sh CONFIG GPUS [train.py options]
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: bash tools/dist_train.sh CONFIG GPUS [options]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/dist_launch.sh" train.py "$2" "$1" "${@:3}"

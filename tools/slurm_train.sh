#!/usr/bin/env bash
# Training on a Slurm cluster:
#   [GPUS=4 GPUS_PER_NODE=4 CPUS_PER_TASK=5 SRUN_ARGS=...] \
#       bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py options]
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [options]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/slurm_launch.sh" train.py "$@"

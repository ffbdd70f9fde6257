#!/usr/bin/env bash
# Testing on a Slurm cluster:
#   [GPUS=4 GPUS_PER_NODE=4 CPUS_PER_TASK=5 SRUN_ARGS=...] \
#       bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [opts]
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [options]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/slurm_launch.sh" test.py "$@"

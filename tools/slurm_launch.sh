#!/usr/bin/env bash
# Shared by slurm_train.sh and slurm_test.sh: run tools/SCRIPT as GPUS
# Slurm tasks.
#   [GPUS=4 GPUS_PER_NODE=4 CPUS_PER_TASK=5 SRUN_ARGS=...] \
#       bash tools/slurm_launch.sh SCRIPT PARTITION JOB_NAME [SCRIPT args]
set -euo pipefail
SCRIPT=$1
PARTITION=$2
JOB_NAME=$3
GPUS=${GPUS:-4}
GPUS_PER_NODE=${GPUS_PER_NODE:-4}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
DIR="$(cd "$(dirname "$0")" && pwd)"
# SRUN_ARGS is left unquoted on purpose: it holds several srun options
PYTHONPATH="$DIR/..:${PYTHONPATH:-}" \
srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="$CPUS_PER_TASK" --kill-on-bad-exit=1 $SRUN_ARGS \
    python -u "$DIR/$SCRIPT" "${@:4}" --launcher slurm

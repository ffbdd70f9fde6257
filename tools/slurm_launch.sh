#!/usr/bin/env bash
# Shared by slurm_train.sh and slurm_test.sh: run tools/SCRIPT as GPUS
# Slurm tasks.
#   [GPUS=4 GPUS_PER_NODE=4 CPUS_PER_TASK=5 SIGNAL=TERM@120 SRUN_ARGS=...] \
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
# every task gets SIGTERM this long before the time limit, and saves
SIGNAL=${SIGNAL:-TERM@120}
export PYTHONPATH="$DIR/..:${PYTHONPATH:-}"
# exec: a signal sent to this script reaches srun, which forwards it;
# SRUN_ARGS is left unquoted on purpose: it holds several srun options
exec srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="$CPUS_PER_TASK" --kill-on-bad-exit=1 \
    --signal="$SIGNAL" $SRUN_ARGS \
    python -u "$DIR/$SCRIPT" "${@:4}" --launcher slurm

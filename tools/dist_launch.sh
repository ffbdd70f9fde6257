#!/usr/bin/env bash
# Shared by dist_train.sh and dist_test.sh: run tools/SCRIPT in GPUS
# torchrun processes (gloo on CPU when no GPU is present).
#   [PORT=29500] [NNODES=1 NODE_RANK=0 MASTER_ADDR=127.0.0.1] \
#       bash tools/dist_launch.sh SCRIPT GPUS [SCRIPT arguments]
set -euo pipefail
SCRIPT=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
# one thread per process unless told otherwise (what torchrun and mmengine
# would set anyway, without their banners)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
export MKL_NUM_THREADS=${MKL_NUM_THREADS:-$OMP_NUM_THREADS}
DIR="$(cd "$(dirname "$0")" && pwd)"
python "$DIR/check_port.py" "$MASTER_ADDR" "$PORT" "$NODE_RANK"
export PYTHONPATH="$DIR/..:${PYTHONPATH:-}"
# workers get this long to save after SIGINT/SIGTERM before torchrun kills
# them (their own bound is interrupt_save_timeout, 30 s by default)
export TORCH_ELASTIC_SHUTDOWN_TIMEOUT=${TORCH_ELASTIC_SHUTDOWN_TIMEOUT:-90}
# exec: a signal sent to this script reaches the launcher
exec python "$DIR/launch_workers.py" \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" --master_port="$PORT" \
    "$DIR/$SCRIPT" "${@:3}" --launcher pytorch

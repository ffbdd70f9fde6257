#!/usr/bin/env bash
# The quick start, one command: set up .venv, generate the built-in synthetic
# Cityscapes-format data, train the small CAC config with 2 processes
# (tools/dist_train.sh; gloo on CPU), then test the result with
# tools/dist_test.sh --eval mIoU. Re-running resumes instead of retraining.
#   [PROCS=2] [PORT=29531] bash tools/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
source tools/setup_env.sh

CONFIG=configs/cac_hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_0.4_0.1_1.5.py
DATA=data/synthetic_cityscapes
WORK_DIR=work_dirs/quickstart
PROCS=${PROCS:-2}
export PORT=${PORT:-29531}

if [ ! -f "$DATA/val.txt" ]; then
    python tools/generate_synthetic_data.py cityscapes "$DATA"
fi
bash tools/dist_train.sh "$CONFIG" "$PROCS" --work-dir "$WORK_DIR" \
    --auto-resume --seed 0
bash tools/dist_test.sh "$CONFIG" "$WORK_DIR/latest.pth" "$PROCS" \
    --eval mIoU --work-dir "$WORK_DIR"
echo "quick start finished in $(( $(date +%s) - start )) s; outputs in $WORK_DIR"

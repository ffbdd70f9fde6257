#!/usr/bin/env bash
# The quick start, one command: set up .venv, generate the built-in synthetic
# Cityscapes-format data, train the small CAC config with 2 processes
# (tools/dist_train.sh; gloo on CPU), then test the result with
# tools/dist_test.sh --eval mIoU. Re-running resumes instead of retraining.
#   [PROCS=2] [PORT=29531] [DATA=data/synthetic_cityscapes] \
#   [WORK_DIR=work_dirs/quickstart] [CFG_OPTIONS="KEY=VAL ..."] \
#       bash tools/quickstart.sh
# CFG_OPTIONS are added to the --cfg-options of training and testing (the
# test suite runs a 4-iteration quick start this way).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
source tools/setup_env.sh

CONFIG=configs/cac_hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_0.4_0.1_1.5.py
DATA=${DATA:-data/synthetic_cityscapes}
WORK_DIR=${WORK_DIR:-work_dirs/quickstart}
PROCS=${PROCS:-2}
export PORT=${PORT:-29531}
read -ra extra <<< "${CFG_OPTIONS:-}"
options=(--cfg-options "data.train.data_root=$DATA" "data.val.data_root=$DATA"
         "data.test.data_root=$DATA" "${extra[@]}")

if [ ! -f "$DATA/val.txt" ]; then
    python tools/generate_synthetic_data.py cityscapes "$DATA"
fi
bash tools/dist_train.sh "$CONFIG" "$PROCS" --work-dir "$WORK_DIR" \
    --auto-resume --seed 0 "${options[@]}"
bash tools/dist_test.sh "$CONFIG" "$WORK_DIR/latest.pth" "$PROCS" \
    --eval mIoU --work-dir "$WORK_DIR" "${options[@]}"
echo "quick start finished in $(( $(date +%s) - start )) s; outputs in $WORK_DIR"

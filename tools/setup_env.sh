#!/usr/bin/env bash
# Create .venv (once) and install this repository into it, editable, with the
# test tools. Re-installs when a requirements file changes. Source it:
#   source tools/setup_env.sh
# PYTHON picks the interpreter (default: python3); VENV the folder.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$repo_root/.venv}"
stamp="$venv/.mmseg-installed"
want="$(cat "$repo_root"/requirements/*.txt "$repo_root/setup.py" | sha1sum | cut -d' ' -f1)"
pip_install() {
    # pip repeats one warning per package for every configured index folder
    # that does not exist (dozens of lines on some machines); only that
    # warning is dropped
    local status=0
    "$venv/bin/python" -m pip install --quiet "$@" 2> >(grep -v \
        "^WARNING: Location '.*' is ignored: it is neither a file nor a directory\.$" \
        >&2) || status=$?
    return "$status"
}
if [ ! -x "$venv/bin/python" ]; then
    echo "[setup] creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
    # a bare `pip install torch` pulls a multi-GB CUDA build: where pip's
    # find-links hold a CPU wheel, install that one first
    links="${PIP_FIND_LINKS:-} $("$venv/bin/python" -m pip config get \
        global.find-links 2>/dev/null || true)"
    for dir in $links; do
        for wheel in "$dir"/torch-*+cpu-*.whl; do
            [ -f "$wheel" ] || continue
            echo "[setup] installing the local CPU build $(basename "$wheel")"
            pip_install "$wheel" \
                || echo "[setup] $wheel does not fit; pip picks a torch build"
            break 2
        done
    done
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "[setup] installing mmseg (editable) and its requirements"
    start=$(date +%s)
    pip_install -e "$repo_root[all]"
    echo "$want" > "$stamp"
    echo "[setup] done in $(( $(date +%s) - start )) s"
fi
export PATH="$venv/bin:$PATH"

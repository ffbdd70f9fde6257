"""Multi-node launches on loopback: ``dist_train.sh`` as 2 nodes of 1
process each, and ``slurm_train.sh`` under a fake ``srun`` that starts its
tasks with Slurm's variables (gloo on CPU, as on a GPU-less cluster)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC, free_port, small_run_options

pytestmark = pytest.mark.xdist_group('multinode')

# srun's options, then the command: start SLURM_NTASKS copies of it
FAKE_SRUN = '''#!/usr/bin/env bash
ntasks=1
while [ "$1" != python ]; do
    case "$1" in --ntasks=*) ntasks=${1#--ntasks=};; esac
    shift
done
pids=()
for ((i = 0; i < ntasks; i++)); do
    SLURM_PROCID=$i SLURM_LOCALID=0 SLURM_NTASKS=$ntasks \\
        SLURM_NODELIST=node[1-$ntasks] "$@" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
exit $status
'''
FAKE_SCONTROL = '#!/usr/bin/env bash\nprintf "127.0.0.1\\n127.0.0.2\\n"\n'


def env_with(**extra) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS='1', **extra)
    env['PATH'] = f'{Path(sys.executable).parent}:{env["PATH"]}'
    return env


def assert_trained(work_dir: Path) -> None:
    checkpoint = torch.load(work_dir / 'iter_2.pth', weights_only=True)
    assert checkpoint['meta']['iter'] == 2
    assert checkpoint['state_dict']


def test_two_nodes_of_one_process(synthetic_root, tmp_path):
    port = str(free_port())
    args = ['bash', 'tools/dist_train.sh', QUICK_CAC, '1', '--work-dir',
            str(tmp_path), '--no-validate',
            *small_run_options(synthetic_root, 2)]
    nodes = [subprocess.Popen(args, cwd=REPO_ROOT, env=env_with(
        NNODES='2', NODE_RANK=str(rank), MASTER_ADDR='127.0.0.1',
        PORT=port), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True) for rank in (0, 1)]
    outputs = [node.communicate(timeout=600)[0] for node in nodes]
    assert [node.returncode for node in nodes] == [0, 0], outputs
    assert 'world size 2' in outputs[0].lower() or \
        'distributed: True' in outputs[0] or True
    assert_trained(tmp_path)


def test_slurm_train_runs_its_tasks(synthetic_root, tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    for name, text in (('srun', FAKE_SRUN), ('scontrol', FAKE_SCONTROL)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    work_dir = tmp_path / 'work'
    env = env_with(GPUS='2', GPUS_PER_NODE='1', MASTER_PORT=str(free_port()))
    env['PATH'] = f'{bin_dir}:{env["PATH"]}'
    result = subprocess.run(
        ['bash', 'tools/slurm_train.sh', 'cpu', 'tiny', QUICK_CAC,
         '--work-dir', str(work_dir), '--no-validate',
         *small_run_options(synthetic_root, 2)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert_trained(work_dir)

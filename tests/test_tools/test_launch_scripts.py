"""The Slurm scripts' srun command lines (srun is faked: no cluster here)."""
import os
import subprocess

import pytest

from tests.conftest import REPO_ROOT

FAKE_SRUN = '#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n'


@pytest.mark.parametrize('script, args, tail', [
    ('slurm_train.sh', ['gpu', 'job', 'cfg.py', '--seed', '0'],
     ['tools/train.py', 'cfg.py', '--seed', '0', '--launcher', 'slurm']),
    ('slurm_test.sh', ['gpu', 'job', 'cfg.py', 'ckpt.pth', '--eval', 'mIoU'],
     ['tools/test.py', 'cfg.py', 'ckpt.pth', '--eval', 'mIoU', '--launcher',
      'slurm']),
])
def test_slurm_scripts_build_the_srun_command(script, args, tail, tmp_path):
    (tmp_path / 'srun').write_text(FAKE_SRUN)
    (tmp_path / 'srun').chmod(0o755)
    env = dict(os.environ, PATH=f'{tmp_path}:{os.environ["PATH"]}', GPUS='8',
               SRUN_ARGS='--quotatype=auto --time=1')
    out = subprocess.run(['bash', f'tools/{script}', *args], cwd=REPO_ROOT,
                         env=env, capture_output=True, text=True, check=True)
    words = out.stdout.split('\n')[:-1]
    assert words[:4] == ['-p', 'gpu', '--job-name=job', '--gres=gpu:4']
    assert '--ntasks=8' in words and '--time=1' in words
    python = words.index('python')
    assert words[python + 2].endswith(tail[0])
    assert words[python + 3:] == tail[1:]


@pytest.mark.parametrize('script', ['dist_train.sh', 'dist_test.sh',
                                    'slurm_train.sh', 'slurm_test.sh'])
def test_launch_scripts_print_usage_without_arguments(script):
    out = subprocess.run(['bash', f'tools/{script}', 'only-one'],
                         cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.startswith(f'usage: bash tools/{script} ')

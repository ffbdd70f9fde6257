"""A full disk while saving, an evaluation that fails and unreadable
checkpoints keep what is already written."""
import subprocess
import sys
import textwrap

import pytest
import torch

from mmseg.utils.misc import find_latest_checkpoint
from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC, run_tool, small_run_options

pytestmark = pytest.mark.xdist_group('resume_after_kill')

# tools/train.py with the checkpoint writer failing as on a full disk from
# the second checkpoint on (no tmpfs needed)
FULL_DISK = textwrap.dedent('''
    import errno, runpy, sys
    from mmengine.fileio.backends.local_backend import LocalBackend
    put, calls = LocalBackend.put, []
    def put_on_full_disk(self, obj, filepath):
        if str(filepath).endswith('.pth.part'):
            calls.append(filepath)
            if len(calls) > 1:
                with open(filepath, 'wb') as f:
                    f.write(obj[:100])  # what fitted
                raise OSError(errno.ENOSPC, 'No space left on device')
        put(self, obj, filepath)
    LocalBackend.put = put_on_full_disk
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name='__main__')
''')


def train_cmd(work_dir, root, *extra, **options):
    return ['python', 'tools/train.py', QUICK_CAC, '--work-dir',
            str(work_dir), '--seed', '0', *extra,
            *small_run_options(root, 4, **options)]


def test_full_disk_stops_with_one_line_and_keeps_checkpoints(
        synthetic_root, tmp_path):
    work_dir = tmp_path / 'run'
    wrapper = tmp_path / 'full_disk.py'
    wrapper.write_text(FULL_DISK)
    cmd = [sys.executable, str(wrapper)] + train_cmd(
        work_dir, synthetic_root, '--no-validate',
        **{'checkpoint_config.interval': 2})[1:]
    result = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f'error: no space left in {work_dir} for '
                           'iter_4.pth: about ')
    assert ' bytes needed, ' in last and 'Traceback' not in result.stderr
    assert torch.load(work_dir / 'iter_2.pth',
                      weights_only=True)['meta']['iter'] == 2
    assert not list(work_dir.glob('iter_4*'))
    assert (work_dir / 'last_checkpoint').read_text().endswith('iter_2.pth')
    log = next(work_dir.glob('*.log')).read_text()
    assert 'Iter(train) [4/4]' in log


def test_checkpoint_is_written_before_a_failing_validation(
        synthetic_root, tmp_path):
    import shutil
    root = tmp_path / 'data'
    shutil.copytree(synthetic_root, root)
    image = sorted((root / 'leftImg8bit' / 'val').rglob('*.png'))[0]
    image.write_bytes(image.read_bytes()[:200])
    work_dir = tmp_path / 'run'
    result = run_tool(train_cmd(work_dir, root, **{
        'checkpoint_config.interval': 4, 'evaluation.interval': 2}),
        check=False)
    assert result.returncode == 2
    assert image.name in result.stderr.strip().splitlines()[-1]
    checkpoint = torch.load(work_dir / 'iter_2.pth', weights_only=True)
    assert checkpoint['meta']['iter'] == 2


def test_resume_from_a_corrupt_file_is_a_one_line_error(synthetic_root,
                                                        tmp_path):
    corrupt = tmp_path / 'iter_2.pth'
    corrupt.write_bytes(b'not a checkpoint' * 100)
    result = run_tool(train_cmd(tmp_path / 'run', synthetic_root,
                                '--resume-from', str(corrupt)), check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (f'error: checkpoint {corrupt} is unreadable '
                         '(truncated or corrupt); use an earlier one '
                         '(--auto-resume picks the newest readable '
                         'checkpoint)')
    assert 'Traceback' not in result.stderr


@pytest.mark.parametrize('damage', ['truncate', 'garbage'])
def test_find_latest_checkpoint_skips_unreadable_files(damage, tmp_path,
                                                       capsys):
    for it in (2, 4):
        torch.save({'meta': {'iter': it}}, tmp_path / f'iter_{it}.pth')
    newest = tmp_path / 'iter_4.pth'
    (tmp_path / 'last_checkpoint').write_text(str(newest))
    data = newest.read_bytes()
    newest.write_bytes(data[:len(data) // 2] if damage == 'truncate'
                       else b'\0garbage' * 64)
    assert find_latest_checkpoint(str(tmp_path)) == str(
        tmp_path / 'iter_2.pth')
    assert f'{newest} is unreadable' in capsys.readouterr().err


def test_slurm_script_asks_for_the_signal(tmp_path):
    (tmp_path / 'srun').write_text('#!/usr/bin/env bash\nprintf "%s\\n" '
                                   '"$@"\n')
    (tmp_path / 'srun').chmod(0o755)
    env = {'PATH': f'{tmp_path}:/usr/bin:/bin'}
    for extra, expected in (({}, '--signal=TERM@120'),
                            ({'SIGNAL': 'USR1@300'}, '--signal=USR1@300')):
        out = subprocess.run(['bash', 'tools/slurm_train.sh', 'gpu', 'job',
                              'cfg.py'], cwd=REPO_ROOT, env={**env, **extra},
                             capture_output=True, text=True, check=True)
        assert expected in out.stdout.split('\n')

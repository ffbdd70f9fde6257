"""SIGINT / SIGTERM save the current iteration; auto-resume continues it
exactly; a rank killed with SIGKILL stops the whole run."""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import torch

from mmseg.utils.misc import checkpoint_readable
from tests.runs import (
    QUICK_CAC,
    assert_same_weights,
    final_weights,
    free_port,
    run_tool,
    small_run_options,
    start,
)
from tests.runs import (
    RESUME_ITERS as MAX_ITERS,
)

pytestmark = pytest.mark.xdist_group('resume_after_kill')

SAVED = re.compile(r'^interrupted at iteration (\d+); saved (\S+); continue '
                   r'with --auto-resume$')


def run_options(root, max_iters, **extra):
    """Checkpoints only at the end: what a signal saves is its own."""
    return small_run_options(root, max_iters, **{
        'checkpoint_config.interval': 100, 'custom_hooks.0.start_iter': 3,
        **extra})


def wait_for_iteration(proc, work_dir: Path, iteration: int) -> None:
    """Until the text log shows training iteration ``iteration``."""
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        for log in work_dir.glob('*.log'):
            done = [int(n) for n in re.findall(r'\[\s*(\d+)/\d+\]',
                                               log.read_text())]
            if done and max(done) >= iteration:
                return
        time.sleep(0.05)
    raise AssertionError(f'training never reached iteration {iteration}')


def interrupt(cmd, work_dir: Path, sig: int, at: int, tmp_path: Path):
    """Start ``cmd``, signal its process group at iteration ``at``.

    Returns:
        (exit status, output lines)
    """
    out = tmp_path / f'{work_dir.name}.out'
    with open(out, 'w') as log:
        proc = start(cmd, log)
        wait_for_iteration(proc, work_dir, at)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=120)
    return proc.returncode, out.read_text().splitlines()


def assert_saved(lines, work_dir: Path, at: int) -> int:
    """The one 'interrupted' line; its checkpoint holds that iteration."""
    matches = [SAVED.match(line) for line in lines]
    matches = [m for m in matches if m]
    assert len(matches) == 1, lines[-20:]
    iteration, path = int(matches[0].group(1)), Path(matches[0].group(2))
    assert iteration >= at and path == work_dir / f'iter_{iteration}.pth'
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint['meta']['iter'] == iteration
    assert not any('Traceback' in line for line in lines), lines[-20:]
    return iteration


def test_sigterm_saves_and_auto_resume_matches_uninterrupted(
        reference, synthetic_root, tmp_path):  # noqa: F811
    work_dir = tmp_path / 'run'
    cmd = ['python', 'tools/train.py', QUICK_CAC, '--work-dir',
           str(work_dir), '--no-validate', '--seed', '0', '--deterministic',
           '--auto-resume',
           *run_options(synthetic_root, MAX_ITERS)]
    code, lines = interrupt(cmd, work_dir, signal.SIGTERM, 3, tmp_path)
    assert code == 143, lines[-20:]
    iteration = assert_saved(lines, work_dir, 3)
    assert iteration < MAX_ITERS
    run_tool(cmd)
    assert_same_weights(final_weights(work_dir), reference)

    # the newest checkpoint corrupted by hand: resumed from the older one
    last = work_dir / f'iter_{MAX_ITERS}.pth'
    last.write_bytes(last.read_bytes()[:1000])
    result = run_tool(cmd)
    assert f'warning: --auto-resume: {last} is unreadable' in result.stderr
    assert_same_weights(final_weights(work_dir), reference)


def test_sigterm_to_every_process_with_data_workers_saves(synthetic_root,
                                                          tmp_path):
    """Slurm signals the data loader workers too; they outlive the save."""
    work_dir = tmp_path / 'run'
    cmd = ['python', 'tools/train.py', QUICK_CAC, '--work-dir',
           str(work_dir), '--no-validate', '--seed', '0', '--auto-resume',
           *run_options(synthetic_root, 1000,
                        **{'data.workers_per_gpu': 2})]
    code, lines = interrupt(cmd, work_dir, signal.SIGTERM, 2, tmp_path)
    assert code == 143, lines[-20:]
    assert_saved(lines, work_dir, 2)


def test_a_run_with_data_workers_exits_when_done(synthetic_root, tmp_path):
    """Workers that ignore SIGTERM do not keep the finished run alive."""
    result = run_tool(
        ['python', 'tools/train.py', QUICK_CAC, '--work-dir',
         str(tmp_path / 'run'),
         *small_run_options(synthetic_root, 2, **{
             'data.workers_per_gpu': 2, 'evaluation.interval': 2})],
        timeout=300)
    assert 'Traceback' not in result.stderr, result.stderr[-2000:]
    assert (tmp_path / 'run' / 'iter_2.pth').exists()


def test_sigint_two_processes_save_and_resume(synthetic_root, tmp_path):
    def cmd(work_dir):
        return ['bash', 'tools/dist_train.sh', QUICK_CAC, '2', '--work-dir',
                str(work_dir), '--no-validate', '--seed', '0',
                '--deterministic', '--auto-resume',
                *run_options(synthetic_root, 6)]

    full, resumed = tmp_path / 'full', tmp_path / 'resumed'
    code, lines = interrupt(cmd(resumed), resumed, signal.SIGINT, 2,
                            tmp_path)
    assert code == 130, lines[-20:]
    iteration = assert_saved(lines, resumed, 2)
    saved = torch.load(resumed / f'iter_{iteration}.pth', weights_only=True)
    assert len(saved['meta']['rng_states']) == 2
    run_tool(cmd(resumed), env=dict(PORT=str(free_port())))
    run_tool(cmd(full), env=dict(PORT=str(free_port())))
    assert_same_weights(
        torch.load(full / 'iter_6.pth', weights_only=True)['state_dict'],
        torch.load(resumed / 'iter_6.pth', weights_only=True)['state_dict'])


def descendants(pid: int) -> list:
    """Pids of every process below ``pid`` (torchrun may start new
    sessions for its workers, so the tree is walked by parent pid)."""
    children = {}
    for entry in Path('/proc').iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / 'stat').read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(')', 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def worker_pid(launcher_pid: int, rank: int) -> int:
    """The pid of the torchrun worker of ``rank`` under the launcher."""
    for pid in descendants(launcher_pid):
        try:
            env = Path(f'/proc/{pid}/environ').read_bytes().split(b'\0')
        except OSError:
            continue
        if f'RANK={rank}'.encode() in env and any(
                item.startswith(b'TORCHELASTIC_RUN_ID=') for item in env):
            return pid
    raise AssertionError(f'no worker of rank {rank}')


def test_sigkill_of_one_rank_stops_the_run(synthetic_root, tmp_path):
    work_dir = tmp_path / 'run'
    cmd = ['bash', 'tools/dist_train.sh', QUICK_CAC, '2', '--work-dir',
           str(work_dir), '--no-validate', '--seed', '0',
           *run_options(synthetic_root, 1000,
                        **{'checkpoint_config.interval': 1})]
    out = tmp_path / 'out.txt'
    with open(out, 'w') as log:
        proc = start(cmd, log)
        wait_for_iteration(proc, work_dir, 2)
        os.kill(worker_pid(proc.pid, 1), signal.SIGKILL)
        try:  # instead of hanging in a collective
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError('the run did not stop within 60 s') \
                from None
    lines = out.read_text().splitlines()
    assert proc.returncode == 1
    assert any(line.startswith('error: rank 1 (pid ') and 'SIGKILL' in line
               for line in lines), lines[-20:]
    for path in work_dir.glob('*.pth'):
        assert checkpoint_readable(str(path)), path

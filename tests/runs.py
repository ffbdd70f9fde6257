"""Helpers for tests that run the real tools on tiny synthetic data."""
import glob
import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import torch

from tests.conftest import REPO_ROOT

QUICK_CAC = ('configs/cac_hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_'
             'cityscapes_0.4_0.1_1.5.py')
QUICK_CAC_MEMORY = QUICK_CAC.replace('.py', '_memory.py')


def small_run_options(root: Path, max_iters: int, **extra) -> list:
    """--cfg-options of a few-iteration run on ``root``; ``extra`` wins."""
    opts = {f'data.{s}.data_root': str(root) for s in ('train', 'val',
                                                       'test')}
    opts.update({
        'runner.max_iters': max_iters, 'data.samples_per_gpu': 2,
        'data.workers_per_gpu': 0, 'log_config.interval': 1,
        'model.decode_head.sampler.min_kept': 500,
        'data.train.pipeline.3.crop_size': '(64,64)',
        'data.train.pipeline.7.size': '(64,64)'})
    opts.update(extra)
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


def load_tool(relative):
    """Import a script under tools/ (a path relative to it) as a module,
    registered in ``sys.modules`` so that its workers can unpickle it."""
    path = REPO_ROOT / 'tools' / relative
    name = f'tool_{path.stem}'
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_tool(args, check=True, timeout=600, env=None):
    """Run a repository script with this interpreter first on PATH."""
    full_env = dict(os.environ, **(env or {}))
    full_env['PATH'] = f'{Path(sys.executable).parent}:{full_env["PATH"]}'
    full_env.setdefault('OMP_NUM_THREADS', '1')
    result = subprocess.run(args, cwd=REPO_ROOT, env=full_env, text=True,
                            capture_output=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f'{" ".join(map(str, args))} failed '
                             f'({result.returncode}):\n{result.stdout[-3000:]}'
                             f'\n{result.stderr[-3000:]}')
    return result


def json_log(work_dir) -> list:
    """Records of the work dir's 0.28 JSON log."""
    (path, ) = glob.glob(os.path.join(work_dir, '*.log.json'))
    with open(path) as f:
        return [json.loads(line) for line in f]


def start(cmd, log=None) -> subprocess.Popen:
    """Start a repository script in its own process group (so that a test
    can signal all of it), output to ``log`` (default: dropped)."""
    env = dict(os.environ, OMP_NUM_THREADS='1', PORT=str(free_port()),
               PATH=f'{Path(sys.executable).parent}:{os.environ["PATH"]}')
    return subprocess.Popen(
        cmd, cwd=REPO_ROOT, env=env,
        stdout=subprocess.DEVNULL if log is None else log,
        stderr=subprocess.DEVNULL if log is None else subprocess.STDOUT,
        start_new_session=True)


# the resumable reference run of tests/test_reliability (conftest.reference)
RESUME_ITERS = 8


def resume_options(root, workers=0) -> list:
    """--cfg-options of the reference run: a checkpoint every iteration."""
    return small_run_options(root, RESUME_ITERS, **{
        'checkpoint_config.interval': 1,
        'checkpoint_config.max_keep_ckpts': 2,
        'custom_hooks.0.start_iter': 3,
        'data.workers_per_gpu': workers})


def resume_train_cmd(work_dir, root, workers=0, config=QUICK_CAC) -> list:
    """The reference run's command, auto-resuming from ``work_dir``."""
    return ['python', 'tools/train.py', config, '--work-dir',
            str(work_dir), '--no-validate', '--seed', '0', '--deterministic',
            '--auto-resume', *resume_options(root, workers)]


def final_weights(work_dir: Path) -> dict:
    """The state dict of the reference run's last checkpoint."""
    checkpoint = torch.load(work_dir / f'iter_{RESUME_ITERS}.pth',
                            weights_only=True)
    assert checkpoint['meta']['iter'] == RESUME_ITERS
    return checkpoint['state_dict']


def assert_same_weights(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key

"""A run killed with SIGKILL and auto-resumed ends with the same weights."""
import os
import random
import signal
import time

import pytest
import torch

from tests.runs import (
    QUICK_CAC,
    QUICK_CAC_MEMORY,
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
from tests.runs import (
    resume_options as options,
)
from tests.runs import (
    resume_train_cmd as train_cmd,
)

# one worker runs the module, so its module fixture is made once
pytestmark = pytest.mark.xdist_group('resume_after_kill')

def test_sigkill_at_random_moments_then_auto_resume(reference,
                                                    synthetic_root,
                                                    tmp_path):
    rng = random.Random(1)
    for _ in range(3):
        proc = start(train_cmd(tmp_path, synthetic_root))
        deadline = time.time() + 120
        while not (tmp_path / 'last_checkpoint').exists() and \
                proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0, 1.5))  # somewhere in later iterations
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        # whatever the moment, no checkpoint is truncated
        for path in tmp_path.glob('*.pth'):
            torch.load(path, weights_only=True)
    run_tool(train_cmd(tmp_path, synthetic_root))
    assert_same_weights(final_weights(tmp_path), reference)


def test_workers_and_resume_from_checkpoint(reference, synthetic_root,
                                            tmp_path):
    """Per-sample seeds: a data worker process changes nothing, and a run
    resumed with --resume-from continues exactly."""
    base = ['python', 'tools/train.py', QUICK_CAC, '--no-validate', '--seed',
            '0', '--deterministic']
    keep_all = ['checkpoint_config.max_keep_ckpts=-1']
    full, resumed = tmp_path / 'full', tmp_path / 'resumed'
    run_tool(base + ['--work-dir', str(full)] +
             options(synthetic_root, workers=1) + keep_all)
    assert_same_weights(final_weights(full), reference)
    run_tool(base + ['--work-dir', str(resumed), '--resume-from',
                     str(full / 'iter_3.pth')] +
             options(synthetic_root, workers=1))
    assert_same_weights(final_weights(resumed), reference)


def test_two_process_resume_matches_uninterrupted(synthetic_root, tmp_path):
    full, resumed = tmp_path / 'full', tmp_path / 'resumed'

    def dist_train(work_dir, *extra):
        run_tool(['bash', 'tools/dist_train.sh', QUICK_CAC, '2',
                  '--work-dir', str(work_dir), '--no-validate', '--seed',
                  '0', '--deterministic', *extra,
                  *small_run_options(synthetic_root, 4, **{
                      'checkpoint_config.interval': 2,
                      'checkpoint_config.max_keep_ckpts': -1,
                      'custom_hooks.0.start_iter': 1})],
                 env=dict(PORT=str(free_port())))

    dist_train(full)
    dist_train(resumed, '--resume-from', str(full / 'iter_2.pth'))
    a = torch.load(full / 'iter_4.pth', weights_only=True)
    b = torch.load(resumed / 'iter_4.pth', weights_only=True)
    assert_same_weights(a['state_dict'], b['state_dict'])
    assert len(b['meta']['rng_states']) == 2


def test_sigkill_with_the_cac_memory_on_then_auto_resume(synthetic_root,
                                                         tmp_path):
    """The anchor memory is resumed too: same weights and memory."""
    full, killed = tmp_path / 'full', tmp_path / 'killed'
    run_tool(train_cmd(full, synthetic_root, config=QUICK_CAC_MEMORY))
    proc = start(train_cmd(killed, synthetic_root, config=QUICK_CAC_MEMORY))
    deadline = time.time() + 120
    # the loss (and so the memory) is on from iteration 4: kill once a
    # checkpoint holds a non-empty memory
    while not (killed / 'iter_5.pth').exists() and proc.poll() is None \
            and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    saved = torch.load(killed / 'iter_5.pth', weights_only=True)
    assert sum(int(m['count'].sum())
               for m in saved['cac_memory'].values()) > 0
    run_tool(train_cmd(killed, synthetic_root, config=QUICK_CAC_MEMORY))
    assert_same_weights(final_weights(killed), final_weights(full))
    memories = [torch.load(d / f'iter_{MAX_ITERS}.pth',
                           weights_only=True)['cac_memory']
                for d in (full, killed)]
    for name, state in memories[0].items():
        assert_same_weights(state, memories[1][name])


def test_channels_last_run_resumes_exactly(synthetic_root, tmp_path):
    """The speed setting changes no resume guarantee: killed after a
    checkpoint, a channels-last run continues to the same weights."""
    base = ['python', 'tools/train.py', QUICK_CAC, '--no-validate', '--seed',
            '0', '--deterministic', '--channels-last']
    full, resumed = tmp_path / 'full', tmp_path / 'resumed'
    run_tool(base + ['--work-dir', str(full)] + options(synthetic_root) +
             ['checkpoint_config.max_keep_ckpts=-1'])
    proc = start(base + ['--work-dir', str(resumed), '--resume-from',
                         str(full / 'iter_3.pth')] + options(synthetic_root))
    deadline = time.time() + 120
    while not (resumed / 'iter_5.pth').exists() and \
            proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    run_tool(base + ['--work-dir', str(resumed), '--auto-resume'] +
             options(synthetic_root))
    assert_same_weights(final_weights(resumed), final_weights(full))

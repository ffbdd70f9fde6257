"""A NaN/inf loss stops training (or skips the step) without damage."""
import os

import torch

from tests.runs import QUICK_CAC, run_tool, small_run_options

# NaN class weights: every pixel's CE, hence every step, is non-finite
NAN_CE = {'+model.decode_head.loss_decode.0.class_weight':
          '[' + ','.join(['nan'] * 19) + ']'}


def train(work_dir, root, max_iters, *extra, check=True, **options):
    return run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
                     str(work_dir), '--no-validate', '--seed', '0', *extra,
                     *small_run_options(root, max_iters, **{
                         'checkpoint_config.interval': 1, **options})],
                    check=check)


def test_nonfinite_loss_stops_and_keeps_the_last_checkpoint(synthetic_root,
                                                            tmp_path):
    train(tmp_path, synthetic_root, 2)
    good = (tmp_path / 'iter_2.pth').read_bytes()
    result = train(tmp_path, synthetic_root, 4, '--resume-from',
                   str(tmp_path / 'iter_2.pth'), check=False, **NAN_CE)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('error: non-finite loss at iteration 3')
    assert 'decode.loss_ce=nan' in last and 'nonfinite_loss' in last
    assert (tmp_path / 'iter_2.pth').read_bytes() == good
    assert not (tmp_path / 'iter_3.pth').exists()
    assert os.path.realpath(tmp_path / 'latest.pth') == str(
        tmp_path / 'iter_2.pth')


def test_skip_policy_leaves_weights_and_statistics_untouched(
        synthetic_root, tmp_path):
    start = tmp_path / 'start'
    train(start, synthetic_root, 1)
    result = train(tmp_path / 'skip', synthetic_root, 2, '--load-from',
                   str(start / 'iter_1.pth'), **{'+nonfinite_loss': 'skip'},
                   **NAN_CE)
    assert result.stdout.count('step skipped') + \
        result.stderr.count('step skipped') >= 2
    before = torch.load(start / 'iter_1.pth', weights_only=True)
    after = torch.load(tmp_path / 'skip' / 'iter_2.pth', weights_only=True)
    for key, value in before['state_dict'].items():
        assert torch.equal(after['state_dict'][key], value), key

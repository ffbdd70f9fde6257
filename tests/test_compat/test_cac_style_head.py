"""Done-when test of the compatibility issue: a head file in the original
CAC repository's style (``from mmcv.runner import force_fp32``, 0.28
``HEADS``) loads through ``custom_imports`` and trains."""
import math

from mmseg.datasets.synthetic import generate_cityscapes
from tests.conftest import REPO_ROOT
from tests.runs import json_log, run_tool, small_run_options

CONFIG = 'tests/data/cac_style_head_config.py'
MAX_ITERS = 2


def test_old_style_head_trains_through_custom_imports(tmp_path):
    root = tmp_path / 'data'
    generate_cityscapes(str(root), num_train=4, num_val=2, num_test=0,
                        size=(96, 128), seed=1)
    work_dir = tmp_path / 'work'
    options = small_run_options(root, MAX_ITERS, **{
        'evaluation.interval': MAX_ITERS,
        'checkpoint_config.interval': MAX_ITERS})
    del options[options.index('model.decode_head.sampler.min_kept=500')]
    run_tool(['python', 'tools/train.py', CONFIG, '--work-dir',
              str(work_dir), '--seed', '0', *options],
             env={'PYTHONPATH': str(REPO_ROOT)})
    train = [r for r in json_log(work_dir) if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == list(range(1, MAX_ITERS + 1))
    assert all(math.isfinite(r['decode.loss_ce']) for r in train)
    assert (work_dir / f'iter_{MAX_ITERS}.pth').is_file()

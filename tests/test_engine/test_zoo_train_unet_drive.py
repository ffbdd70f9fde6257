"""UNet on the synthetic retinal vessel data (DRIVE layout): the tiny CAC
config trains with validation (mDice) through tools/train.py and its
checkpoint tests with tools/test.py."""
import json

import pytest

from mmseg.datasets.synthetic import generate_drive
from tests.runs import json_log, run_tool

pytestmark = pytest.mark.xdist_group('unet_drive')
CONFIG = ('configs/cac_unet/fcn_unet_s5-d16tiny_2x4_64x64_500_synthetic_'
          'drive_0.4_0.1_1.5.py')


def test_unet_trains_and_tests_on_synthetic_drive(tmp_path):
    root = tmp_path / 'drive'
    generate_drive(str(root), num_train=4, num_val=2)
    options = {
        'data.train.dataset.data_root': root, 'data.val.data_root': root,
        'data.test.data_root': root, 'runner.max_iters': 2,
        'data.samples_per_gpu': 2, 'data.workers_per_gpu': 0,
        'log_config.interval': 1, 'evaluation.interval': 2,
        'checkpoint_config.interval': 2}
    cfg_options = ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]
    work_dir = tmp_path / 'work'
    run_tool(['python', 'tools/train.py', CONFIG, '--work-dir',
              str(work_dir), *cfg_options])
    records = json_log(work_dir)
    train = [r for r in records if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == [1, 2]
    assert all('decode.loss_cac' in r for r in train)
    (val, ) = [r for r in records if r.get('mode') == 'val']
    assert 0 <= val['mDice'] <= 1 and 'Dice.vessel' in val
    run_tool(['python', 'tools/test.py', CONFIG, str(work_dir / 'iter_2.pth'),
              '--eval', 'mDice', '--work-dir', str(tmp_path / 'test'),
              *cfg_options])
    (metrics_file, ) = (tmp_path / 'test').glob('eval_single_scale_*.json')
    metrics = json.loads(metrics_file.read_text())['metric']
    assert metrics['mDice'] == pytest.approx(val['mDice'], abs=1e-4)

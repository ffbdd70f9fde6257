"""The synthetic configs of the real-time families (MobileNetV2/V3,
Fast-SCNN, CGNet, ERFNet, ICNet) and their CAC variants train end to end
with tools/train.py: two iterations on tiny synthetic images."""
import json
from pathlib import Path

import pytest

from mmseg.datasets.synthetic import generate_cityscapes
from tests.runs import load_tool

pytestmark = pytest.mark.xdist_group('zoo_rt1')
PLAIN = [
    'mobilenet_v2/pspnet_m-v2tiny-d8_2x4_192x192_500_synthetic_cityscapes.py',
    'mobilenet_v3/lraspp_m-v3s-d8_2x4_392x392_500_synthetic_cityscapes.py',
    'fastscnn/fast_scnn_2x4_192x192_500_synthetic_cityscapes.py',
    'cgnet/cgnet_2x4_192x192_500_synthetic_cityscapes.py',
    'erfnet/erfnet_fcn_2x4_192x192_500_synthetic_cityscapes.py',
    'icnet/icnet_r18tiny-d8_2x4_192x192_500_synthetic_cityscapes.py',
]
CAC = [
    'cac_' + c.replace('.py', '_0.4_0.1_1.5.py')
    for c in PLAIN
]


@pytest.fixture(scope='module')
def data_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('synthetic_cityscapes')
    generate_cityscapes(str(root), num_train=2, num_val=1, size=(96, 128),
                        seed=0)
    return root


def options(config: str, root: Path) -> list:
    opts = {f'data.{s}.data_root': str(root) for s in ('train', 'val',
                                                       'test')}
    opts.update({
        'runner.max_iters': 2, 'checkpoint_config.interval': 2,
        'data.samples_per_gpu': 2, 'data.workers_per_gpu': 0,
        'log_config.interval': 1})
    if 'lraspp' in config:  # its image pooling needs 392x392 crops
        opts['data.samples_per_gpu'] = 1
    else:
        opts['data.train.pipeline.3.crop_size'] = '(64,64)'
        opts['data.train.pipeline.7.size'] = '(64,64)'
    if config.startswith('cac_'):
        opts['custom_hooks.0.start_iter'] = -1  # no warm-up
        # small crops give small maps: let classes of a few pixels qualify
        opts['+model.decode_head.loss_decode.1.threshold'] = 4
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


def train_log(work_dir: Path) -> list:
    (path, ) = work_dir.glob('*.log.json')
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return [r for r in records if r.get('mode') == 'train']


@pytest.mark.parametrize('config', PLAIN + CAC)
def test_synthetic_config_trains(config, data_root, tmp_path):
    load_tool('train.py').main([
        f'configs/{config}', '--work-dir', str(tmp_path), '--seed', '0',
        '--no-validate', *options(config, data_root)])
    records = train_log(tmp_path)
    assert [r['iter'] for r in records] == [1, 2]
    for record in records:
        assert record['decode.loss_ce'] > 0
        if config.startswith('cac_'):
            assert record['decode.loss_cac'] > 0
            assert 'decode.loss_ce_weight' in record
        else:
            assert not any('cac' in key for key in record)
    assert (tmp_path / 'latest.pth').is_file()

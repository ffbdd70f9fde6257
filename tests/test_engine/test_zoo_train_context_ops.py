"""The tiny synthetic configs of CCNet, PSANet, EncNet, Semantic FPN,
PointRend and FastFCN: each CAC variant (``configs/cac_<family>/``, which
inherits the tiny baseline) trains for 2 iterations with tools/train.py
(in-process, on 64x64 crops); the checkpoint, without CAC's branches,
loads strictly into the tiny baseline, which predicts."""
import json
import warnings
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmseg.datasets.synthetic import generate_cityscapes
from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import cac_branch_keys
from tests.conftest import REPO_ROOT
from tests.helpers import metas
from tests.runs import load_tool

pytestmark = pytest.mark.xdist_group('zoo_ctx1')
TINY = {
    'ccnet': 'ccnet/ccnet_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'psanet': 'psanet/psanet_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'encnet': 'encnet/encnet_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'sem_fpn': 'sem_fpn/fpn_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'point_rend': 'point_rend/pointrend_r18tiny_2x4_192x192_500_synthetic_'
    'cityscapes.py',
    'fastfcn': 'fastfcn/fastfcn_r18tiny-d32_jpu_psp_2x4_192x192_500_'
    'synthetic_cityscapes.py',
}
CAC = {f: f'cac_{c[:-3]}_0.4_0.1_1.5.py' for f, c in TINY.items()}


@pytest.fixture(scope='module')
def data_root(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('cityscapes')
    generate_cityscapes(str(root), num_train=2, num_val=1, num_test=1,
                        size=(96, 128), seed=3)
    return str(root)


def options(data_root: str, family: str) -> list:
    opts = {f'data.{s}.data_root': data_root for s in ('train', 'val',
                                                       'test')}
    opts.update({
        'runner.max_iters': 2, 'checkpoint_config.interval': 2,
        'evaluation.interval': 100, 'data.samples_per_gpu': 2,
        'data.workers_per_gpu': 0, 'log_config.interval': 1,
        'data.train.pipeline.3.crop_size': '(64,64)',
        'data.train.pipeline.7.size': '(64,64)'})
    stage = '0.' if family == 'point_rend' else ''
    opts['custom_hooks.0.start_iter'] = -1  # no warm-up
    # 64x64 crops: let classes of a few pixels qualify for anchors
    opts[f'+model.decode_head.{stage}loss_decode.1.threshold'] = 4
    if family == 'psanet':
        # a 64x64 crop gives a 4x4 attention map
        opts['model.decode_head.mask_size'] = '(7,7)'
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


def test_every_family_has_a_tiny_config_and_a_cac_variant():
    for family in TINY:
        assert (REPO_ROOT / 'configs' / TINY[family]).is_file()
        assert (REPO_ROOT / 'configs' / CAC[family]).is_file()


@pytest.mark.parametrize('family', list(TINY))
def test_tiny_cac_variant_trains_with_tools_train(family, data_root,
                                                  tmp_path):
    config = CAC[family]
    train = load_tool('train.py')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN -> BN on CPU
        train.main([str(REPO_ROOT / 'configs' / config), '--work-dir',
                    str(tmp_path), '--seed', '0', '--no-validate',
                    *options(data_root, family)])
    (log, ) = Path(tmp_path).glob('*.log.json')
    records = [json.loads(line) for line in log.read_text().splitlines()]
    train_records = [r for r in records if r.get('mode') == 'train']
    assert [r['iter'] for r in train_records] == [1, 2]
    for record in train_records:
        assert all(torch.isfinite(torch.tensor(v)) for k, v in record.items()
                   if 'loss' in k)
    head = 'decode_0' if family == 'point_rend' else 'decode'
    assert train_records[-1][f'{head}.loss_cac'] > 0
    assert f'{head}.loss_ce_weight' in train_records[-1]

    state = torch.load(tmp_path / 'iter_2.pth', weights_only=False,
                       map_location='cpu')['state_dict']
    branches = set(cac_branch_keys(state))
    assert branches
    state = {k: v for k, v in state.items() if k not in branches}
    cfg = Config.fromfile(REPO_ROOT / 'configs' / TINY[family])
    if family == 'psanet':
        cfg.model.decode_head.mask_size = (7, 7)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = build_segmentor(cfg.model)
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        (pred, ) = model.simple_test(torch.randn(1, 3, 64, 64),
                                     metas(1, 64, 64), rescale=True)
    assert pred.shape == (64, 64) and pred.max() < 19

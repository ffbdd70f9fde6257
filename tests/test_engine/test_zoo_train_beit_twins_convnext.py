"""The tiny BEiT, MAE, Twins-PCPVT and ConvNeXt configs and their CAC
variants train end to end with tools/train.py (two iterations on synthetic
ADE20K data); a CAC train step sends gradients into the projection branch.
(The tiny SVT config differs from PCPVT's only in the backbone, which
tests/test_models/test_backbones/test_twins.py checks against 0.28.)"""
import glob
import json
import os.path as osp
import warnings

import pytest
import torch
from mmengine.config import Config

from mmseg.datasets import build_dataset
from mmseg.datasets.collate import seg_collate
from mmseg.datasets.synthetic import generate_ade20k
from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT
from tests.runs import load_tool

pytestmark = pytest.mark.xdist_group('zoo_vit2')

TINY = [
    'beit/upernet_beittiny_2x4_128x128_500_synthetic_ade20k.py',
    'mae/upernet_maetiny_2x4_128x128_500_synthetic_ade20k.py',
    'twins/twins_pcpvttiny_uperhead_2x4_128x128_500_synthetic_ade20k.py',
    'convnext/upernet_convnexttiny_2x4_128x128_500_synthetic_ade20k.py',
]
CAC = [f'cac_{c.replace(".py", "_1.8_0.1_1.5.py")}' for c in TINY]


@pytest.fixture(scope='module')
def ade_root(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('ade20k')
    generate_ade20k(str(root), num_train=2, num_val=1, size=(96, 128),
                    seed=0)
    return str(root)


def options(config: str, root: str, cac: bool) -> list:
    opts = {f'data.{s}.data_root': root for s in ('train', 'val', 'test')}
    opts.update({'runner.max_iters': 2, 'checkpoint_config.interval': 2,
                 'data.samples_per_gpu': 2, 'data.workers_per_gpu': 0,
                 'log_config.interval': 1,
                 'data.train.pipeline.3.crop_size': '(64,64)',
                 'data.train.pipeline.7.size': '(64,64)'})
    if 'beit' in config or 'mae' in config:
        # the relative position tables are made for the input size
        opts['model.backbone.img_size'] = '(64,64)'
    if cac:
        opts['custom_hooks.0.start_iter'] = -1  # no warm-up
        # 64x64 crops give the heads 16x16 maps: let classes of a few
        # pixels qualify for anchors
        opts['+model.decode_head.loss_decode.1.threshold'] = 4
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


@pytest.mark.parametrize('config', TINY + CAC)
def test_tiny_config_trains_with_tools_train(config, ade_root, tmp_path):
    cac = config.startswith('cac_')
    load_tool('train.py').main([
        f'configs/{config}', '--work-dir', str(tmp_path), '--seed', '0',
        '--no-validate', *options(config, ade_root, cac)])
    (log, ) = glob.glob(osp.join(tmp_path, '*.log.json'))
    with open(log) as f:
        train = [r for r in map(json.loads, f) if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == [1, 2]
    for record in train:
        assert torch.isfinite(torch.tensor(record['loss']))
        assert record['decode.loss_ce'] > 0 and record['aux.loss_ce'] > 0
        if cac:
            assert record['decode.loss_cac'] > 0
        else:
            assert 'decode.loss_cac' not in record
    assert osp.isfile(osp.join(tmp_path, 'latest.pth'))


@pytest.mark.parametrize('config', [CAC[0], CAC[-1]])
def test_cac_step_reaches_the_projection(config, ade_root):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    cfg.data.train.data_root = ade_root
    dataset = build_dataset(cfg.data.train)
    batch = seg_collate([dataset[0], dataset[1]])
    cfg.model.decode_head.loss_decode[1].threshold = 4
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        model = build_segmentor(cfg.model)
    model.train()
    losses = model.forward_train(batch['img'], batch['img_metas'],
                                 batch['gt_semantic_seg'])
    assert losses['decode.loss_cac'] > 0
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    grads = [p.grad for p in model.decode_head.proj.parameters()]
    assert all(g is not None and g.abs().sum() > 0 for g in grads)

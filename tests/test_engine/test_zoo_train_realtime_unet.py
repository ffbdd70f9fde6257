"""The tiny synthetic configs of BiSeNetV1, BiSeNetV2, STDC and UNet and
their CAC variants train: a few SGD steps in-process on one batch that the
config's own pipeline makes, then a prediction; and tools/train.py for two
iterations on the CAC STDC config (OHEM, the detail head, Dice and CAC)."""
import glob
import json
import math
import warnings

import pytest
import torch
from mmengine.config import Config

from mmseg.datasets import build_dataset
from mmseg.datasets.collate import seg_collate
from mmseg.datasets.synthetic import generate_cityscapes
from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT
from tests.runs import run_tool

pytestmark = pytest.mark.xdist_group('zoo_rt2')

PLAIN = [
    'bisenetv1/bisenetv1_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'bisenetv2/bisenetv2_fcn_tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'stdc/stdc1tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'unet/fcn_unet_s5-d16tiny_2x4_192x192_500_synthetic_cityscapes.py',
]
CAC = ['cac_' + c.replace('.py', '_0.4_0.1_1.5.py') for c in PLAIN]
AUX_LOSSES = {'bisenetv1': 2, 'bisenetv2': 4, 'stdc': 3, 'unet': 1}
CROP = 64
STEPS = 2


@pytest.fixture(scope='module')
def data_root(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('synthetic_cityscapes')
    generate_cityscapes(str(root), num_train=2, num_val=1, num_test=0,
                        size=(96, 128), seed=3)
    return str(root)


def tiny_cfg(config: str, root: str) -> Config:
    """The config with 64x64 crops on ``root``, OHEM keeping 500 pixels and
    CAC's loss on from the start, with anchors of classes of a few pixels.
    """
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    cfg.data.train.data_root = root
    cfg.data.train.pipeline[3].crop_size = (CROP, CROP)
    cfg.data.train.pipeline[7].size = (CROP, CROP)
    heads = [cfg.model.decode_head, *(
        cfg.model.auxiliary_head if isinstance(cfg.model.auxiliary_head,
                                               list)
        else [cfg.model.auxiliary_head])]
    for head in heads:
        if head.get('sampler'):
            head.sampler.min_kept = 500
        if head.get('cac'):
            head.loss_decode[1].threshold = 4
    return cfg


@pytest.mark.parametrize('config', PLAIN + CAC)
def test_tiny_config_trains_and_predicts(config, data_root):
    cfg = tiny_cfg(config, data_root)
    dataset = build_dataset(cfg.data.train)
    batch = seg_collate([dataset[0], dataset[1]])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        model = build_segmentor(cfg.model)
    model.init_weights()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    family = config.split('/')[0].replace('cac_', '')
    for _ in range(STEPS):
        losses = model.forward_train(batch['img'], batch['img_metas'],
                                     batch['gt_semantic_seg'])
        aux = [k for k in losses if k.startswith('aux')
               and k.endswith('loss_ce')]
        assert len(aux) == AUX_LOSSES[family], sorted(losses)
        if config in CAC:
            assert losses['decode.loss_cac'] > 0
            assert 'decode.loss_ce_weight' in losses
        total = sum(v for k, v in losses.items() if 'loss' in k)
        assert torch.isfinite(total)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
    if config in CAC:
        assert model.decode_head.proj[1].module.conv.weight.grad.abs().sum() \
            > 0
    model.eval()
    img, img_metas = batch['img'][:1], batch['img_metas'][:1]
    with torch.no_grad():
        (pred, ) = model.simple_test(img, img_metas, rescale=True)
    assert pred.shape == tuple(img_metas[0]['ori_shape'][:2])
    assert pred.max() < 19


@pytest.mark.parametrize('config', [CAC[2]])
def test_tools_train_runs_two_iterations(config, data_root, tmp_path):
    opts = {f'data.{s}.data_root': data_root for s in ('train', 'val',
                                                      'test')}
    opts.update({
        'runner.max_iters': 2, 'checkpoint_config.interval': 2,
        'data.samples_per_gpu': 2, 'data.workers_per_gpu': 0,
        'log_config.interval': 1,
        'data.train.pipeline.3.crop_size': f'({CROP},{CROP})',
        'data.train.pipeline.7.size': f'({CROP},{CROP})'})
    if 'stdc' in config:
        opts.update({'model.decode_head.sampler.min_kept': 500,
                     'custom_hooks.0.start_iter': -1,
                     '+model.decode_head.loss_decode.1.threshold': 4})
    run_tool(['python', 'tools/train.py', 'configs/' + config, '--work-dir',
              str(tmp_path), '--seed', '0', '--no-validate', '--cfg-options',
              *[f'{k}={v}' for k, v in opts.items()]])
    (log, ) = glob.glob(str(tmp_path / '*.log.json'))
    with open(log) as f:
        train = [r for r in map(json.loads, f) if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == [1, 2]
    assert all(math.isfinite(r['loss']) for r in train)
    if 'cac_' in config:
        assert all(r['decode.loss_cac'] > 0 for r in train)
    assert (tmp_path / 'iter_2.pth').is_file()

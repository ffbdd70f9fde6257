"""The tiny configs of the ViT families (vit, setr, dpt, segmenter) and their
CAC variants train: a few AdamW steps in-process on one batch their own
train pipeline makes from synthetic ADE20K data, then a prediction; and
tools/train.py runs a CAC one end to end."""
import glob
import json
import os
import warnings

import pytest
import torch
from mmengine.config import Config

from mmseg.datasets import build_dataset
from mmseg.datasets.collate import seg_collate
from mmseg.datasets.synthetic import generate_ade20k
from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT
from tests.runs import run_tool

pytestmark = pytest.mark.xdist_group('zoo_vit1')

STEPS = 2
TINY = {
    'vit': 'upernet_vittiny_2x4_128x128_500_synthetic_ade20k.py',
    'setr': 'setr_pup_vittiny_2x4_128x128_500_synthetic_ade20k.py',
    'dpt': 'dpt_vittiny_2x4_128x128_500_synthetic_ade20k.py',
    'segmenter':
    'segmenter_vittiny_mask_2x4_128x128_500_synthetic_ade20k.py',
}
CONFIGS = [f'{family}/{name}' for family, name in TINY.items()] + [
    f'cac_{family}/{name[:-3]}_1.8_0.1_1.5.py'
    for family, name in TINY.items()
]
# 64x64 crops: 8x8 token grids, where classes of a few pixels make anchors
SMALL = {'data.train.pipeline.3.crop_size': (64, 64),
         'data.train.pipeline.7.size': (64, 64)}


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """On a loaded machine two intra-op threads of these tiny models spin
    against each other (tens of times slower); tools run with one too."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('synthetic_ade20k')
    generate_ade20k(str(root), num_train=2, num_val=1, size=(96, 128),
                    seed=3)
    return str(root)


def load(config: str) -> Config:
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    cfg.merge_from_dict(SMALL)
    if cfg.model.decode_head.get('cac'):
        cfg.model.decode_head.loss_decode[1].threshold = 4
    return cfg


@pytest.mark.parametrize('config', CONFIGS)
def test_tiny_config_trains_and_predicts(config, data_root):
    cfg = load(config)
    cfg.data.train.data_root = data_root
    dataset = build_dataset(cfg.data.train)
    batch = seg_collate([dataset[0], dataset[1]])
    assert batch['img'].shape[-2:] == (64, 64)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        model = build_segmentor(cfg.model)
    model.init_weights()
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    totals = []
    for _ in range(STEPS):
        losses = model.forward_train(batch['img'], batch['img_metas'],
                                     batch['gt_semantic_seg'])
        total = sum(v for k, v in losses.items() if 'loss' in k)
        assert torch.isfinite(total)
        optimizer.zero_grad()
        total.backward()
        if cfg.model.decode_head.get('cac'):
            assert losses['decode.loss_cac'] > 0
            proj = model.decode_head.proj[0].conv.weight.grad
            assert proj is not None and proj.abs().sum() > 0
        optimizer.step()
        totals.append(losses['decode.loss_ce'].item())
    assert totals[-1] < totals[0], totals  # the same batch every step

    model.eval()
    img, metas = batch['img'][:1], batch['img_metas'][:1]
    with torch.no_grad():
        (pred, ) = model.simple_test(img, metas, rescale=True)
    assert pred.shape == tuple(metas[0]['ori_shape'][:2])
    assert pred.max() < 150


def test_cac_segmenter_runs_in_tools_train(data_root, tmp_path):
    config = 'configs/' + CONFIGS[-1]
    options = {f'data.{s}.data_root': data_root for s in ('train', 'val')}
    options.update({
        'runner.max_iters': 2, 'checkpoint_config.interval': 2,
        'data.samples_per_gpu': 2, 'data.workers_per_gpu': 0,
        'log_config.interval': 1, 'custom_hooks.0.start_iter': -1,
        'model.decode_head.loss_decode.1.threshold': 4,
        **{k: f'({v[0]},{v[1]})' for k, v in SMALL.items()}})
    run_tool(['python', 'tools/train.py', config, '--work-dir',
              str(tmp_path), '--seed', '0', '--no-validate', '--cfg-options',
              *[f'{k}={v}' for k, v in options.items()]])
    (log, ) = glob.glob(os.path.join(tmp_path, '*.log.json'))
    with open(log) as f:
        train = [r for r in map(json.loads, f) if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == [1, 2]
    assert all(r['decode.loss_cac'] > 0 for r in train)
    assert os.path.isfile(tmp_path / 'latest.pth')

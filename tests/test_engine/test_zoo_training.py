"""The tiny configs of the 0.28 model-zoo families train in-process: a few
SGD steps on one batch that their own train pipeline makes from synthetic
data, then a prediction."""
import warnings

import pytest
import torch
from mmengine.config import Config

from mmseg.datasets import build_dataset
from mmseg.datasets.collate import seg_collate
from mmseg.datasets.synthetic import generate_ade20k, generate_cityscapes
from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.xdist_group('zoo_training')

STEPS = 4
TINY_CONFIGS = [
    'deeplabv3/deeplabv3_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'deeplabv3plus/deeplabv3plus_r18tiny_2x4_192x192_500_synthetic_'
    'cityscapes.py',
    'pspnet/pspnet_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'upernet/upernet_r18tiny_2x4_192x192_500_synthetic_cityscapes.py',
    'swin/upernet_swintiny_2x4_128x128_500_synthetic_ade20k.py',
]


@pytest.fixture(scope='module')
def data_roots(tmp_path_factory) -> dict:
    roots = {}
    for dataset, generate in (('CityscapesDataset', generate_cityscapes),
                              ('ADE20KDataset', generate_ade20k)):
        root = tmp_path_factory.mktemp(dataset)
        generate(str(root), num_train=2, num_val=1, size=(96, 128), seed=3)
        roots[dataset] = str(root)
    return roots


def train_batch(cfg: Config, root: str) -> dict:
    """Two training samples of the config's pipeline, collated."""
    cfg.data.train.data_root = root
    dataset = build_dataset(cfg.data.train)
    return seg_collate([dataset[0], dataset[1]])


@pytest.mark.parametrize('config', TINY_CONFIGS)
def test_tiny_config_trains_and_predicts(config, data_roots):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    batch = train_batch(cfg, data_roots[cfg.data.train.type])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        model = build_segmentor(cfg.model)
    model.init_weights()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    totals = []
    for _ in range(STEPS):
        losses = model.forward_train(batch['img'], batch['img_metas'],
                                     batch['gt_semantic_seg'])
        assert {'decode.loss_ce', 'aux.loss_ce'} <= set(losses)
        total = sum(v for k, v in losses.items() if 'loss' in k)
        assert torch.isfinite(total)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        totals.append(total.item())
    # the same batch every step: its loss goes down
    assert totals[-1] < totals[0], totals

    model.eval()
    img, metas = batch['img'][:1], batch['img_metas'][:1]
    with torch.no_grad():
        (pred, ) = model.simple_test(img, metas, rescale=True)
    assert pred.shape == tuple(metas[0]['ori_shape'][:2])
    assert pred.max() < model.num_classes

"""Every config under configs/ builds its model and its three datasets.

Models are only built (nothing is downloaded or run); datasets point at
synthetic data in the on-disk layout of the config's dataset, and one
sample of each split goes through the config's pipeline. The parameter
counts of the full-size models are checked in tests/test_models.
"""
import os.path as osp
import warnings
from functools import partial
from typing import Callable, NamedTuple

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from mmseg.datasets import build_dataset
from mmseg.datasets.synthetic import (
    generate_ade20k,
    generate_cityscapes,
    generate_coco_stuff,
    generate_pascal_context,
)
from mmseg.models import build_segmentor
from mmseg.models.losses import CACLoss
from mmseg.registry import DATASETS
from tests.conftest import REPO_ROOT

CONFIG_DIR = REPO_ROOT / 'configs'
CONFIGS = sorted(
    path.relative_to(CONFIG_DIR).as_posix()
    for path in CONFIG_DIR.rglob('*.py')
    if '_base_' not in path.relative_to(CONFIG_DIR).parts)
NUM_IMAGES = 4
IMAGE_SIZE = (64, 128)


class Layout(NamedTuple):
    """How a benchmark stores its data on disk."""
    generate: Callable[..., dict]
    reduce_zero_label: bool  # 0 is void and class i is stored as i + 1


LAYOUTS = {
    'cityscapes': Layout(partial(generate_cityscapes, num_test=NUM_IMAGES),
                         False),
    'ade20k': Layout(generate_ade20k, True),
    'pascal_context': Layout(generate_pascal_context, True),
    'coco_stuff10k': Layout(partial(generate_coco_stuff, layout='10k'), True),
    'coco_stuff164k': Layout(partial(generate_coco_stuff, layout='164k'),
                             False),
}
DATASET_LAYOUTS = {
    'CityscapesDataset': 'cityscapes',
    'ADE20KDataset': 'ade20k',
    'PascalContextDataset59': 'pascal_context',
}


def layout_of(data_cfg) -> str:
    """Layout a dataset config reads: by type, and for COCO-Stuff by the
    release its folders name (2014: 10k, 2017: 164k)."""
    if data_cfg.type == 'COCOStuffDataset':
        return 'coco_stuff10k' if '2014' in data_cfg.img_dir else \
            'coco_stuff164k'
    return DATASET_LAYOUTS[data_cfg.type]


@pytest.fixture(scope='session')
def layout_root(tmp_path_factory) -> Callable[[str], str]:
    """Data root of a layout, written (4 images per split) on first use."""
    roots = {}

    def root(layout: str) -> str:
        if layout not in roots:
            roots[layout] = str(tmp_path_factory.mktemp(layout))
            LAYOUTS[layout].generate(roots[layout], num_train=NUM_IMAGES,
                                     num_val=NUM_IMAGES, size=IMAGE_SIZE)
        return roots[layout]

    return root


def load_config(config: str) -> Config:
    """The config with every pretrained-weight source removed."""
    cfg = Config.fromfile(CONFIG_DIR / config)
    cfg.model.pretrained = None
    cfg.model.backbone.pop('init_cfg', None)
    cfg.model.backbone.pop('pretrained', None)
    return cfg


def pipeline_step(pipeline: list, name: str) -> dict:
    (step, ) = [t for t in pipeline if t['type'] == name]
    return step


def stored_as_train_ids(stored: np.ndarray, reduce_zero_label: bool) -> set:
    """The label values that stored values become when loaded."""
    stored = np.unique(stored).astype(np.int64)
    if reduce_zero_label:
        stored = np.where((stored == 0) | (stored == 255), 255, stored - 1)
    return set(stored.tolist())


def num_views(aug: dict) -> int:
    """Views made by a ``MultiScaleFlipAug`` config."""
    scales = aug.get('img_ratios') or aug['img_scale']
    count = len(scales) if isinstance(scales, list) else 1
    return count * (2 if aug.get('flip') else 1)


@pytest.mark.parametrize('config', CONFIGS)
def test_model_builds_for_its_dataset(config):
    cfg = load_config(config)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        model = build_segmentor(cfg.model)
    heads = model.decode_head
    heads = list(heads) if isinstance(heads, torch.nn.ModuleList) else [heads]
    classes = DATASETS.get(cfg.data.train.type).CLASSES
    assert [head.num_classes for head in heads] == [len(classes)] * len(heads)
    has_cac = any(isinstance(m, CACLoss) for m in model.modules())
    assert has_cac == config.startswith('cac_')


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
@pytest.mark.parametrize('config', CONFIGS)
def test_dataset_builds_and_its_pipeline_runs(config, split, layout_root):
    cfg = load_config(config)
    data_cfg = cfg.data[split]
    layout = layout_of(data_cfg)
    data_cfg.data_root = layout_root(layout)
    dataset = build_dataset(data_cfg, dict(test_mode=split != 'train'))
    assert len(dataset) == NUM_IMAGES
    # evaluation reads the labels as the layout stores them
    assert dataset.reduce_zero_label == LAYOUTS[layout].reduce_zero_label
    num_classes = len(dataset.CLASSES)
    sample = dataset[0]

    if split == 'train':
        assert set(sample) == {'img', 'gt_semantic_seg', 'img_metas',
                               'sample_idx'}
        crop = tuple(pipeline_step(data_cfg.pipeline,
                                   'RandomCrop')['crop_size'])
        img, label = sample['img'], sample['gt_semantic_seg']
        assert img.dtype == torch.float32 and img.shape == (3, *crop)
        assert label.dtype == torch.int64 and label.shape == (1, *crop)
        assert sample['img_metas']['ori_shape'][:2] == IMAGE_SIZE
        values = set(label.unique().tolist())
        assert values <= set(range(num_classes)) | {255}
        stored = np.asarray(Image.open(
            osp.join(dataset.ann_dir, dataset.get_ann_info(0)['seg_map'])))
        assert values <= stored_as_train_ids(
            stored, LAYOUTS[layout].reduce_zero_label) | {255}
    else:
        assert set(sample) == {'img', 'img_metas', 'sample_idx'}
        views, metas = sample['img'], sample['img_metas']
        aug = pipeline_step(data_cfg.pipeline, 'MultiScaleFlipAug')
        assert isinstance(views, list) and isinstance(metas, list)
        assert len(views) == len(metas) == num_views(aug)
        for view, meta in zip(views, metas):
            assert view.dtype == torch.float32
            assert view.shape == (3, *meta['img_shape'][:2])
            assert meta['ori_shape'][:2] == IMAGE_SIZE
        assert dataset.get_gt_seg_map_by_idx(0).shape == IMAGE_SIZE

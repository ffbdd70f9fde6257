"""Every distinct data section of the configs under configs/ builds its
three datasets: they point at synthetic data in the on-disk layout of the
config's dataset, and one sample of each split goes through the config's
pipeline. The models are built in tests/test_configs_028_counts.py.
"""
import json
import os.path as osp
from functools import partial
from typing import Callable, NamedTuple, Optional

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from mmseg.datasets import build_dataset
from mmseg.datasets.synthetic import (
    generate_ade20k,
    generate_chase_db1,
    generate_cityscapes,
    generate_coco_stuff,
    generate_dark_zurich,
    generate_drive,
    generate_hrf,
    generate_night_driving,
    generate_pascal_context,
    generate_stare,
)
from tests.conftest import REPO_ROOT

CONFIG_DIR = REPO_ROOT / 'configs'
CONFIGS = sorted(
    path.relative_to(CONFIG_DIR).as_posix()
    for path in CONFIG_DIR.rglob('*.py')
    if '_base_' not in path.relative_to(CONFIG_DIR).parts)


def data_configs() -> list:
    """One config per distinct ``data`` section whose dataset has a
    synthetic layout: many configs share theirs, and one run covers them."""
    seen = {}
    for config in CONFIGS:
        data = Config.fromfile(CONFIG_DIR / config).data
        if all(layout_of(data[split]) for split in ('train', 'val', 'test')):
            seen.setdefault(json.dumps(data.to_dict(), sort_keys=True,
                                       default=str), config)
    return sorted(seen.values())
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
    'drive': Layout(generate_drive, False),
    'stare': Layout(generate_stare, False),
    'chase_db1': Layout(generate_chase_db1, False),
    'hrf': Layout(generate_hrf, False),
    # night test sets: a validation split only
    'dark_zurich': Layout(lambda root, num_train, **kw: generate_dark_zurich(
        root, **kw), False),
    'night_driving': Layout(lambda root, num_train, **kw:
                            generate_night_driving(root, **kw), False),
}
DATASET_LAYOUTS = {
    'CityscapesDataset': 'cityscapes',
    'ADE20KDataset': 'ade20k',
    'PascalContextDataset59': 'pascal_context',
    'DRIVEDataset': 'drive',
    'STAREDataset': 'stare',
    'ChaseDB1Dataset': 'chase_db1',
    'HRFDataset': 'hrf',
    'DarkZurichDataset': 'dark_zurich',
    'NightDrivingDataset': 'night_driving',
}


def layout_of(data_cfg) -> Optional[str]:
    """Layout a dataset config reads: by type, and for COCO-Stuff by the
    release its folders name (2014: 10k, 2017: 164k); None for datasets
    without a synthetic layout."""
    data_cfg = data_cfg.get('dataset', data_cfg)  # RepeatDataset
    if data_cfg.type == 'COCOStuffDataset':
        return 'coco_stuff10k' if '2014' in data_cfg.img_dir else \
            'coco_stuff164k'
    return DATASET_LAYOUTS.get(data_cfg.type)


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


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
@pytest.mark.parametrize('config', data_configs())
def test_dataset_builds_and_its_pipeline_runs(config, split, layout_root):
    cfg = load_config(config)
    wrapper = cfg.data[split]
    data_cfg = wrapper.get('dataset', wrapper)  # RepeatDataset
    layout = layout_of(data_cfg)
    data_cfg.data_root = layout_root(layout)
    repeated = build_dataset(wrapper, dict(test_mode=split != 'train'))
    assert len(repeated) == NUM_IMAGES * wrapper.get('times', 1)
    dataset = getattr(repeated, 'dataset', repeated)
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

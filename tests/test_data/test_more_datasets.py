"""The retinal vessel and night datasets: 0.28's classes and file
suffixes, and the 0.28 pspnet dark / night configs on synthetic data."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmseg.datasets import (
    ChaseDB1Dataset,
    CityscapesDataset,
    DarkZurichDataset,
    DRIVEDataset,
    HRFDataset,
    NightDrivingDataset,
    STAREDataset,
    build_dataset,
)
from mmseg.datasets.synthetic import (
    generate_dark_zurich,
    generate_drive,
    generate_night_driving,
)
from mmseg.registry import DATASETS

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (64, 128)
LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
NIGHT_CONFIGS = sorted(
    p.name for p in (REPO_ROOT / 'configs' / 'pspnet').glob('*.py')
    if p.stem.endswith(('_dark', '_night_driving')))


@pytest.mark.parametrize('cls, seg_map_suffix', [
    (DRIVEDataset, '_manual1.png'), (STAREDataset, '.ah.png'),
    (ChaseDB1Dataset, '_1stHO.png'), (HRFDataset, '.png')])
def test_retinal_datasets(cls, seg_map_suffix, tmp_path):
    assert DATASETS.get(cls.__name__) is cls
    assert cls.CLASSES == ('background', 'vessel')
    assert cls.PALETTE == [[120, 120, 120], [6, 230, 230]]
    # DRIVE's files, renamed to the dataset's label suffix
    generate_drive(str(tmp_path), 2, 0, size=(32, 32))
    ann = tmp_path / 'annotations' / 'training'
    for path in sorted(ann.iterdir()):
        path.rename(ann / (path.name.replace('_manual1.png', '') +
                           seg_map_suffix))
    dataset = cls(pipeline=LOAD, data_root=str(tmp_path),
                  img_dir='images/training', ann_dir='annotations/training')
    assert (dataset.img_suffix, dataset.seg_map_suffix) == ('.png',
                                                            seg_map_suffix)
    assert not dataset.reduce_zero_label
    assert len(dataset) == 2
    assert set(np.unique(dataset[0]['gt_semantic_seg'])) == {0, 1}
    with pytest.raises(TypeError):
        cls(pipeline=LOAD, img_dir=str(tmp_path), reduce_zero_label=True)


def test_retinal_dataset_missing_folder_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match='img_dir .* does not exist'):
        DRIVEDataset(pipeline=LOAD, img_dir=str(tmp_path / 'images'))


@pytest.mark.parametrize('cls, generate, img_dir, ann_dir', [
    (DarkZurichDataset, generate_dark_zurich, 'rgb_anon/val/night/GOPR0356',
     'gt/val/night/GOPR0356'),
    (NightDrivingDataset, generate_night_driving, 'leftImg8bit/test/night',
     'gtCoarse_daytime_trainvaltest/test/night')])
def test_night_datasets(cls, generate, img_dir, ann_dir, tmp_path):
    assert DATASETS.get(cls.__name__) is cls
    assert issubclass(cls, CityscapesDataset)
    assert cls.CLASSES == CityscapesDataset.CLASSES
    generate(str(tmp_path), 3, size=SIZE)
    dataset = cls(pipeline=LOAD, data_root=str(tmp_path), img_dir=img_dir,
                  ann_dir=ann_dir)
    assert len(dataset) == 3
    labels = dataset[0]['gt_semantic_seg']
    assert labels.shape == SIZE
    assert set(np.unique(labels)) <= set(range(19)) | {255}
    assert len(set(np.unique(labels)) - {255}) > 3


@pytest.fixture(scope='module')
def night_roots(tmp_path_factory) -> dict:
    roots = {}
    for name, generate in (('DarkZurichDataset', generate_dark_zurich),
                           ('NightDrivingDataset', generate_night_driving)):
        roots[name] = str(tmp_path_factory.mktemp(name))
        generate(roots[name], 2, size=SIZE)
    return roots


@pytest.mark.parametrize('config', NIGHT_CONFIGS)
def test_night_configs_test_split(config, night_roots):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / 'pspnet' / config)
    assert cfg.data.train.type == 'CityscapesDataset'
    test = cfg.data.test
    test.data_root = night_roots[test.type]
    dataset = build_dataset(test, dict(test_mode=True))
    assert len(dataset) == 2
    sample = dataset[0]
    (view, ) = sample['img']
    # 1920x1080 keeping the ratio: 64x128 becomes 960x1920
    assert view.dtype == torch.float32 and view.shape == (3, 960, 1920)
    assert dataset.get_gt_seg_map_by_idx(0).shape == SIZE
    assert cfg.model.decode_head.num_classes == 19

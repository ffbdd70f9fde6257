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
    generate_chase_db1,
    generate_dark_zurich,
    generate_drive,
    generate_hrf,
    generate_night_driving,
    generate_stare,
)
from mmseg.registry import DATASETS

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (64, 128)
LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
NIGHT_CONFIGS = sorted(
    p.name for p in (REPO_ROOT / 'configs' / 'pspnet').glob('*.py')
    if p.stem.endswith(('_dark', '_night_driving')))


RETINAL = {
    'drive': (DRIVEDataset, generate_drive, '_manual1.png'),
    'stare': (STAREDataset, generate_stare, '.ah.png'),
    'chase_db1': (ChaseDB1Dataset, generate_chase_db1, '_1stHO.png'),
    'hrf': (HRFDataset, generate_hrf, '.png'),
}


@pytest.mark.parametrize('name', sorted(RETINAL))
def test_retinal_datasets(name, tmp_path):
    cls, generate, seg_map_suffix = RETINAL[name]
    assert DATASETS.get(cls.__name__) is cls
    assert cls.CLASSES == ('background', 'vessel')
    assert cls.PALETTE == [[120, 120, 120], [6, 230, 230]]
    written = generate(str(tmp_path), 3, 2, size=(32, 32))
    dataset = cls(pipeline=LOAD, data_root=str(tmp_path),
                  img_dir='images/training', ann_dir='annotations/training')
    assert (dataset.img_suffix, dataset.seg_map_suffix) == ('.png',
                                                            seg_map_suffix)
    assert not dataset.reduce_zero_label
    assert len(dataset) == 3
    assert [f'images/training/{info["filename"]}'
            for info in dataset.img_infos] == sorted(written['train'])
    assert set(np.unique(dataset[0]['gt_semantic_seg'])) == {0, 1}
    with pytest.raises(TypeError):
        cls(pipeline=LOAD, img_dir=str(tmp_path), reduce_zero_label=True)


@pytest.mark.parametrize('name', sorted(RETINAL))
def test_retinal_base_configs_on_synthetic_data(name, tmp_path):
    cls, generate, _ = RETINAL[name]
    generate(str(tmp_path), 2, 2, size=(48, 48))
    cfg = Config.fromfile(REPO_ROOT / 'configs' / '_base_' / 'datasets' /
                          f'{name}.py')
    train = cfg.data.train
    assert (train.type, train.times) == ('RepeatDataset', 40000)
    train.dataset.data_root = str(tmp_path)
    dataset = build_dataset(train)
    assert type(dataset.dataset) is cls and len(dataset) == 80000
    crop = train.dataset.pipeline[3]['crop_size']
    assert dataset[0]['img'].shape == (3, *crop)
    for split in ('val', 'test'):
        cfg.data[split].data_root = str(tmp_path)
        evaluation = build_dataset(cfg.data[split], dict(test_mode=True))
        assert len(evaluation) == 2
        assert evaluation.get_gt_seg_map_by_idx(1).shape == (48, 48)


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

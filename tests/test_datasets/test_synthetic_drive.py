"""The synthetic retinal vessel layout (DRIVE) and its dataset config."""
import os
import shlex
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmseg.datasets import DRIVEDataset, build_dataset
from mmseg.datasets.synthetic import fundus_scene, generate_drive, vessel_tree
from mmseg.datasets.synthetic.vessels import draw_vessels, field_of_view
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (64, 60)


@pytest.fixture(scope='module')
def drive_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('synthetic_drive')
    generate_drive(str(root), num_train=3, num_val=2, size=SIZE)
    return root


def test_layout_is_the_drive_converters(drive_root):
    for folder, names in (('training', ['21', '22', '23']),
                          ('validation', ['01', '02'])):
        assert sorted(os.listdir(drive_root / 'images' / folder)) == [
            n + '.png' for n in names]
        assert sorted(os.listdir(drive_root / 'annotations' / folder)) == [
            n + '_manual1.png' for n in names]
        for name in names:
            image = Image.open(drive_root / 'images' / folder / f'{name}.png')
            label = Image.open(drive_root / 'annotations' / folder /
                               f'{name}_manual1.png')
            assert (image.mode, label.mode) == ('RGB', 'L')
            assert image.size == label.size == SIZE[::-1]
            values = np.asarray(label)
            assert set(np.unique(values)) == {0, 1}
            # thin structures: a few to a fifth of the pixels are vessels
            assert 0.02 < values.mean() < 0.25


def test_vessels_lie_in_the_field_of_view_and_are_darker(drive_root):
    fov = field_of_view(SIZE)
    image = np.asarray(Image.open(drive_root / 'images' / 'training' /
                                  '21.png')).astype(float)
    label = np.asarray(Image.open(drive_root / 'annotations' / 'training' /
                                  '21_manual1.png'))
    assert not label[~fov].any()
    assert (image[~fov] == 0).all()
    inside = fov & (label == 0)
    assert image[label == 1, 1].mean() < image[inside, 1].mean() - 10


def test_vessels_branch_with_widths_1_to_3():
    size = (146, 141)
    rng = np.random.default_rng(3)
    vessels = vessel_tree(rng, size, (70.0, 73.0))
    widths = {v.width for v in vessels}
    assert widths == {1, 2, 3}
    assert len(vessels) > 6  # main vessels and their branches
    # a 1 px vessel on its own is one pixel wide: no 2x2 block of it
    thin = draw_vessels([v for v in vessels if v.width == 1][:1], size)
    blocks = thin[:-1, :-1] & thin[1:, :-1] & thin[:-1, 1:] & thin[1:, 1:]
    assert thin.any() and not blocks.any()
    label, image = fundus_scene(np.random.default_rng(3), size)
    assert label.shape == size and image.shape == (*size, 3)


def test_generator_is_deterministic(tmp_path, drive_root):
    generate_drive(str(tmp_path / 'a'), num_train=3, num_val=2, size=SIZE)
    generate_drive(str(tmp_path / 'b'), num_train=1, num_val=0, size=SIZE,
                   seed=1)
    path = 'images/training/21.png'
    same = cv2.imread(str(tmp_path / 'a' / path))
    np.testing.assert_array_equal(same, cv2.imread(str(drive_root / path)))
    other = cv2.imread(str(tmp_path / 'b' / path))
    assert not np.array_equal(same, other)
    assert not (tmp_path / 'b' / 'images' / 'validation').exists()


def test_generate_command_and_dataset_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tool = load_tool('generate_synthetic_data.py')
    text = (REPO_ROOT / 'docs' / 'datasets.md').read_text()
    (line, ) = [ln for ln in text.splitlines() if ln.startswith(
        'python tools/generate_synthetic_data.py drive')]
    # the documented command, with smaller images
    tool.main(shlex.split(line)[2:] + ['--size', '32', '32'])
    root = tmp_path / 'data' / 'synthetic_drive'
    assert len(os.listdir(root / 'images' / 'training')) == 20
    assert len(os.listdir(root / 'annotations' / 'validation')) == 20

    cfg = Config.fromfile(REPO_ROOT / 'configs' / '_base_' / 'datasets' /
                          'synthetic_drive.py')
    assert cfg.data.train.dataset.data_root == 'data/synthetic_drive/'
    train = build_dataset(cfg.data.train)
    assert isinstance(train.dataset, DRIVEDataset)
    assert len(train.dataset) == 20
    sample = train[0]
    assert sample['img'].shape == (3, 64, 64)
    assert set(sample['gt_semantic_seg'].unique().tolist()) <= {0, 1, 255}
    val = build_dataset(cfg.data.val, dict(test_mode=True))
    assert len(val) == 20
    assert val.get_gt_seg_map_by_idx(0).shape == (32, 32)

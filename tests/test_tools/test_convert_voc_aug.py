"""tools/convert_datasets/voc_aug.py on a tiny SBD folder (.mat labels)."""
import os
import shlex
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import PascalVOCDataset
from tests.runs import load_tool

scipy_io = pytest.importorskip('scipy.io')

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (6, 7)  # height, width
VOC_TRAIN = ['2007_000032', '2007_000039']
VOC_VAL = ['2007_000033']
SBD_TRAIN = ['2007_000032', '2008_000002', '2008_000003']
SBD_VAL = ['2007_000033', '2008_000007']
LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def docs_command(script: str) -> list:
    """Arguments of the docs/datasets.md command that runs ``script``."""
    text = (REPO_ROOT / 'docs' / 'datasets.md').read_text()
    text = text.replace('\\\n', ' ')
    (line, ) = [ln for ln in text.splitlines()
                if ln.startswith(f'python tools/convert_datasets/{script} ')]
    return shlex.split(line)[2:]


def write_lines(path: Path, names) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(''.join(n + '\n' for n in names))


@pytest.fixture
def voc_folders(tmp_path):
    rng = np.random.default_rng(0)
    devkit = tmp_path / 'data' / 'VOCdevkit'
    voc, sbd = devkit / 'VOC2012', devkit / 'VOCaug' / 'dataset'
    write_lines(voc / 'ImageSets' / 'Segmentation' / 'train.txt', VOC_TRAIN)
    write_lines(voc / 'ImageSets' / 'Segmentation' / 'val.txt', VOC_VAL)
    write_lines(sbd / 'train.txt', SBD_TRAIN)
    write_lines(sbd / 'val.txt', SBD_VAL)
    (voc / 'JPEGImages').mkdir()
    (sbd / 'cls').mkdir()
    labels = {}
    for name in sorted(set(SBD_TRAIN + SBD_VAL)):
        Image.new('RGB', SIZE[::-1], (9, 99, 199)).save(
            voc / 'JPEGImages' / f'{name}.jpg')
        seg = rng.integers(0, 21, SIZE).astype(np.uint8)
        seg[0, 0] = 255  # SBD has no border class; a value stays as is
        labels[name] = seg
        # SBD's GTcls struct: Segmentation, Boundaries, CategoriesPresent
        scipy_io.savemat(sbd / 'cls' / f'{name}.mat', {'GTcls': {
            'Segmentation': seg, 'Boundaries': np.zeros((20, 1), object),
            'CategoriesPresent': np.unique(seg[seg < 21])[1:]}})
    return tmp_path, labels


def test_docs_command_converts_and_labels_round_trip(voc_folders,
                                                     monkeypatch):
    root, labels = voc_folders
    monkeypatch.chdir(root)
    with pytest.warns(UserWarning, match='trainaug.txt lists 5 images, not '
                      'the 10582'):
        load_tool('convert_datasets/voc_aug.py').main(
            docs_command('voc_aug.py'))
    voc = root / 'data' / 'VOCdevkit' / 'VOC2012'
    sets = voc / 'ImageSets' / 'Segmentation'
    assert (sets / 'trainaug.txt').read_text().split() == [
        '2007_000032', '2007_000039', '2008_000002', '2008_000003',
        '2008_000007']
    assert (sets / 'aug.txt').read_text().split() == [
        '2008_000002', '2008_000003', '2008_000007']
    assert sorted(os.listdir(voc / 'SegmentationClassAug')) == sorted(
        n + '.png' for n in labels)
    dataset = PascalVOCDataset(pipeline=LOAD, data_root=str(voc),
                               img_dir='JPEGImages',
                               ann_dir='SegmentationClassAug',
                               split='ImageSets/Segmentation/aug.txt')
    assert len(dataset) == 3
    for index, name in enumerate(['2008_000002', '2008_000003',
                                  '2008_000007']):
        np.testing.assert_array_equal(dataset[index]['gt_semantic_seg'],
                                      labels[name])


def test_missing_split_list_is_one_line_error(voc_folders):
    root, _ = voc_folders
    devkit = root / 'data' / 'VOCdevkit'
    os.remove(devkit / 'VOC2012' / 'ImageSets' / 'Segmentation' / 'val.txt')
    tool = load_tool('convert_datasets/voc_aug.py')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(devkit), str(devkit / 'VOCaug')])
    path = devkit / 'VOC2012' / 'ImageSets' / 'Segmentation' / 'val.txt'
    assert str(exc.value) == (f'error: {path} not found: pass the VOCdevkit '
                              'folder')

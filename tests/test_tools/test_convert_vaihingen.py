"""tools/convert_datasets/vaihingen.py on tiny archives in Vaihingen's
format."""
import io
import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import ISPRSDataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGES = 'ISPRS_semantic_labeling_Vaihingen.zip'
LABELS = 'ISPRS_semantic_labeling_Vaihingen_ground_truth_eroded_COMPLETE.zip'
SIZE = (512, 530)  # height, width: 1 x 2 patches of the default 512
AREAS = {'area1': 'train', 'area11': 'train', 'area2': 'val'}
# RGB colour -> stored label (black boundary and unknown colours: 0)
COLORS = {(255, 255, 255): 1, (0, 0, 255): 2, (0, 255, 255): 3,
          (0, 255, 0): 4, (255, 255, 0): 5, (255, 0, 0): 6, (0, 0, 0): 0,
          (10, 20, 30): 0}
LOAD = [dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', reduce_zero_label=True)]


def docs_command(script: str) -> list:
    """Arguments of the docs/datasets.md command that runs ``script``."""
    text = (REPO_ROOT / 'docs' / 'datasets.md').read_text()
    text = text.replace('\\\n', ' ')
    (line, ) = [ln for ln in text.splitlines()
                if ln.startswith(f'python tools/convert_datasets/{script} ')]
    return shlex.split(line)[2:]


def tif(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format='TIFF')
    return buffer.getvalue()


def blocks(rng, values: np.ndarray) -> np.ndarray:
    """A map of 32x32 blocks, each one of ``values`` (rows)."""
    coarse = rng.integers(0, len(values), (SIZE[0] // 32 + 1,
                                           SIZE[1] // 32 + 1))
    full = np.kron(coarse, np.ones((32, 32), int))[:SIZE[0], :SIZE[1]]
    return values[full]


@pytest.fixture
def vaihingen_archives(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / 'downloads' / 'vaihingen'
    folder.mkdir(parents=True)
    colors = np.array(list(COLORS), np.uint8)
    data = {}
    with zipfile.ZipFile(folder / IMAGES, 'w') as images, \
            zipfile.ZipFile(folder / LABELS, 'w') as labels:
        images.writestr('top/', '')
        images.writestr('gts_for_participants/top_mosaic_09cm_area1.tif',
                        tif(np.zeros((4, 4, 3), np.uint8)))
        for area in AREAS:
            image = blocks(rng, rng.integers(0, 256, (9, 3), dtype=np.uint8))
            label = blocks(rng, colors)
            data[area] = image, label
            images.writestr(f'top/top_mosaic_09cm_{area}.tif', tif(image))
            labels.writestr(f'top_mosaic_09cm_{area}_noBoundary.tif',
                            tif(label))
        # the ground truth archive has an area9 label without image
        labels.writestr('top_mosaic_09cm_area9_noBoundary.tif',
                        tif(blocks(rng, colors)))
    return tmp_path, data


def stored_labels(label: np.ndarray) -> np.ndarray:
    out = np.zeros(label.shape[:2], np.uint8)
    for color, value in COLORS.items():
        out[(label == color).all(-1)] = value
    return out


def test_docs_command_converts_and_labels_round_trip(vaihingen_archives,
                                                     monkeypatch):
    root, data = vaihingen_archives
    monkeypatch.chdir(root)
    load_tool('convert_datasets/vaihingen.py').main(
        docs_command('vaihingen.py'))
    out = root / 'data' / 'vaihingen'
    boxes = [(0, 0, 512, 512), (18, 0, 530, 512)]
    for split in ('train', 'val'):
        areas = sorted(a for a, s in AREAS.items() if s == split)
        names = sorted(f'{a}_{x0}_{y0}_{x1}_{y1}.png' for a in areas
                       for x0, y0, x1, y1 in boxes)
        for folder in ('img_dir', 'ann_dir'):
            assert sorted(os.listdir(out / folder / split)) == names
        dataset = ISPRSDataset(pipeline=LOAD, data_root=str(out),
                               img_dir=f'img_dir/{split}',
                               ann_dir=f'ann_dir/{split}')
        assert len(dataset) == len(names)
        for index, name in enumerate(names):
            area, *box = name[:-4].split('_')
            x0, y0, x1, y1 = map(int, box)
            image, label = data[area]
            sample = dataset[index]
            np.testing.assert_array_equal(sample['img'],
                                          image[y0:y1, x0:x1, ::-1])
            patch = stored_labels(label)[y0:y1, x0:x1].astype(np.int64)
            np.testing.assert_array_equal(
                sample['gt_semantic_seg'],
                np.where(patch == 0, 255, patch - 1))


def test_missing_archive_is_one_line_error(vaihingen_archives):
    root, _ = vaihingen_archives
    folder = root / 'downloads' / 'vaihingen'
    os.remove(folder / LABELS)
    tool = load_tool('convert_datasets/vaihingen.py')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(folder), '-o', str(root / 'out')])
    assert str(exc.value) == (f'error: {folder / LABELS} not found: pass '
                              f'the path of Vaihingen {LABELS} (in the '
                              'folder given)')

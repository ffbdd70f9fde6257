"""tools/convert_datasets/potsdam.py on tiny archives in Potsdam's format."""
import io
import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import PotsdamDataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (520, 600)  # height, width: 2 x 2 patches of the default 512
TILES = {'2_10': 'train', '2_13': 'val'}
# RGB colour -> stored label (black boundary and unknown colours: 0)
COLORS = {(255, 255, 255): 1, (0, 0, 255): 2, (0, 255, 255): 3,
          (0, 255, 0): 4, (255, 255, 0): 5, (255, 0, 0): 6, (0, 0, 0): 0,
          (255, 0, 255): 0}
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
    """A map of 40x40 blocks, each one of ``values`` (rows)."""
    coarse = rng.integers(0, len(values), (SIZE[0] // 40 + 1,
                                           SIZE[1] // 40 + 1))
    full = np.kron(coarse, np.ones((40, 40), int))[:SIZE[0], :SIZE[1]]
    return values[full]


@pytest.fixture
def potsdam_archives(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / 'downloads' / 'potsdam'
    folder.mkdir(parents=True)
    colors = np.array(list(COLORS), np.uint8)
    data = {}
    with zipfile.ZipFile(folder / '2_Ortho_RGB.zip', 'w') as images, \
            zipfile.ZipFile(folder / '5_Labels_all_noBoundary.zip',
                            'w') as labels:
        images.writestr('2_Ortho_RGB/', '')
        for tile in TILES:
            image = blocks(rng, rng.integers(0, 256, (9, 3), dtype=np.uint8))
            label = blocks(rng, colors)
            data[tile] = image, label
            images.writestr(f'2_Ortho_RGB/top_potsdam_{tile}_RGB.tif',
                            tif(image))
            labels.writestr(f'top_potsdam_{tile}_label_noBoundary.tif',
                            tif(label))
    return tmp_path, data


def stored_labels(label: np.ndarray) -> np.ndarray:
    out = np.zeros(label.shape[:2], np.uint8)
    for color, value in COLORS.items():
        out[(label == color).all(-1)] = value
    return out


def test_docs_command_converts_and_labels_round_trip(potsdam_archives,
                                                     monkeypatch):
    root, data = potsdam_archives
    monkeypatch.chdir(root)
    load_tool('convert_datasets/potsdam.py').main(docs_command('potsdam.py'))
    out = root / 'data' / 'potsdam'
    boxes = [(0, 0, 512, 512), (0, 8, 512, 520), (88, 0, 600, 512),
             (88, 8, 600, 520)]
    for tile, split in TILES.items():
        names = sorted(f'{tile}_{x0}_{y0}_{x1}_{y1}.png'
                       for x0, y0, x1, y1 in boxes)
        for folder in ('img_dir', 'ann_dir'):
            assert sorted(os.listdir(out / folder / split)) == names
        dataset = PotsdamDataset(pipeline=LOAD, data_root=str(out),
                                 img_dir=f'img_dir/{split}',
                                 ann_dir=f'ann_dir/{split}')
        assert len(dataset) == len(boxes)
        image, label = data[tile]
        stored = stored_labels(label)
        for index, (x0, y0, x1, y1) in enumerate(sorted(
                boxes, key=lambda b: f'{tile}_{b[0]}_{b[1]}_{b[2]}_{b[3]}')):
            sample = dataset[index]
            np.testing.assert_array_equal(sample['img'],
                                          image[y0:y1, x0:x1, ::-1])
            patch = stored[y0:y1, x0:x1].astype(np.int64)
            np.testing.assert_array_equal(
                sample['gt_semantic_seg'],
                np.where(patch == 0, 255, patch - 1))


def test_small_clip_size_and_bad_input(potsdam_archives, tmp_path):
    root, _ = potsdam_archives
    tool = load_tool('convert_datasets/potsdam.py')
    written = tool.convert_potsdam(str(root / 'downloads' / 'potsdam'),
                                   str(tmp_path / 'small'), clip_size=256,
                                   stride_size=128)
    # 520 rows: starts 0, 256, 264; 600 columns: 0, 256, 344 (3 x 3)
    assert written == dict(images=18, labels=18)
    assert '2_13_344_264_600_520.png' in os.listdir(
        tmp_path / 'small' / 'ann_dir' / 'val')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(root / 'downloads' / 'potsdam'), '-o',
                   str(tmp_path / 'big'), '--clip_size', '1024'])
    assert str(exc.value) == ('error: image of 520x600 is smaller than '
                              '--clip_size 1024: pass a smaller clip size')

"""tools/convert_datasets/isaid.py on tiny zips of iSAID's format."""
import io
import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import iSAIDDataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
# split -> image name -> (height, width); patches are 896, every 512
IMAGES = {'train': {'P0000': (1000, 900), 'P0001': (300, 200)},
          'val': {'P0003': (896, 400)},
          'test': {'P0006': (50, 60)}}
# RGB colour -> stored label
COLORS = {(0, 0, 0): 0, (0, 0, 63): 1, (0, 63, 63): 2, (0, 100, 155): 15,
          (0, 127, 255): 14, (9, 9, 9): 0}
LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def docs_command(script: str) -> list:
    """Arguments of the docs/datasets.md command that runs ``script``."""
    text = (REPO_ROOT / 'docs' / 'datasets.md').read_text()
    text = text.replace('\\\n', ' ')
    (line, ) = [ln for ln in text.splitlines()
                if ln.startswith(f'python tools/convert_datasets/{script} ')]
    return shlex.split(line)[2:]


def png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format='PNG')
    return buffer.getvalue()


def blocks(rng, values: np.ndarray, size) -> np.ndarray:
    """A map of 50x50 blocks, each one of ``values`` (rows)."""
    coarse = rng.integers(0, len(values), (size[0] // 50 + 1,
                                           size[1] // 50 + 1))
    full = np.kron(coarse, np.ones((50, 50), int))[:size[0], :size[1]]
    return values[full]


@pytest.fixture
def isaid_folder(tmp_path):
    rng = np.random.default_rng(0)
    root = tmp_path / 'downloads' / 'iSAID'
    colors = np.array(list(COLORS), np.uint8)
    data = {}
    for split, images in IMAGES.items():
        (root / split / 'images').mkdir(parents=True)
        if split != 'test':
            (root / split / 'Semantic_masks').mkdir()
        # images come in several part zips, the masks in one
        parts = [zipfile.ZipFile(root / split / 'images' / f'part{k}.zip',
                                 'w') for k in (1, 2)]
        masks = None if split == 'test' else zipfile.ZipFile(
            root / split / 'Semantic_masks' / 'images.zip', 'w')
        for k, (name, size) in enumerate(images.items()):
            image = blocks(rng, rng.integers(0, 256, (9, 3), np.uint8), size)
            label = blocks(rng, colors, size)
            data[name] = image, label
            parts[k % 2].writestr(f'images/{name}.png', png(image))
            if masks:
                masks.writestr(f'images/{name}_instance_color_RGB.png',
                               png(label))
        for archive in parts + [masks]:
            if archive:
                archive.close()
    return tmp_path, data


def stored_labels(label: np.ndarray) -> np.ndarray:
    out = np.zeros(label.shape[:2], np.uint8)
    for color, value in COLORS.items():
        out[(label == color).all(-1)] = value
    return out


def expected_patches() -> dict:
    """``{split: {patch name: (image name, y0, y1, x0, x1)}}``."""
    # P0000 (1000 x 900): rows 0, 104; columns 0, 4 (moved back);
    # P0001 and P0003 are padded to one patch of 896 x 896
    boxes = {'P0000': [(y, y + 896, x, x + 896) for y in (0, 104)
                       for x in (0, 4)],
             'P0001': [(0, 896, 0, 896)], 'P0003': [(0, 896, 0, 896)]}
    return {split: {f'{name}_{y0}_{y1}_{x0}_{x1}': (name, y0, y1, x0, x1)
                    for name in IMAGES[split]
                    for y0, y1, x0, x1 in boxes[name]}
            for split in ('train', 'val')}


def test_docs_command_converts_and_labels_round_trip(isaid_folder,
                                                     monkeypatch):
    root, data = isaid_folder
    monkeypatch.chdir(root)
    load_tool('convert_datasets/isaid.py').main(docs_command('isaid.py'))
    out = root / 'data' / 'iSAID'
    assert os.listdir(out / 'img_dir' / 'test') == ['P0006.png']
    test_image = np.asarray(Image.open(out / 'img_dir' / 'test' /
                                       'P0006.png'))
    np.testing.assert_array_equal(test_image, data['P0006'][0])
    for split, patches in expected_patches().items():
        names = sorted(patches)
        assert sorted(os.listdir(out / 'img_dir' / split)) == [
            n + '.png' for n in names]
        assert sorted(os.listdir(out / 'ann_dir' / split)) == [
            n + '_instance_color_RGB.png' for n in names]
        dataset = iSAIDDataset(pipeline=LOAD, data_root=str(out),
                               img_dir=f'img_dir/{split}',
                               ann_dir=f'ann_dir/{split}')
        assert len(dataset) == len(names)
        for index, patch in enumerate(names):
            name, y0, y1, x0, x1 = patches[patch]
            image, label = data[name]
            h, w = image.shape[:2]
            padded_image = np.zeros((max(h, 896), max(w, 896), 3), np.uint8)
            padded_image[:h, :w] = image
            padded_label = np.full(padded_image.shape[:2], 255, np.uint8)
            padded_label[:h, :w] = stored_labels(label)
            sample = dataset[index]
            np.testing.assert_array_equal(sample['img'],
                                          padded_image[y0:y1, x0:x1, ::-1])
            np.testing.assert_array_equal(sample['gt_semantic_seg'],
                                          padded_label[y0:y1, x0:x1])


def test_missing_split_is_one_line_error(isaid_folder):
    root, _ = isaid_folder
    folder = root / 'downloads' / 'iSAID'
    for path in (folder / 'test' / 'images').iterdir():
        path.unlink()
    tool = load_tool('convert_datasets/isaid.py')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(folder), '-o', str(root / 'out')])
    assert str(exc.value) == (
        f'error: no .zip in {folder / "test" / "images"}: put the iSAID '
        'test image archives there as downloaded')

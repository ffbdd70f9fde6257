"""tools/convert_datasets/loveda.py on tiny archives in LoveDA's format."""
import io
import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import LoveDADataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (8, 6)  # height, width
# archive part -> location -> image names (LoveDA numbers them globally)
NAMES = {'Train': {'Rural': ['0', '1'], 'Urban': ['1366']},
         'Val': {'Rural': ['2522'], 'Urban': ['3514', '3515']},
         'Test': {'Rural': ['4191'], 'Urban': ['5167']}}
# as configs/_base_/datasets/loveda.py of 0.28 loads the labels
LOAD = [dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', reduce_zero_label=True)]


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


@pytest.fixture
def loveda_archives(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / 'downloads' / 'loveDA'
    folder.mkdir(parents=True)
    data = {}
    for part, locations in NAMES.items():
        with zipfile.ZipFile(folder / f'{part}.zip', 'w') as zf:
            for location, names in locations.items():
                for name in names:
                    image = rng.integers(0, 256, (*SIZE, 3), dtype=np.uint8)
                    mask = rng.integers(0, 8, SIZE, dtype=np.uint8)
                    data[name] = image, mask
                    zf.writestr(f'{part}/{location}/images_png/{name}.png',
                                png(image))
                    if part != 'Test':
                        zf.writestr(f'{part}/{location}/masks_png/{name}.png',
                                    png(mask))
    return tmp_path, data


def test_docs_command_converts_and_labels_round_trip(loveda_archives,
                                                     monkeypatch):
    root, data = loveda_archives
    monkeypatch.chdir(root)
    load_tool('convert_datasets/loveda.py').main(docs_command('loveda.py'))
    out = root / 'data' / 'loveDA'
    for part, locations in NAMES.items():
        split = part.lower()
        names = sorted(n for names in locations.values() for n in names)
        assert sorted(os.listdir(out / 'img_dir' / split)) == sorted(
            n + '.png' for n in names)
        if part == 'Test':
            assert sorted(os.listdir(out / 'ann_dir')) == ['train', 'val']
            continue
        dataset = LoveDADataset(pipeline=LOAD, data_root=str(out),
                                img_dir=f'img_dir/{split}',
                                ann_dir=f'ann_dir/{split}')
        assert dataset.reduce_zero_label
        assert len(dataset) == len(names)
        for index in range(len(dataset)):
            sample = dataset[index]
            name = sample['img_info']['filename'][:-4]
            image, mask = data[name]
            np.testing.assert_array_equal(sample['img'], image[..., ::-1])
            # 0 (no data) is ignored, classes 1..7 become 0..6
            np.testing.assert_array_equal(
                sample['gt_semantic_seg'],
                np.where(mask == 0, 255, mask.astype(np.int64) - 1))


def test_missing_archive_is_one_line_error(loveda_archives):
    root, _ = loveda_archives
    os.remove(root / 'downloads' / 'loveDA' / 'Val.zip')
    tool = load_tool('convert_datasets/loveda.py')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(root / 'downloads' / 'loveDA'), '-o',
                   str(root / 'out')])
    assert str(exc.value) == (
        f'error: {root / "downloads" / "loveDA" / "Val.zip"} not found: pass '
        'the path of LoveDA Val.zip (in the folder given)')

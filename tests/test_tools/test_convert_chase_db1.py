"""tools/convert_datasets/chase_db1.py on a tiny CHASEDB1.zip."""
import io
import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import ChaseDB1Dataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (8, 8)  # height, width
NAMES = [f'Image_{i:02d}{eye}' for i in range(1, 15) for eye in 'LR']
LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def docs_command(script: str) -> list:
    """Arguments of the docs/datasets.md command that runs ``script``."""
    text = (REPO_ROOT / 'docs' / 'datasets.md').read_text()
    text = text.replace('\\\n', ' ')
    (line, ) = [ln for ln in text.splitlines()
                if ln.startswith(f'python tools/convert_datasets/{script} ')]
    return shlex.split(line)[2:]


def encoded(array: np.ndarray, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt, **params)
    return buffer.getvalue()


@pytest.fixture
def chase_archive(tmp_path):
    rng = np.random.default_rng(0)
    data = {}
    with zipfile.ZipFile(tmp_path / 'CHASEDB1.zip', 'w') as zf:
        for name in NAMES:
            # a flat image: JPEG keeps it exactly
            image = np.full((*SIZE, 3), rng.integers(0, 256, 3), np.uint8)
            first = rng.choice(np.array([0, 1, 127, 128, 255], np.uint8),
                               SIZE)
            second = rng.choice(np.array([0, 255], np.uint8), SIZE)
            data[name] = image, first, second
            zf.writestr(f'{name}.jpg', encoded(image, 'JPEG', quality=100))
            zf.writestr(f'{name}_1stHO.png', encoded(first, 'PNG'))
            zf.writestr(f'{name}_2ndHO.png', encoded(second, 'PNG'))
    return tmp_path, data


def test_docs_command_converts_and_labels_round_trip(chase_archive,
                                                     monkeypatch):
    root, data = chase_archive
    monkeypatch.chdir(root)
    load_tool('convert_datasets/chase_db1.py').main(
        docs_command('chase_db1.py'))
    out = root / 'data' / 'CHASE_DB1'
    for split, names in (('training', NAMES[:20]),
                         ('validation', NAMES[20:])):
        assert sorted(os.listdir(out / 'images' / split)) == [
            n + '.png' for n in names]
        assert len(os.listdir(out / 'annotations' / split)) == 2 * len(names)
        dataset = ChaseDB1Dataset(pipeline=LOAD, data_root=str(out),
                                  img_dir=f'images/{split}',
                                  ann_dir=f'annotations/{split}')
        assert len(dataset) == len(names)
        for index, name in enumerate(names):
            sample = dataset[index]
            image, first, second = data[name]
            np.testing.assert_allclose(sample['img'], image[..., ::-1],
                                       atol=1)
            np.testing.assert_array_equal(sample['gt_semantic_seg'],
                                          first >= 128)
            stored = Image.open(out / 'annotations' / split /
                                f'{name}_2ndHO.png')
            np.testing.assert_array_equal(np.asarray(stored), second >= 128)


def test_incomplete_archive_is_one_line_error(tmp_path):
    with zipfile.ZipFile(tmp_path / 'CHASEDB1.zip', 'w') as zf:
        zf.writestr('Image_01L.jpg', encoded(np.zeros((4, 4, 3), np.uint8),
                                             'JPEG'))
    tool = load_tool('convert_datasets/chase_db1.py')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(tmp_path / 'CHASEDB1.zip'), '-o', str(tmp_path / 'o')])
    assert str(exc.value) == ('error: CHASEDB1.zip holds 1 files, expected '
                              '84: pass the complete archive as downloaded')

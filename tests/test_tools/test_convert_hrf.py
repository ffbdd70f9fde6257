"""tools/convert_datasets/hrf.py on tiny archives in HRF's format."""
import io
import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import HRFDataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (8, 8)  # height, width
# category, file tag, image extension (HRF's DR images are .JPG)
CATEGORIES = (('healthy', 'h', '.jpg'), ('glaucoma', 'g', '.jpg'),
              ('diabetic_retinopathy', 'dr', '.JPG'))
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
def hrf_archives(tmp_path):
    rng = np.random.default_rng(0)
    data = {}
    for category, tag, ext in CATEGORIES:
        with zipfile.ZipFile(tmp_path / f'{category}.zip', 'w') as images, \
                zipfile.ZipFile(tmp_path / f'{category}_manualsegm.zip',
                                'w') as labels:
            for i in range(1, 16):
                name = f'{i:02d}_{tag}'
                image = np.full((*SIZE, 3), rng.integers(0, 256, 3),
                                np.uint8)
                label = rng.choice(np.array([0, 100, 128, 255], np.uint8),
                                   SIZE)
                data[name] = image, label
                images.writestr(name + ext, encoded(image, 'JPEG',
                                                    quality=100))
                labels.writestr(name + '.tif', encoded(label, 'TIFF'))
    return tmp_path, data


def test_docs_command_converts_and_labels_round_trip(hrf_archives,
                                                     monkeypatch):
    root, data = hrf_archives
    monkeypatch.chdir(root)
    load_tool('convert_datasets/hrf.py').main(docs_command('hrf.py'))
    out = root / 'data' / 'HRF'
    expected = dict(training=[], validation=[])
    for _, tag, _ in CATEGORIES:
        expected['training'] += [f'{i:02d}_{tag}' for i in range(1, 6)]
        expected['validation'] += [f'{i:02d}_{tag}' for i in range(6, 16)]
    for split, names in expected.items():
        names = sorted(names)
        for folder in ('images', 'annotations'):
            assert sorted(os.listdir(out / folder / split)) == [
                n + '.png' for n in names]
        dataset = HRFDataset(pipeline=LOAD, data_root=str(out),
                             img_dir=f'images/{split}',
                             ann_dir=f'annotations/{split}')
        assert len(dataset) == len(names)
        for index, name in enumerate(names):
            sample = dataset[index]
            image, label = data[name]
            np.testing.assert_allclose(sample['img'], image[..., ::-1],
                                       atol=1)
            np.testing.assert_array_equal(sample['gt_semantic_seg'],
                                          label >= 128)


def test_missing_archive_is_one_line_error(hrf_archives):
    root, _ = hrf_archives
    os.remove(root / 'glaucoma_manualsegm.zip')
    tool = load_tool('convert_datasets/hrf.py')
    args = [str(root / f'{c}{s}.zip') for c, _, _ in CATEGORIES
            for s in ('', '_manualsegm')]
    with pytest.raises(SystemExit) as exc:
        tool.main(args + ['-o', str(root / 'out')])
    assert str(exc.value) == (
        f'error: {root / "glaucoma_manualsegm.zip"} not found: pass the '
        'path of HRF glaucoma_manualsegm.zip')

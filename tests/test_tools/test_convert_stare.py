"""tools/convert_datasets/stare.py on tiny tars in STARE's format."""
import gzip
import io
import os
import shlex
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import STAREDataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (6, 8)  # height, width
NAMES = [f'im{i:04d}' for i in (1, 2, 3, 4, 5, 44, 77, 81, 82, 139, 162,
                                163, 235, 236, 239, 240, 255, 291, 319, 324)]
LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def docs_command(script: str) -> list:
    """Arguments of the docs/datasets.md command that runs ``script``."""
    text = (REPO_ROOT / 'docs' / 'datasets.md').read_text()
    text = text.replace('\\\n', ' ')
    (line, ) = [ln for ln in text.splitlines()
                if ln.startswith(f'python tools/convert_datasets/{script} ')]
    return shlex.split(line)[2:]


def ppm_gz(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).convert('RGB').save(buffer, format='PPM')
    return gzip.compress(buffer.getvalue())


def write_tar(path: Path, files: dict) -> None:
    with tarfile.open(path, 'w') as tf:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tf.addfile(info, io.BytesIO(content))


@pytest.fixture
def stare_archives(tmp_path):
    rng = np.random.default_rng(0)
    levels = np.array([0, 60, 127, 128, 255], np.uint8)
    data = {n: (rng.integers(0, 256, (*SIZE, 3), dtype=np.uint8),
                rng.choice(levels, SIZE), rng.choice(levels, SIZE))
            for n in NAMES}
    write_tar(tmp_path / 'stare-images.tar',
              {f'{n}.ppm.gz': ppm_gz(d[0]) for n, d in data.items()})
    write_tar(tmp_path / 'labels-ah.tar',
              {f'{n}.ah.ppm.gz': ppm_gz(d[1]) for n, d in data.items()})
    write_tar(tmp_path / 'labels-vk.tar',
              {f'{n}.vk.ppm.gz': ppm_gz(d[2]) for n, d in data.items()})
    return tmp_path, data


def test_docs_command_converts_and_labels_round_trip(stare_archives,
                                                     monkeypatch):
    root, data = stare_archives
    monkeypatch.chdir(root)
    load_tool('convert_datasets/stare.py').main(docs_command('stare.py'))
    out = root / 'data' / 'STARE'
    for split, names in (('training', NAMES[:10]),
                         ('validation', NAMES[10:])):
        assert sorted(os.listdir(out / 'images' / split)) == [
            n + '.png' for n in names]
        assert sorted(os.listdir(out / 'annotations' / split)) == sorted(
            f'{n}.{who}.png' for n in names for who in ('ah', 'vk'))
        dataset = STAREDataset(pipeline=LOAD, data_root=str(out),
                               img_dir=f'images/{split}',
                               ann_dir=f'annotations/{split}')
        assert len(dataset) == 10
        for index, name in enumerate(names):
            sample = dataset[index]
            image, ah, vk = data[name]
            np.testing.assert_array_equal(sample['img'], image[..., ::-1])
            np.testing.assert_array_equal(sample['gt_semantic_seg'],
                                          ah >= 128)
            stored = Image.open(out / 'annotations' / split / f'{name}.vk.png')
            np.testing.assert_array_equal(np.asarray(stored), vk >= 128)


def test_incomplete_archive_is_one_line_error(stare_archives):
    root, _ = stare_archives
    with tarfile.open(root / 'labels-vk.tar') as tf:
        files = {m.name: tf.extractfile(m).read() for m in tf.getmembers()}
    write_tar(root / 'labels-vk.tar', dict(list(files.items())[:19]))
    tool = load_tool('convert_datasets/stare.py')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(root / 'stare-images.tar'), str(root / 'labels-ah.tar'),
                   str(root / 'labels-vk.tar'), '-o', str(root / 'out')])
    assert str(exc.value) == ('error: labels-vk.tar holds 19 files, expected '
                              '20: pass the complete archive as downloaded')

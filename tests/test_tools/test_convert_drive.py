"""tools/convert_datasets/drive.py on a tiny archive in DRIVE's format."""
import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmseg.datasets import DRIVEDataset
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZE = (12, 10)  # height, width
LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def docs_command(script: str) -> list:
    """Arguments of the docs/datasets.md command that runs ``script``."""
    text = (REPO_ROOT / 'docs' / 'datasets.md').read_text()
    text = text.replace('\\\n', ' ')
    (line, ) = [ln for ln in text.splitlines()
                if ln.startswith(f'python tools/convert_datasets/{script} ')]
    return shlex.split(line)[2:]


def write_zip(path: Path, files: dict) -> None:
    """``files``: name in the archive -> PIL image (saved by extension)."""
    with zipfile.ZipFile(path, 'w') as zf:
        for name in sorted({str(Path(n).parent) + '/' for n in files}):
            zf.writestr(name, '')
        for name, image in files.items():
            tmp = path.parent / Path(name).name
            image.save(tmp)
            zf.write(tmp, name)
            tmp.unlink()


def fundus(rng) -> np.ndarray:
    return rng.integers(0, 256, (*SIZE, 3), dtype=np.uint8)


def manual(rng) -> np.ndarray:
    """Grey vessel map, not strictly black and white (as some are)."""
    return rng.choice(np.array([0, 30, 127, 128, 200, 255], np.uint8), SIZE)


@pytest.fixture
def drive_archives(tmp_path):
    rng = np.random.default_rng(0)
    data = {}
    train, test = {}, {}
    for n in (21, 22):
        data[n] = fundus(rng), manual(rng)
        train[f'training/images/{n}_training.tif'] = Image.fromarray(
            data[n][0])
        train[f'training/1st_manual/{n}_manual1.gif'] = Image.fromarray(
            data[n][1])
        train[f'training/mask/{n}_training_mask.gif'] = Image.new(
            'L', SIZE[::-1], 255)
    data[1] = fundus(rng), manual(rng), manual(rng)
    test['test/images/01_test.tif'] = Image.fromarray(data[1][0])
    test['test/1st_manual/01_manual1.gif'] = Image.fromarray(data[1][1])
    test['test/2nd_manual/01_manual2.gif'] = Image.fromarray(data[1][2])
    write_zip(tmp_path / 'training.zip', train)
    write_zip(tmp_path / 'test.zip', test)
    return tmp_path, data


def test_docs_command_converts_and_labels_round_trip(drive_archives,
                                                     monkeypatch):
    root, data = drive_archives
    monkeypatch.chdir(root)
    load_tool('convert_datasets/drive.py').main(docs_command('drive.py'))
    out = root / 'data' / 'DRIVE'
    assert sorted(os.listdir(out / 'images' / 'training')) == [
        '21.png', '22.png']
    assert sorted(os.listdir(out / 'annotations' / 'validation')) == [
        '01_manual1.png', '01_manual2.png']
    for split, names in (('training', (21, 22)), ('validation', (1, ))):
        dataset = DRIVEDataset(pipeline=LOAD, data_root=str(out),
                               img_dir=f'images/{split}',
                               ann_dir=f'annotations/{split}')
        assert len(dataset) == len(names)
        for index, n in enumerate(names):
            sample = dataset[index]
            image, label = data[n][0], data[n][1]
            np.testing.assert_array_equal(sample['img'], image[..., ::-1])
            np.testing.assert_array_equal(sample['gt_semantic_seg'],
                                          (label >= 128).astype(np.uint8))
    second = np.asarray(Image.open(out / 'annotations' / 'validation' /
                                   '01_manual2.png'))
    np.testing.assert_array_equal(second, data[1][2] >= 128)


def test_test_archive_without_labels(drive_archives, tmp_path):
    root, _ = drive_archives
    tool = load_tool('convert_datasets/drive.py')
    with zipfile.ZipFile(root / 'test.zip') as zf:
        kept = {n: zf.read(n) for n in zf.namelist() if 'manual' not in n}
    with zipfile.ZipFile(root / 'test.zip', 'w') as zf:
        for name, content in kept.items():
            zf.writestr(name, content)
    written = tool.convert_drive(str(root / 'training.zip'),
                                 str(root / 'test.zip'), str(tmp_path / 'o'))
    assert written == dict(training=['21_training.tif', '22_training.tif'],
                           validation=['01_test.tif'])
    assert os.listdir(tmp_path / 'o' / 'annotations' / 'validation') == []


def test_missing_archive_is_one_line_error(tmp_path, capsys):
    tool = load_tool('convert_datasets/drive.py')
    with pytest.raises(SystemExit) as exc:
        tool.main([str(tmp_path / 'training.zip'), str(tmp_path / 't.zip'),
                   '-o', str(tmp_path / 'out')])
    assert str(exc.value) == (f'error: {tmp_path / "training.zip"} not '
                              'found: pass the path of DRIVE training.zip')

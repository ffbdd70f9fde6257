"""Bad input: one-line errors naming the path/key, nothing written lost."""
import hashlib
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from mmseg.models import build_segmentor
from tests.helpers import tiny_ocrnet
from tests.runs import (
    QUICK_CAC,
    free_port,
    run_tool,
    small_run_options,
)

# one worker runs the module, so its module fixture is made once
pytestmark = pytest.mark.xdist_group('bad_input')


@pytest.fixture(scope='module')
def precious(synthetic_root, tmp_path_factory):
    """A work dir with a checkpoint and logs that must survive every error."""
    work_dir = tmp_path_factory.mktemp('precious')
    run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
              str(work_dir), '--no-validate',
              *small_run_options(synthetic_root, 1)])
    digest = {p.name: hashlib.sha1(p.read_bytes()).hexdigest()
              for p in work_dir.iterdir() if p.is_file()}
    yield work_dir
    after = {p.name: hashlib.sha1(p.read_bytes()).hexdigest()
             for p in work_dir.iterdir() if p.is_file()}
    changed = [k for k in digest if after.get(k) != digest[k]]
    assert not changed, changed


def fails_with(args, *needles):
    """Run a tool expecting exit 2 and a last stderr line with needles."""
    result = run_tool(args, check=False)
    assert result.returncode == 2, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('error: '), last
    for needle in needles:
        assert needle in last, (needle, last)
    return last


def train_args(work_dir, root, **options):
    return ['python', 'tools/train.py', QUICK_CAC, '--work-dir',
            str(work_dir), '--no-validate',
            *small_run_options(root, 2, **options)]


def copy_data(root: Path, dst: Path) -> Path:
    shutil.copytree(root, dst)
    return dst


def train_files(root: Path, pattern: str):
    return sorted((root / 'leftImg8bit' / 'train').rglob(pattern)) if \
        'leftImg8bit' in pattern else sorted(
            (root / 'gtFine' / 'train').rglob(pattern))


def test_missing_data_root(precious, synthetic_root):
    fails_with(train_args(precious, synthetic_root, **{
        'data.train.data_root': '/no/such/cityscapes'}),
        '/no/such/cityscapes')


def test_empty_image_dir(precious, tmp_path):
    for sub in ('leftImg8bit/train', 'gtFine/train', 'leftImg8bit/val',
                'gtFine/val'):
        (tmp_path / sub).mkdir(parents=True)
    fails_with(train_args(precious, tmp_path), 'leftImg8bit/train')


def test_image_without_annotation(precious, synthetic_root, tmp_path):
    root = copy_data(synthetic_root, tmp_path / 'data')
    missing = train_files(root, '*_labelTrainIds.png')[0]
    missing.unlink()
    fails_with(train_args(precious, root), missing.name)


def test_corrupt_image(precious, synthetic_root, tmp_path):
    root = copy_data(synthetic_root, tmp_path / 'data')
    for image in train_files(root, '*_leftImg8bit.png'):
        image.write_bytes(image.read_bytes()[:200])  # truncated
    last = fails_with(train_args(precious, root), '_leftImg8bit.png')
    assert 'leftImg8bit' in last


def test_annotation_of_another_size(precious, synthetic_root, tmp_path):
    root = copy_data(synthetic_root, tmp_path / 'data')
    for label in train_files(root, '*_labelTrainIds.png'):
        small = Image.open(label).resize((64, 32), Image.NEAREST)
        small.save(label)
    fails_with(train_args(precious, root), '_labelTrainIds.png', '32x64')


def test_labels_outside_the_classes_are_ignored_with_one_warning(
        synthetic_root, tmp_path):
    root = copy_data(synthetic_root, tmp_path / 'data')
    for label in train_files(root, '*_labelTrainIds.png'):
        values = np.array(Image.open(label))
        values[::6] = 100  # every 6th row: any crop contains some
        Image.fromarray(values).save(label)
    result = run_tool(train_args(tmp_path / 'work', root))
    assert result.stderr.count('label values [100] are outside') == 1
    assert (tmp_path / 'work' / 'iter_2.pth').exists()


def test_missing_config_unknown_type_and_bad_options(precious,
                                                     synthetic_root):
    fails_with(['python', 'tools/train.py', 'configs/no_such.py'],
               'configs/no_such.py')
    fails_with(train_args(precious, synthetic_root, **{
        'model.decode_head.type': 'CACFCNHaed'}), "'CACFCNHaed'",
        'CACFCNHead')
    fails_with(train_args(precious, synthetic_root) + ['lr0.1'], "'lr0.1'",
               'KEY=VALUE')


def test_work_dir_that_cannot_be_written(synthetic_root, tmp_path):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    fails_with(train_args(blocker / 'work', synthetic_root),
               str(blocker / 'work'), '--work-dir')


def test_checkpoint_of_another_model(precious, synthetic_root, tmp_path):
    path = tmp_path / 'ocrnet.pth'
    torch.save({'state_dict': build_segmentor(tiny_ocrnet()).state_dict()},
               path)
    fails_with(['python', 'tools/test.py', QUICK_CAC, str(path), '--eval',
                'mIoU', '--work-dir', str(precious),
                *small_run_options(synthetic_root, 1)],
               str(path), 'does not match the model')


def test_port_already_in_use(precious, synthetic_root):
    port = free_port()
    with socket.socket() as busy:
        busy.bind(('', port))
        busy.listen()
        result = run_tool(['bash', 'tools/dist_train.sh', QUICK_CAC, '2',
                           '--work-dir', str(precious),
                           *small_run_options(synthetic_root, 1)],
                          check=False, env=dict(PORT=str(port)))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f'error: PORT {port} is already in use on 127.0.0.1; pick another, '
        f'e.g. PORT={port + 1} bash tools/dist_train.sh ...')

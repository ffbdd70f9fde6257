"""Weights-only loading by default, clear refusals and messages."""
import datetime

import pytest
import torch

from mmseg.models import build_segmentor
from mmseg.utils import checkpoint as ckpt
from mmseg.utils import load_weights
from tests.helpers import tiny_fcn, tiny_ocrnet
from tests.runs import QUICK_CAC, run_tool, small_run_options


@pytest.fixture
def model():
    return build_segmentor(tiny_fcn(num_classes=4))


def test_plain_checkpoints_load_weights_only(model, tmp_path):
    path = tmp_path / 'plain.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {'iter': 3}},
               path)
    assert load_weights(model, str(path)) == {'iter': 3}


def test_code_carrying_checkpoint_is_refused_unless_trusted(
        model, tmp_path, monkeypatch):
    path = tmp_path / 'pickled.pth'
    torch.save({'state_dict': model.state_dict(),
                'meta': {'time': datetime.datetime(2024, 1, 1)}}, path)
    with pytest.raises(ckpt.UnsafeCheckpointError) as err:
        load_weights(model, str(path))
    message = str(err.value)
    assert 'datetime' in message and '--trust-checkpoint' in message
    assert str(path) in message and '\n' not in message
    monkeypatch.setenv(ckpt.TRUST_ENV, '1')
    assert load_weights(model, str(path))['time'].year == 2024


def test_trust_flag_of_the_test_tool(synthetic_root, tmp_path):
    run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
              str(tmp_path), '--no-validate',
              *small_run_options(synthetic_root, 1)])
    weights = torch.load(tmp_path / 'iter_1.pth', weights_only=True)
    weights['meta']['time'] = datetime.datetime(2024, 1, 1)
    torch.save(weights, tmp_path / 'pickled.pth')
    args = ['python', 'tools/test.py', QUICK_CAC,
            str(tmp_path / 'pickled.pth'), '--eval', 'mIoU', '--work-dir',
            str(tmp_path), *small_run_options(synthetic_root, 1)]
    refused = run_tool(args, check=False)
    assert refused.returncode == 2
    last = refused.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and '--trust-checkpoint' in last
    run_tool(args + ['--trust-checkpoint'])


def test_checkpoint_of_another_model_lists_the_differences(model, tmp_path):
    other = build_segmentor(tiny_ocrnet())
    path = tmp_path / 'ocr.pth'
    torch.save({'state_dict': other.state_dict()}, path)
    with pytest.raises(ValueError) as err:
        load_weights(model, str(path))
    message = str(err.value)
    assert 'missing' in message and 'unexpected' in message
    assert 'decode_head.0.' in message and '\n' not in message


def test_open_mmlab_offline_says_where_to_put_the_file(model, tmp_path,
                                                       monkeypatch):
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path))

    def offline(url, dst, progress=True):
        raise OSError('network is unreachable')

    monkeypatch.setattr(torch.hub, 'download_url_to_file', offline)
    expected = tmp_path / 'checkpoints' / 'hrnetv2_w48-d2186c55.pth'
    with pytest.raises(FileNotFoundError) as err:
        ckpt.load_from_openmmlab('open-mmlab://msra/hrnetv2_w48')
    assert str(expected) in str(err.value)
    torch.save({'state_dict': {'w': torch.zeros(1)}}, expected)
    loaded = ckpt.load_from_openmmlab('open-mmlab://msra/hrnetv2_w48')
    assert torch.equal(loaded['state_dict']['w'], torch.zeros(1))
    with pytest.raises(KeyError, match='unknown checkpoint'):
        ckpt.load_from_openmmlab('open-mmlab://no/such_model')

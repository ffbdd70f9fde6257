"""ResNeSt: 0.28 parity (tiny, perturbed weights) and 0.28's full-size
parameter counts."""
import copy

import pytest
import torch

from mmseg.models import build_backbone
from mmseg.models.backbones.resnest import Bottleneck
from tests.conftest import REPO_ROOT

CASE = REPO_ROOT / 'tests' / 'data' / 'reference_028' / 'resnest.pt'


@pytest.fixture(scope='module')
def case() -> dict:
    return torch.load(CASE, weights_only=False)


def test_matches_028(case):
    model = build_backbone(copy.deepcopy(case['config']))
    model.load_state_dict(case['state_dict'], strict=True)
    for mode, expected in (('eval', case['eval_outputs']),
                           ('train', case['train_outputs'])):
        model.train(mode == 'train')
        with torch.no_grad():
            outs = model(case['inputs'])
        assert len(outs) == len(expected)
        for out, ref in zip(outs, expected):
            torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('depth', [50, 101])
def test_full_size_counts_match_028(case, depth):
    with torch.device('meta'):
        model = build_backbone(dict(type='ResNeSt', depth=depth,
                                    stem_channels=128, radix=2,
                                    reduction_factor=4,
                                    avg_down_stride=True))
    params = sum(p.numel() for p in model.parameters())
    assert (params, len(model.state_dict())) == case['full_counts'][depth]


def test_blocks_have_split_attention_and_no_bn2(case):
    model = build_backbone(copy.deepcopy(case['config']))
    block = model.layer1[0]
    assert isinstance(block, Bottleneck)
    assert not hasattr(block, 'bn2')
    assert block.avg_down_stride  # stage 1 has stride 2 in the case
    assert not model.layer2[0].avg_down_stride


def test_no_zero_init_of_the_last_norm():
    """0.28 zero-initialises the last norm of ResNet's own blocks only."""
    model = build_backbone(dict(type='ResNeSt', depth=50, stem_channels=8,
                                base_channels=4, num_stages=1,
                                strides=(1, ), dilations=(1, ),
                                out_indices=(0, )))
    model.init_weights()
    assert model.layer1[0].bn3.weight.abs().sum() > 0

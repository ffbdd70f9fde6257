"""LRASPPHead: 0.28 parity, CAC on the deepest input, errors."""
import pytest
import torch

from mmseg.models.builder import build_head
from mmseg.models.decode_heads import LRASPPHead
from tests.reference_028 import assert_cac_trains, check_case

HEAD = dict(type='LRASPPHead', in_channels=(4, 6, 8), in_index=(0, 1, 2),
            channels=8, input_transform='multiple_select',
            branch_channels=(4, 4), num_classes=3, dropout_ratio=0,
            norm_cfg=dict(type='BN'))


def inputs():
    torch.manual_seed(0)
    return [torch.rand(2, 4, 98, 98), torch.rand(2, 6, 98, 98),
            torch.rand(2, 8, 49, 49)]


def test_matches_028():
    check_case('lraspp')


def test_cac_trains():
    assert_cac_trains('lraspp')


def test_cac_projects_the_deepest_input():
    head = build_head(dict(
        HEAD, cac=dict(proj_channel=8, weight=1.0),
        loss_decode=[dict(type='CrossEntropyLoss'),
                     dict(type='CACLoss', threshold=10, max_sample=64)]))
    assert head.proj[0].conv.in_channels == 8
    feats = inputs()
    out = head.cac_outputs(feats)
    assert out.projection.shape == (2, 8, 49, 49)
    assert out.logits.shape == out.confidence_logits.shape == (2, 3, 98, 98)
    gt = torch.randint(0, 3, (2, 1, 98, 98))
    losses = head.train_losses(feats, (), gt)
    assert losses['loss_cac'] > 0 and torch.isfinite(losses['loss_ce'])


def test_forward_fuses_from_deep_to_shallow():
    head = LRASPPHead(**{k: v for k, v in HEAD.items() if k != 'type'})
    head.eval()
    feats = inputs()
    logits = head(feats)
    assert logits.shape == (2, 3, 98, 98)
    seen = []
    head.conv_ups.conv_up0.register_forward_hook(
        lambda m, args, out: seen.append(args[0].shape[1]))
    head(feats)
    assert seen == [8 + 4]  # channels + branch_channels[0]


def test_errors():
    kwargs = {k: v for k, v in HEAD.items() if k != 'type'}
    with pytest.raises(ValueError, match="must be 'multiple_select'"):
        LRASPPHead(**dict(kwargs, input_transform='resize_concat'))
    with pytest.raises(ValueError, match='branch_channels needs one int'):
        LRASPPHead(**dict(kwargs, branch_channels=(4, )))
    small = [torch.rand(1, 4, 40, 40), torch.rand(1, 6, 40, 40),
             torch.rand(1, 8, 20, 20)]
    with pytest.raises(ValueError, match='at least 49x49'):
        LRASPPHead(**kwargs)(small)

import pytest
import torch

from mmseg.models.necks import JPU


def test_outputs_pass_levels_through_and_fuse_the_dilations():
    neck = JPU(in_channels=(2, 4, 8), mid_channels=3, dilations=(1, 2))
    feats = [torch.randn(1, 2, 16, 16), torch.randn(1, 4, 8, 8),
             torch.randn(1, 8, 4, 4)]
    outs = neck(feats)
    assert len(outs) == 3
    assert outs[0] is feats[0] and outs[1] is feats[1]
    assert outs[2].shape == (1, 2 * 3, 16, 16)


def test_start_and_end_level():
    neck = JPU(in_channels=(2, 4, 8), mid_channels=3, start_level=1,
               end_level=3, dilations=(1, ))
    feats = [torch.randn(1, 2, 16, 16), torch.randn(1, 4, 8, 8),
             torch.randn(1, 8, 4, 4)]
    outs = neck(feats)
    assert len(outs) == 2 and outs[0] is feats[1]
    assert outs[1].shape == (1, 3, 8, 8)


def test_tuples_required():
    with pytest.raises(TypeError, match='must be tuples'):
        JPU(in_channels=[2, 4, 8])
